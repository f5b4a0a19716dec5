/**
 * Imported first by `cli.ts`: for a command that reads files (not `view`, which runs on), the reading worker starts
 * before the rest of the command line's modules load, so that both load at once (the worker loads the reader and
 * HDF5 again: on one core after the other, that would be a quarter of a second more per command).
 */
import { setFlagsFromString } from "node:v8";
import { readingWorkers, startEarly } from "./file-worker.js";
import type { FileTasks } from "./file-tasks.js";

const command = process.argv[2] ?? "";

/** The commands whose files are read in the worker (`file-tasks.ts`), and the tasks each runs there. */
const READING: Record<string, (keyof FileTasks)[]> = {
  info: [process.argv.includes("--json") ? "info" : "summary"],
  validate: ["validate"],
  inspect: ["inspect"],
  export: ["export"],
  frames: ["frames"],
};

// `inspect` reads layouts and attributes, and few values: V8's optimizing compiler would spend more time (a fifth
// of a second of CPU, on background threads) on HDF5's WebAssembly than it saves on such a command. Its baseline
// compiler serves. Set before the worker compiles HDF5's module (the flag is the process's; this thread runs none).
// Nor is every function of HDF5's module validated before the module compiles (a tenth of its 3.5 MB serves
// `inspect`): each is validated as it is first compiled, lazily (V8 compiles lazily already). The module was
// validated whole when the build wrote it (`bundle.ts`).
// Its JavaScript, alike: TurboFan's optimizing compiles (on background threads) cost more CPU than they save in a
// command of a second or so (50 small files: 0.94 -> 0.71 s of CPU, and less time), the baseline tiers serve.
// And the young generation of the worker's heap starts at 16 MB a half, not 1 MB: reading a file's layout makes many
// short-lived objects, which filled the small one about every millisecond (a tenth of the worker's time went to
// scavenges: the 4 GB file's inspect, 0.31 -> 0.29 s of CPU). The flag is the process's, read as a heap is made.
if (command === "inspect") {
  setFlagsFromString("--liftoff-only");
  setFlagsFromString("--wasm-lazy-validation");
  setFlagsFromString("--no-opt");
  setFlagsFromString("--min-semi-space-size=16");
}

/**
 * `inspect` reads a folder of files with a worker a core (`readingWorkers`): as many start now, for about as many
 * files as its arguments name (an option's value counted as a file too: at worst, one thread more than needed).
 */
const files = command === "inspect" ? process.argv.slice(3).filter((a) => !a.startsWith("-")).length : 1;

const tasks = Object.hasOwn(READING, command) ? READING[command] : undefined;
if (tasks && !process.argv.includes("--help") && !process.argv.includes("-h")) startEarly(tasks, command === "inspect" ? readingWorkers(files) : 1);
