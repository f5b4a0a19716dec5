// Reads the same dataset with h5wasm's own `.value` and with tsnwb's slab reader, each in a fresh process
// (argv[3] picks which), so neither inherits the other's warmed memory.
//   node bench/value_vs_slabs.mjs FILE value|slabs
import { NWBHDF5IO } from "../dist/index.js";
import h5wasm from "h5wasm/node";

const [file, how] = process.argv.slice(2);
const path = "/acquisition/movie/data";
const t = performance.now();
let bytes;
if (how === "value") {
  await h5wasm.ready;
  const f = new h5wasm.File(file, "r");
  bytes = f.get(path).value.byteLength;
  f.close();
} else {
  const io = await NWBHDF5IO.open(file, "r");
  const nwbfile = await io.read();
  bytes = (await nwbfile.acquisition.get("movie").data.read()).byteLength;
  await io.close();
}
const s = (performance.now() - t) / 1000;
console.log(JSON.stringify({ how, MB: bytes / 1e6, seconds: +s.toFixed(3), MBps: +(bytes / 1e6 / s).toFixed(1) }));
