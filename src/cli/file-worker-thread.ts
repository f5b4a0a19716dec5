/**
 * The reading worker's thread (see `file-worker.ts`): runs one task at a time on the file it names and answers with
 * its value, or its error as data. It says when HDF5's WebAssembly module failed during a task (an abort, an
 * access out of bounds): the module's state is not to be trusted after that, and the worker is replaced.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type TsnwbErrorTag, isTsnwbError } from "../errors.js";
import { saveCodeCache } from "./code-cache.js";
import { type FileTasks, type TaskProgress, fileTasks, loadTasks } from "./file-tasks.js";

/** What the thread is started with: the tasks it will run first, whose modules it loads before it says it is ready. */
export interface ThreadData {
  preload: (keyof FileTasks)[];
  /** The flavour of the code cache the thread's script is compiled with (`cached-reader-thread.ts`). */
  codeCache: string;
}

export interface Request {
  id: number;
  task: keyof FileTasks;
  args: unknown;
}

/** An error as it crosses threads: a tsnwb error's tag, a system error's code, or a name. */
export interface TaskError {
  message: string;
  name: string;
  tag?: TsnwbErrorTag;
  code?: string;
}

export type Reply =
  | { ready: true }
  | { id: number; progress: TaskProgress }
  | { id: number; value: unknown; crashed: boolean }
  | { id: number; error: TaskError; crashed: boolean }
  | { warning: { type: string; message: string } };

/** Whether `e`, or an error it was caused by, is the WebAssembly module failing. */
function wasmFailed(e: unknown): boolean {
  for (let cause = e, depth = 0; cause instanceof Error && depth < 8; cause = cause.cause, depth++) {
    if (cause instanceof WebAssembly.RuntimeError) return true;
  }
  return false;
}

function taskError(e: unknown): TaskError {
  if (!(e instanceof Error)) return { message: String(e), name: "Error" };
  const code = (e as { code?: unknown }).code;
  return { message: e.message, name: e.name, ...(isTsnwbError(e) ? { tag: e.tag } : {}), ...(typeof code === "string" ? { code } : {}) };
}

const port = parentPort!;
// This thread's stderr is dropped (see file-worker.ts), but a file restored from its journal on opening has been
// changed on disk: the command's user is told, as when the library opens it in their own process.
process.on("warning", (w) => {
  if (w.name === "TsnwbRecovery") port.postMessage({ warning: { type: w.name, message: w.message } } satisfies Reply);
});
port.on("message", async ({ id, task, args }: Request) => {
  const progress = (event: TaskProgress) => port.postMessage({ id, progress: event } satisfies Reply);
  let reply: Reply;
  try {
    const run = fileTasks[task] as (args: unknown, progress: (event: TaskProgress) => void) => Promise<unknown>;
    reply = { id, value: await run(args, progress), crashed: false };
  } catch (e) {
    reply = { id, error: taskError(e), crashed: wasmFailed(e) };
  }
  // HDF5's reads are synchronous: a whole task can end within one turn, before the 'warning' events it caused are
  // emitted (they wait for the next tick). One turn first, so that a restore's notice goes before the result: the
  // command may end as soon as it has the result.
  await new Promise((resolve) => setImmediate(resolve));
  // The build's runs: the thread's code cache, with what this task compiled (the thread is ended, not exited).
  saveCodeCache();
  port.postMessage(reply);
});
// The modules of the tasks to come, HDF5's among them for tasks that need it (not `inspect`'s, which most files do
// not: see `inspect-file.ts`), are loaded before the first file, so that their start does not count against that
// file's time.
// Not awaited at the top level: the thread's bundle is also a CommonJS script (`code-cache.ts`), which has none.
void loadTasks((workerData as ThreadData | undefined)?.preload ?? []).then(() => port.postMessage({ ready: true } satisfies Reply));
