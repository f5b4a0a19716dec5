/**
 * Imported first by `cli.ts`: for a command that reads files (not `view`, which runs on), the reading worker starts
 * before the rest of the command line's modules load, so that both load at once (the worker loads the reader and
 * HDF5 again: on one core after the other, that would be a quarter of a second more per command).
 */
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

/**
 * `inspect` reads a folder of files with a worker a core (`readingWorkers`): as many start now, for about as many
 * files as its arguments name (an option's value counted as a file too: at worst, one thread more than needed).
 */
const files = command === "inspect" ? process.argv.slice(3).filter((a) => !a.startsWith("-")).length : 1;

const tasks = Object.hasOwn(READING, command) ? READING[command] : undefined;
if (tasks && !process.argv.includes("--help") && !process.argv.includes("-h")) startEarly(tasks, command === "inspect" ? readingWorkers(files) : 1);
