/**
 * Reads byte ranges of a file served over HTTP(S), synchronously, for HDF5's synchronous file interface, through a
 * transport that waits for each request (a worker thread in Node: `worker-transport.ts`; a synchronous
 * XMLHttpRequest in browsers: `xhr-transport.ts`). Blocks are cached (least recently used first out, within a memory
 * bound); neighbouring missing blocks are fetched in one request; transports retry a failed request a bounded number
 * of times.
 */
import { FormatError, NotFoundError } from "../../errors.js";

/** How a file is read by URL: HTTP range requests of cached blocks. */
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

/** One range request's answer: its bytes and the file's size, or why it failed (the HTTP status, 200 for "no ranges"). */
export type RangeAnswer = { ok: true; bytes: Uint8Array; total: number } | { ok: false; status: number; detail: string };

/** Makes range requests and waits for them. */
export interface RangeTransport {
  /** Bytes `[start, start + length)`, retried as the options say. */
  fetch(start: number, length: number): RangeAnswer;
  close(): void;
}

/** The most one request asks for. */
export const MAX_REQUEST_BYTES = 16 << 20;

/** The server sends whole files only: reading without downloading is impossible. */
export class NoRangeSupport extends FormatError {
  constructor(url: string) {
    super(url, "the server does not answer range requests, which tsnwb needs to read a file without downloading it (open it with { remote: { allowFullDownload: true } } to download it whole)");
  }
}

export class RangeReader {
  /** The file's size in bytes. */
  readonly size: number;
  readonly stats: RangeReaderStats = { requests: 0, bytes: 0 };
  private readonly blockBytes: number;
  private readonly maxBlocks: number;
  private readonly blocks = new Map<number, Uint8Array>();
  /** The whole file, when the server cannot send ranges and a full download was allowed. */
  private readonly whole?: Uint8Array;

  /**
   * A reader of `url` through `transport` (none for a file downloaded whole). Throws a NoRangeSupport when the
   * server sends whole files only, a NotFoundError or FormatError naming the status when it fails.
   */
  constructor(readonly url: string, private readonly transport: RangeTransport | undefined, options: RangeReaderOptions = {}, whole?: Uint8Array) {
    this.blockBytes = options.blockBytes ?? 64 << 10;
    this.maxBlocks = Math.max(4, Math.floor((options.cacheBytes ?? 64 << 20) / this.blockBytes));
    if (whole) {
      this.whole = whole;
      this.size = whole.length;
      return;
    }
    // The first block tells the size (Content-Range: bytes 0-65535/SIZE) and whether ranges are served.
    const first = this.request(0, this.blockBytes);
    if (!first.ok) {
      this.close();
      if (first.status === 200) throw new NoRangeSupport(url);
      throw this.failure(first);
    }
    if (!Number.isFinite(first.total)) {
      this.close();
      throw new FormatError(url, "the server's range answer does not give the file's size (Content-Range: bytes 0-N/SIZE)");
    }
    this.size = first.total;
    this.blocks.set(0, first.bytes);
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
      // Missing blocks in a row are fetched together, within a request's size.
      let stop = b;
      while (stop + 1 <= last && !this.blocks.has(stop + 1) && (stop + 2 - b) * this.blockBytes <= MAX_REQUEST_BYTES) stop++;
      const start = b * this.blockBytes;
      const got = this.request(start, Math.min(this.size, (stop + 1) * this.blockBytes) - start);
      if (!got.ok) throw this.failure(got);
      for (let k = b; k <= stop; k++) {
        this.remember(k, got.bytes.slice((k - b) * this.blockBytes, (k - b + 1) * this.blockBytes));
        this.copy(k, position, end, out);
      }
      b = stop + 1;
    }
    return out;
  }

  close(): void {
    this.transport?.close();
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

  private request(start: number, length: number): RangeAnswer {
    const answer = this.transport!.fetch(start, length);
    this.stats.requests++;
    if (answer.ok) this.stats.bytes += answer.bytes.length;
    return answer;
  }

  private failure(answer: { status: number; detail: string }): Error {
    const why = answer.detail || `status ${answer.status}`;
    return answer.status === 404 ? new NotFoundError(this.url, `${this.url}: ${why}`) : new FormatError(this.url, `cannot read: ${why}`);
  }
}
