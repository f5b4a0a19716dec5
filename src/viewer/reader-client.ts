/**
 * The page's side of the reading worker: each call is a message with an id, answered by the worker's message with
 * the same id. Every extract asked is logged (object, view, request, how long, how big the answer), for the page's
 * status and for tests that count what was read.
 */
import type { ReaderAnswer, ReaderCalls, ReaderMethod } from "./protocol.js";

/** One extract the page asked for. */
export interface ExtractRecord {
  path: string;
  view: string;
  request: Record<string, unknown>;
  milliseconds: number;
  /** The answer (kept for tests: what a view was given to draw). */
  result?: unknown;
  error?: string;
}

/**
 * A reading worker started before the page's code ran (by `index.html`, so that it loads, and opens the file the
 * address names, while the page's code loads): the worker, and what it said meanwhile (its messages and errors, kept
 * by its handlers until a Reader takes it over). Its calls before that use ids below 1.
 */
export interface EarlyWorker {
  worker: Worker;
  events: Event[];
}

export class Reader {
  private readonly worker: Worker;
  private next = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  /** Why the worker cannot answer, once it failed to load or threw outside a call: every call then fails with it. */
  private failure: Error | undefined;
  /** Every extract asked, in order. */
  readonly extracts: ExtractRecord[] = [];

  /** A reader of the worker at `url`, or of the `early` one when given (its events meanwhile are taken in turn). */
  constructor(url: URL | string, early?: EarlyWorker) {
    this.worker = early?.worker ?? new Worker(url, { type: "module" });
    this.worker.onmessage = (e: MessageEvent<ReaderAnswer>) => this.answered(e.data);
    this.worker.onerror = (e) => this.failed(e);
    for (const e of early?.events.splice(0) ?? []) {
      if (e instanceof MessageEvent) this.answered(e.data as ReaderAnswer);
      else this.failed(e as ErrorEvent);
    }
  }

  private answered(answer: ReaderAnswer): void {
    const waiter = this.waiting.get(answer.id);
    if (!waiter) return;
    this.waiting.delete(answer.id);
    if ("error" in answer) waiter.reject(new Error(answer.error));
    else waiter.resolve(answer.result);
  }

  /** The worker failed to load or threw outside a call: every call waiting, and every call to come, fails with why. */
  private failed(e: ErrorEvent): void {
    this.failure = new Error(`the reading worker failed: ${e.message || "it could not be loaded"}`);
    for (const w of this.waiting.values()) w.reject(this.failure);
    this.waiting.clear();
  }

  /** Calls the worker's `method`. */
  call<M extends ReaderMethod>(method: M, ...args: ReaderCalls[M]["args"]): Promise<ReaderCalls[M]["result"]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, method, args });
    });
  }

  /** Runs view `view`'s extract on the object at `path`, logged. */
  async extract<T>(path: string, view: string, request: Record<string, unknown>): Promise<T> {
    const record: ExtractRecord = { path, view, request: { ...request }, milliseconds: 0 };
    this.extracts.push(record);
    const started = performance.now();
    try {
      const result = await this.call("extract", path, view, request);
      record.result = result;
      return result as T;
    } catch (e) {
      record.error = (e as Error).message;
      throw e;
    } finally {
      record.milliseconds = performance.now() - started;
    }
  }
}
