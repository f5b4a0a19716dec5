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

export class Reader {
  private readonly worker: Worker;
  private next = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  /** Every extract asked, in order. */
  readonly extracts: ExtractRecord[] = [];

  constructor(url: URL | string) {
    this.worker = new Worker(url, { type: "module" });
    this.worker.onmessage = (e: MessageEvent<ReaderAnswer>) => {
      const answer = e.data;
      const waiter = this.waiting.get(answer.id);
      if (!waiter) return;
      this.waiting.delete(answer.id);
      if ("error" in answer) waiter.reject(new Error(answer.error));
      else waiter.resolve(answer.result);
    };
    this.worker.onerror = (e) => {
      // The worker failed to load or threw outside a call: every call waiting fails with why.
      const error = new Error(`the reading worker failed: ${e.message || "it could not be loaded"}`);
      for (const w of this.waiting.values()) w.reject(error);
      this.waiting.clear();
    };
  }

  /** Calls the worker's `method`. */
  call<M extends ReaderMethod>(method: M, ...args: ReaderCalls[M]["args"]): Promise<ReaderCalls[M]["result"]> {
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
