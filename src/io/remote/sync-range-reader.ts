/**
 * Reads byte ranges of a file served over HTTP(S), synchronously, for HDF5's synchronous file interface: the
 * requests run in a worker thread while the calling thread waits on a shared flag (`Atomics.wait`), and come back
 * through shared memory. Blocks are cached (least recently used first out, within a memory bound); neighbouring
 * missing blocks are fetched in one request; a failed request is retried a bounded number of times.
 */
import { Worker } from "node:worker_threads";
import { FormatError, NotFoundError } from "../../errors.js";

export interface RangeReaderOptions {
  /** Bytes per cached block (default 64 KiB): the smallest unit fetched. */
  blockBytes?: number;
  /** Memory the cache may hold (default 64 MiB). */
  cacheBytes?: number;
  /** Attempts per request before giving up (default 3). */
  attempts?: number;
  /** Download the whole file when the server cannot send ranges (default false: a clear error instead). */
  allowFullDownload?: boolean;
  /** Headers sent with every request (authorisation, ...). */
  headers?: Record<string, string>;
}

/** What the reader fetched, to show it reads little. */
export interface RangeReaderStats {
  requests: number;
  bytes: number;
}

/** The server sends whole files only: reading without downloading is impossible. */
export class NoRangeSupport extends FormatError {
  constructor(url: string) {
    super(url, "the server does not answer range requests, which tsnwb needs to read a file without downloading it (open it with { remote: { allowFullDownload: true } } to download it whole)");
  }
}

/** The most one request brings back (the shared buffer's size). */
const MAX_REQUEST_BYTES = 16 << 20;

/** The worker: fetches one range per message into the shared buffer, then wakes the waiting thread. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { url, headers, attempts, control, data } = workerData;
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
      if (status < 500 && status !== 429 && status !== 408) break;
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

export class SyncRangeReader {
  /** The file's size in bytes. */
  readonly size: number;
  readonly stats: RangeReaderStats = { requests: 0, bytes: 0 };
  /** The thread that fetches; none for a file downloaded whole. */
  private readonly worker?: Worker;
  private readonly flag: Int32Array;
  private readonly meta: Float64Array;
  private readonly data: Uint8Array;
  private readonly blockBytes: number;
  private readonly maxBlocks: number;
  private readonly blocks = new Map<number, Uint8Array>();
  private lastDetail = "";
  /** The whole file, when the server cannot send ranges and a full download was allowed. */
  private whole?: Uint8Array;

  /**
   * A reader of `url`. Throws a NoRangeSupport when the server sends whole files only (the caller may then
   * download it, see `SyncRangeReader.ofBytes`), a NotFoundError or FormatError naming the status when it fails.
   */
  constructor(readonly url: string, options: RangeReaderOptions = {}, whole?: Uint8Array) {
    this.blockBytes = options.blockBytes ?? 64 << 10;
    this.maxBlocks = Math.max(4, Math.floor((options.cacheBytes ?? 64 << 20) / this.blockBytes));
    const control = new SharedArrayBuffer(32);
    const data = new SharedArrayBuffer(whole ? 1 : MAX_REQUEST_BYTES);
    this.flag = new Int32Array(control, 0, 1);
    this.meta = new Float64Array(control, 8, 3);
    this.data = new Uint8Array(data);
    if (whole) {
      this.whole = whole;
      this.size = whole.length;
      return;
    }
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true, workerData: { url, headers: options.headers ?? {}, attempts: options.attempts ?? 3, control, data },
    });
    this.worker.unref();
    // The first block tells the size (Content-Range: bytes 0-65535/SIZE) and whether ranges are served.
    const first = this.request(0, this.blockBytes);
    if (first === undefined) {
      this.close();
      if (this.meta[2] === 200) throw new NoRangeSupport(url);
      throw this.failure();
    }
    if (!Number.isFinite(first.total)) {
      this.close();
      throw new FormatError(url, "the server's range answer does not give the file's size (Content-Range: bytes 0-N/SIZE)");
    }
    this.size = first.total;
    this.blocks.set(0, first.bytes);
  }

  /** A reader of a file downloaded whole (from a server without range support, when the caller allowed it). */
  static ofBytes(url: string, bytes: Uint8Array): SyncRangeReader {
    return new SyncRangeReader(url, {}, bytes);
  }

  /** `length` bytes from `position` (fewer at the end of the file). */
  read(position: number, length: number): Uint8Array {
    const end = Math.min(this.size, position + length);
    if (end <= position) return new Uint8Array(0);
    if (this.whole) return this.whole.subarray(position, end);
    const out = new Uint8Array(end - position);
    const first = Math.floor(position / this.blockBytes);
    const last = Math.floor((end - 1) / this.blockBytes);
    for (let b = first; b <= last; ) {
      if (this.blocks.has(b)) {
        this.copy(b, position, end, out);
        b++;
        continue;
      }
      // Missing blocks in a row are fetched together, within the shared buffer's size.
      let stop = b;
      while (stop + 1 <= last && !this.blocks.has(stop + 1) && (stop + 2 - b) * this.blockBytes <= MAX_REQUEST_BYTES) stop++;
      const start = b * this.blockBytes;
      const got = this.request(start, Math.min(this.size, (stop + 1) * this.blockBytes) - start);
      if (got === undefined) throw this.failure();
      for (let k = b; k <= stop; k++) {
        this.remember(k, got.bytes.slice((k - b) * this.blockBytes, (k - b + 1) * this.blockBytes));
        this.copy(k, position, end, out);
      }
      b = stop + 1;
    }
    return out;
  }

  close(): void {
    void this.worker?.terminate();
    this.blocks.clear();
  }

  private copy(block: number, position: number, end: number, out: Uint8Array): void {
    const bytes = this.blocks.get(block)!;
    // Most recently used last, so that the first key is the least recently used.
    this.blocks.delete(block);
    this.blocks.set(block, bytes);
    const blockStart = block * this.blockBytes;
    const from = Math.max(position, blockStart);
    const to = Math.min(end, blockStart + bytes.length);
    if (to > from) out.set(bytes.subarray(from - blockStart, to - blockStart), from - position);
  }

  private remember(block: number, bytes: Uint8Array): void {
    this.blocks.set(block, bytes);
    while (this.blocks.size > this.maxBlocks) this.blocks.delete(this.blocks.keys().next().value!);
  }

  /** One request, waited for; undefined when it failed (see `lastDetail`). */
  private request(start: number, length: number): { bytes: Uint8Array; total: number } | undefined {
    Atomics.store(this.flag, 0, 0);
    this.worker!.postMessage({ start, end: start + length });
    Atomics.wait(this.flag, 0, 0);
    this.stats.requests++;
    if (Atomics.load(this.flag, 0) !== 1) {
      this.lastDetail = new TextDecoder().decode(this.data.slice(0, this.meta[0]!));
      return undefined;
    }
    const n = this.meta[0]!;
    this.stats.bytes += n;
    return { bytes: this.data.slice(0, n), total: this.meta[1]! };
  }

  private failure(): Error {
    const status = this.meta[2]!;
    const why = this.lastDetail || `status ${status}`;
    return status === 404 ? new NotFoundError(this.url, `${this.url}: ${why}`) : new FormatError(this.url, `cannot read: ${why}`);
  }
}
