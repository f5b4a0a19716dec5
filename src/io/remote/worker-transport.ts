/**
 * Range requests for Node: made in a worker thread while the calling thread waits on a shared flag
 * (`Atomics.wait`); bytes and errors come back through shared memory (the waiting thread cannot take messages).
 */
import { Worker } from "node:worker_threads";
import { MAX_REQUEST_BYTES, type RangeAnswer, type RangeReaderOptions, type RangeTransport } from "./range-reader.js";
import { retryableStatus } from "./retry.js";

/** The worker: fetches one range per message into the shared buffer, then wakes the waiting thread. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { url, headers, attempts, control, data } = workerData;
const retryable = ${retryableStatus.toString()};
const flag = new Int32Array(control);
const out = new Uint8Array(data);
const meta = new Float64Array(control, 8, 3);
parentPort.on("message", async ({ start, end }) => {
  let status = 0, detail = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(url, { headers: { ...headers, Range: "bytes=" + start + "-" + (end - 1) } });
      status = response.status;
      if (status === 206) {
        const body = new Uint8Array(await response.arrayBuffer());
        const range = response.headers.get("content-range") || "";
        const total = Number(range.split("/")[1] || NaN);
        if (body.length > out.length) { status = -2; detail = "response of " + body.length + " bytes is larger than asked"; break; }
        out.set(body);
        meta[0] = body.length; meta[1] = total; meta[2] = status;
        Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); return;
      }
      if (status === 200) { await response.body?.cancel(); detail = "the server sent the whole file (no range support)"; break; }
      await response.body?.cancel();
      detail = "HTTP " + status + " " + response.statusText;
      if (!retryable(status)) break;
    } catch (e) {
      status = -1; detail = String(e && e.cause ? e.cause.message || e.cause : e.message || e);
    }
    await new Promise((r) => setTimeout(r, 50 * attempt));
  }
  // Why it failed travels back through the shared buffer too: the waiting thread cannot take messages.
  const text = new TextEncoder().encode(detail);
  out.set(text.subarray(0, out.length));
  meta[0] = Math.min(text.length, out.length); meta[2] = status;
  Atomics.store(flag, 0, 2); Atomics.notify(flag, 0);
});
`;

export class WorkerTransport implements RangeTransport {
  private readonly worker: Worker;
  private readonly flag: Int32Array;
  private readonly meta: Float64Array;
  private readonly data: Uint8Array;

  constructor(url: string, options: RangeReaderOptions = {}) {
    const control = new SharedArrayBuffer(32);
    const data = new SharedArrayBuffer(MAX_REQUEST_BYTES);
    this.flag = new Int32Array(control, 0, 1);
    this.meta = new Float64Array(control, 8, 3);
    this.data = new Uint8Array(data);
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true, workerData: { url, headers: options.headers ?? {}, attempts: options.attempts ?? 3, control, data },
    });
    this.worker.unref();
  }

  fetch(start: number, length: number): RangeAnswer {
    Atomics.store(this.flag, 0, 0);
    this.worker.postMessage({ start, end: start + length });
    Atomics.wait(this.flag, 0, 0);
    const n = this.meta[0]!;
    if (Atomics.load(this.flag, 0) !== 1) return { ok: false, status: this.meta[2]!, detail: new TextDecoder().decode(this.data.slice(0, n)) };
    return { ok: true, bytes: this.data.slice(0, n), total: this.meta[1]! };
  }

  close(): void {
    void this.worker.terminate();
  }
}
