// bench/remote-read.mjs in a Node process of its own (HDF5 loaded afresh each time), printing its result as JSON.
// Usage: node bench/remote-read-node.mjs URL PREFETCH(0|1)
import { NWBHDF5IO } from "../dist/index.js";
import { readRemote } from "./remote-read.mjs";

process.stdout.write(JSON.stringify(await readRemote(NWBHDF5IO, process.argv[2], process.argv[3] !== "0")));
