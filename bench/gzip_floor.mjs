// The gzip write speed of h5wasm alone (no tsnwb code): the same 1000 frames of 512x512 uint8 as the benchmark,
// written in 32-frame slabs to a chunked (1, 512, 512) gzip-4 dataset. This is the ceiling for tsnwb's gzip mode.
//   node bench/gzip_floor.mjs [FILE]
import h5wasm from "h5wasm/node";

const file = process.argv[2] ?? "/tmp/gzip-floor.h5";
const M = await h5wasm.ready;
M.activate_throwing_error_handler();
const [n, h, w] = [1000, 512, 512];
const frame = h * w;
const data = new Uint8Array(n * frame);
let seed = 0x9e3779b9;
for (let k = 0; k < n; k++) {
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
      data[k * frame + y * w + x] = (Math.floor(((x + y) * 255) / (h + w)) + ((seed >>> 0) & 3) + k) & 255;
    }
  }
}
const f = new h5wasm.File(file, "w");
f.create_dataset({ name: "d", data: new Uint8Array(0), shape: [0, h, w], maxshape: [n, h, w], chunks: [1, h, w], compression: "gzip", compression_opts: 4, dtype: "<B" });
M.resize_dataset(f.file_id, "/d", [BigInt(n), BigInt(h), BigInt(w)]);
const t = performance.now();
const ptr = M._malloc(32 * frame);
for (let r = 0; r < n; r += 32) {
  const k = Math.min(32, n - r);
  M.HEAPU8.set(data.subarray(r * frame, (r + k) * frame), ptr);
  M.set_dataset_data(f.file_id, "/d", [BigInt(k), BigInt(h), BigInt(w)], [BigInt(r), 0n, 0n], [1n, 1n, 1n], BigInt(ptr));
}
M._free(ptr);
f.close();
console.log(JSON.stringify({ impl: "h5wasm", mode: "gzip", write_MBps: +((n * frame) / 1e6 / ((performance.now() - t) / 1000)).toFixed(1) }));
