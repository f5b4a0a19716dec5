/**
 * Reading files the command did not write, bounded: each task (`file-tasks.ts`) runs in a worker thread, and a
 * worker that gives no answer within the time limit (HDF5 loops forever on some damaged files, h5py's HDF5 too),
 * that dies, or whose WebAssembly module failed (its state is not to be trusted after an abort) is ended and
 * replaced; the file is then reported as damaged. One worker serves every file of a command while it is sound, so
 * a thousand files cost one start.
 *
 * The time limit is per file, and per step of a long task (each dataset block copied, each frame written):
 * `TSNWB_TIME_LIMIT` seconds, 20 by default.
 */
import { existsSync } from "node:fs";
import * as nodePath from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { getHeapStatistics } from "node:v8";
import { availableParallelism } from "node:os";
import { TsnwbError, ValidationError, isTsnwbError } from "../errors.js";
import type { FileTasks, TaskProgress } from "./file-tasks.js";
import { cacheFlavour } from "./code-cache.js";
import type { Reply, Request, TaskError, ThreadData } from "./file-worker-thread.js";

/** In the command line's bundle (`bundle.ts` defines it): the file name of the bundle's own reading thread, beside it. */
declare const TSNWB_BUNDLED_THREAD: string | undefined;

/**
 * The thread's script: in the bundle, the bundle's; else beside this module once built; from the sources (tests run
 * them), the built one, as the viewer's server finds its page.
 */
const here = nodePath.dirname(fileURLToPath(import.meta.url));
const THREAD = typeof TSNWB_BUNDLED_THREAD === "string" ? nodePath.join(here, TSNWB_BUNDLED_THREAD)
  : existsSync(nodePath.join(here, "file-worker-thread.js")) ? nodePath.join(here, "file-worker-thread.js") : nodePath.resolve(here, "..", "..", "dist", "cli", "file-worker-thread.js");

/** The default time limit, in seconds. */
const DEFAULT_SECONDS = 20;

/** A task's result, or why the file could not be handled (`error`, a one-line message naming the file). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: Error };

type TaskName = keyof FileTasks;
type TaskArgs<K extends TaskName> = Parameters<FileTasks[K]>[0];
type TaskValue<K extends TaskName> = Awaited<ReturnType<FileTasks[K]>>;

/** The limit from `TSNWB_TIME_LIMIT`, in milliseconds. */
export function timeLimit(env = process.env.TSNWB_TIME_LIMIT): number {
  if (env === undefined || env === "") return DEFAULT_SECONDS * 1000;
  const seconds = Number(env);
  if (!(seconds > 0)) throw new ValidationError("environment", "TSNWB_TIME_LIMIT", "a number of seconds above 0", JSON.stringify(env));
  return seconds * 1000;
}

/** The file a task reads, to name it in errors. */
function fileOf(args: { file?: string; input?: string }): string {
  return args.file ?? args.input ?? "?";
}

/** A damaged file's error: exit status 2, as every file that cannot be read. */
function damaged(file: string, why: string): TsnwbError {
  return new TsnwbError("FormatError", `${file}: damaged file (${why})`);
}

/** A reading thread, with whether it has started (its module loaded) and whether it has died since. */
interface Thread {
  thread: Worker;
  ready: Promise<void>;
  dead: boolean;
}

/** A new reading thread, loading what `tasks` need; it keeps the process alive only while a task runs on it. */
function spawnThread(tasks: TaskName[]): Thread {
  // What the thread prints is not the command's output (tasks give data back): taken and dropped.
  const thread = new Worker(THREAD, {
    stdout: true, stderr: true,
    workerData: { preload: tasks, codeCache: cacheFlavour() } satisfies ThreadData,
    // A file that makes the reader allocate without end stops that worker, not the command.
    resourceLimits: { maxOldGenerationSizeMb: Math.floor(getHeapStatistics().heap_size_limit / 2 ** 20) },
  });
  thread.unref();
  thread.stdout.resume();
  thread.stderr.resume();
  const handle: Thread = { thread, ready: Promise.resolve(), dead: false };
  // A thread that fails between tasks is replaced at the next one.
  thread.on("error", () => (handle.dead = true)).on("exit", () => (handle.dead = true));
  thread.on("message", (reply: Reply) => {
    if ("warning" in reply) process.emitWarning(reply.warning.message, { type: reply.warning.type });
  });
  handle.ready = new Promise<void>((resolve, reject) => {
    const onReady = (reply: Reply) => {
      if (!("ready" in reply)) return;
      thread.off("message", onReady).off("error", onFailure);
      resolve();
    };
    // A thread that cannot start is tsnwb's own failure (an install without dist/), not a file's.
    const onFailure = (e: Error) => reject(new Error(`tsnwb's reading worker did not start: ${e.message}`, { cause: e }));
    thread.on("message", onReady).once("error", onFailure);
  });
  // Said to whoever runs a task on it; a thread started early and never used says nothing.
  handle.ready.catch(() => undefined);
  return handle;
}

