// The library read of the damaged-files test, as a user's program does it, run as its own process (HDF5 may loop
// on a damaged file: the test stops this process then, and starts it again after that file).
// Usage: node read-files.mjs LIST FIRST   (LIST: a text file of paths, one per line; FIRST: the index to start at)
// For each file from FIRST: prints "start\tI", then "done\tI\tJSON" with { ok } or { error: { name, tag, message } }.
// Reading: NWBHDF5IO.open, read, then every object printed and serialised, every table's rows, every array read.
import { readFileSync } from "node:fs";
import { DynamicTable, NWBHDF5IO } from "../../dist/index.js";

const [list, first = "0"] = process.argv.slice(2);
const files = readFileSync(list, "utf8").split("\n").filter((l) => l.length > 0);

async function touchEverything(file) {
  const io = await NWBHDF5IO.open(file, "r");
  try {
    const nwbfile = await io.read();
    for (const obj of nwbfile.objects.values()) {
      String(obj);
      JSON.stringify(obj);
      if (obj instanceof DynamicTable) await obj.toRecords();
      for (const value of Object.values(obj)) {
        if (value !== null && typeof value === "object" && typeof value.read === "function" && Array.isArray(value.shape)) await value.read();
      }
    }
  } finally {
    await io.close();
  }
}

for (let i = Number(first); i < files.length; i++) {
  console.log(`start\t${i}`);
  let result;
  try {
    await touchEverything(files[i]);
    result = { ok: true };
  } catch (e) {
    result = { error: { name: e?.constructor?.name ?? typeof e, tag: e?.tag, message: String(e?.message ?? e) } };
  }
  console.log(`done\t${i}\t${JSON.stringify(result)}`);
}
