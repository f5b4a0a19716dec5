/**
 * Imported first by `main.ts`: for a command that reads files (not `view`, which runs on), the reading worker starts
 * before the rest of the command line's modules load, so that both load at once (the worker loads the library and
 * HDF5 again: on one core after the other, that would be a quarter of a second more per command).
 */
import { startEarly } from "./file-worker.js";

/** The commands whose files are read in the worker (`file-tasks.ts`). */
const READING = new Set(["info", "validate", "inspect", "export", "frames"]);

if (READING.has(process.argv[2] ?? "") && !process.argv.includes("--help") && !process.argv.includes("-h")) startEarly();
