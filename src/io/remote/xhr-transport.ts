/**
 * Range requests in browsers: synchronous XMLHttpRequests (HDF5 reads synchronously). In a Web Worker the answer is
 * an ArrayBuffer; on a page's main thread, where a synchronous request cannot ask for one, the bytes come as a
 * "user-defined" character set, one character per byte. Failed requests are retried a bounded number of times.
 */
import type { RangeAnswer, RangeReaderOptions, RangeTransport } from "./range-reader.js";
import { retryableStatus } from "./retry.js";

const inWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== "undefined";

export class XHRTransport implements RangeTransport {
  constructor(private readonly url: string, private readonly options: RangeReaderOptions = {}) {}

  fetch(start: number, length: number): RangeAnswer {
    const attempts = this.options.attempts ?? 3;
    let last: RangeAnswer = { ok: false, status: 0, detail: "no request made" };
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const xhr = new XMLHttpRequest();
      try {
        xhr.open("GET", this.url, false);
        for (const [k, v] of Object.entries(this.options.headers ?? {})) xhr.setRequestHeader(k, v);
        xhr.setRequestHeader("Range", `bytes=${start}-${start + length - 1}`);
        if (inWorker) xhr.responseType = "arraybuffer";
        else xhr.overrideMimeType("text/plain; charset=x-user-defined");
        xhr.send();
      } catch (e) {
        last = { ok: false, status: -1, detail: e instanceof Error ? e.message : String(e) };
        continue;
      }
      if (xhr.status === 206) {
        const total = Number((xhr.getResponseHeader("content-range") ?? "").split("/")[1] ?? NaN);
        return { ok: true, bytes: inWorker ? new Uint8Array(xhr.response as ArrayBuffer) : bytesOf(xhr.responseText), total };
      }
      last = { ok: false, status: xhr.status, detail: xhr.status === 200 ? "the server sent the whole file (no range support)" : `HTTP ${xhr.status} ${xhr.statusText}` };
      // Status 0: the request did not complete (a network error), tried again.
      if (xhr.status !== 0 && !retryableStatus(xhr.status)) break;
    }
    return last;
  }

  close(): void {}
}

/** The bytes of a response read as the "user-defined" character set (each character's low 8 bits). */
function bytesOf(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}
