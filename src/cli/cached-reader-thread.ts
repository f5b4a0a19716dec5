/**
 * The reading worker's thread from the command line's bundle (`file-worker.ts` starts it there): the bundle's
 * script of the thread (`file-worker-thread.ts`) run with the code cache of the flags the command set, which the
 * process's threads share (`code-cache.ts`).
 */
import { workerData } from "node:worker_threads";
import { runCached, setCacheFlavour } from "./code-cache.js";

setCacheFlavour((workerData as { codeCache?: string } | undefined)?.codeCache ?? "default");
runCached("tsnwb-reader");