/** Threads started before any command needed them (see {@link startEarly}), for the first FileWorkers to take. */
const early: Thread[] = [];

/**
 * Starts `count` reading threads now, so that they load what `tasks` need while the command's own modules load (on
 * other cores); the first FileWorkers take them. For commands that read files.
 */
export function startEarly(tasks: TaskName[], count = 1): void {
  while (early.length < count) early.push(spawnThread(tasks));
}

/**
 * Files a reading worker is started for, at least: a folder of many files is read by a worker a core (at most four),
 * fewer by one. Each worker more costs its start and its own parse of the cached specifications of older NWB
 * versions (about 0.35 s of CPU for the 50 fixtures: as much as some 30 small files); with 8 files a worker, the
 * 50 took a fifth more CPU and, on the shared 2-core VM under other load, no less time than with one.
 */
const FILES_PER_WORKER = 32;
const MAX_WORKERS = 4;

/** How many reading workers a command reads `files` files with, when it reads them in parallel (`tsnwb inspect`). */
export function readingWorkers(files: number): number {
  return Math.max(1, Math.min(availableParallelism(), MAX_WORKERS, Math.floor(files / FILES_PER_WORKER)));
}

export class FileWorker {
  private worker?: Thread;
  private nextId = 0;

  constructor(private readonly limitMs = timeLimit()) {}

  /** Runs `task` on its file in the worker; file problems come back as an outcome, never thrown. */
  async run<K extends TaskName>(task: K, args: TaskArgs<K>, onProgress?: (event: TaskProgress) => void): Promise<Outcome<TaskValue<K>>> {
    const file = fileOf(args as { file?: string; input?: string });
    const worker = this.start(task);
    const { thread } = worker;
    thread.ref();
    try {
      await worker.ready;
    } catch (e) {
      this.retire(worker);
      throw e;
    }
    const id = ++this.nextId;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => finish({ ok: false, error: damaged(file, `no result after ${this.limitMs / 1000} s: HDF5 may be looping on damaged data`) }, true), this.limitMs);
      };
      const onMessage = (reply: Reply) => {
        if (!("id" in reply) || reply.id !== id) return;
        if ("progress" in reply) {
          arm();
          onProgress?.(reply.progress);
        } else if ("error" in reply) {
          finish({ ok: false, error: rebuild(reply.error, file) }, reply.crashed);
        } else finish({ ok: true, value: reply.value as TaskValue<K> }, reply.crashed);
      };
      const onExit = () => finish({ ok: false, error: damaged(file, "the reader stopped") }, true);
      const onError = (e: Error) => {
        const why = (e as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY" ? "the reader ran out of memory" : `the reader stopped: ${e.message}`;
        finish({ ok: false, error: damaged(file, why) }, true);
      };
      const finish = (outcome: Outcome<TaskValue<K>>, retire: boolean) => {
        clearTimeout(timer);
        thread.off("message", onMessage).off("exit", onExit).off("error", onError);
        thread.unref();
        if (retire) this.retire(worker);
        resolve(outcome);
      };
      thread.on("message", onMessage).on("exit", onExit).on("error", onError);
      arm();
      thread.postMessage({ id, task, args } satisfies Request);
    });
  }

  /** Ends the worker (once a command is done with its files). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.thread.terminate();
  }

  /** The sound thread, else the one started early, else a new one (loading what `task` needs before it is ready). */
  private start(task: TaskName): Thread {
    if (this.worker && !this.worker.dead) return this.worker;
    let taken = early.shift();
    while (taken?.dead) taken = early.shift();
    this.worker = taken ?? spawnThread([task]);
    return this.worker;
  }

  private retire(worker: Thread): void {
    if (this.worker === worker) this.worker = undefined;
    worker.dead = true;
    void worker.thread.terminate();
  }
}

/** Runs one task in a worker of its own (a command over one file) and gives its value; the file's failure is thrown. */
export async function runOnce<K extends TaskName>(task: K, args: TaskArgs<K>, onProgress?: (event: TaskProgress) => void): Promise<TaskValue<K>> {
  const worker = new FileWorker();
  try {
    const outcome = await worker.run(task, args, onProgress);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  } finally {
    await worker.close();
  }
}

/** The worker's error as one on this side: a tsnwb error keeps its tag; anything else is the damaged file's. */
function rebuild(error: TaskError, file: string): Error {
  if (error.tag !== undefined) return new TsnwbError(error.tag, error.message);
  // A system error (a folder that cannot be written) is the command's, not the file's.
  if (error.code !== undefined) return new Error(error.message);
  return damaged(file, `${error.name}: ${error.message}`);
}

/**
 * A file's failure in a command: its one line on stderr, and exit status 2 for a file that cannot be read (1 for
 * anything else) while the command goes on with its other files.
 */
export function reportFailure(error: Error): void {
  console.error(`tsnwb: ${error.message}`);
  const status = isTsnwbError(error, "FormatError") ? 2 : 1;
  process.exitCode = Math.max(Number(process.exitCode ?? 0), status);
}
