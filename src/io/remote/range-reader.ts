/**
 * Reads byte ranges of a file served over HTTP(S), synchronously, for HDF5's synchronous file interface, through a
 * transport that waits for each request (a worker thread in Node: `worker-transport.ts`; a synchronous
 * XMLHttpRequest in browsers: `xhr-transport.ts`). Bytes are cached in pages of 4 KiB (least recently used first
 * out, within a memory bound), so that metadata fetched ahead (`metadata-prefetch.ts`, which fills pages with
 * `store`) costs memory for what it holds, not for whole blocks around it; a synchronous miss fetches at least a
 * block (64 KiB) of neighbouring missing pages in one request; transports retry a failed request a bounded number
 * of times.
 */
import { FormatError, NotFoundError } from "../../errors.js";

/** How a file is read by URL: HTTP range requests of cached blocks. */
export interface RangeReaderOptions {
  /** Bytes a synchronous miss fetches at least (default 64 KiB): the missing pages from the one asked for on. */
  blockBytes?: number;
  /** Memory the cache may hold (default 64 MiB). */
  cacheBytes?: number;
  /** Attempts per request before giving up (default 3). */
  attempts?: number;
  /** Download the whole file when the server cannot send ranges (default false: a clear error instead). */
  allowFullDownload?: boolean;
  /** Headers sent with every request (authorisation, ...). */
  headers?: Record<string, string>;
  /**
   * Fetch the file's metadata ahead, in parallel requests, before HDF5 reads it one piece at a time (default true):
   * see `metadata-prefetch.ts`.
   */
  prefetch?: boolean;
  /** The most bytes fetched ahead (default a quarter of `cacheBytes`). */
  prefetchBytes?: number;
}

/** What the reader fetched, to show it reads little. */
export interface RangeReaderStats {
  requests: number;
  bytes: number;
  /** Waits for the server: one per synchronous request, one per round of parallel requests fetched ahead. */
  roundTrips: number;
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

/** Bytes per cached page. */
export const PAGE_BYTES = 4096;

/** Bytes of the first request, which tells the file's size: a block (`RangeReaderOptions.blockBytes`, whole pages). */
export function firstBlockBytes(options: RangeReaderOptions = {}): number {
  return Math.max(1, Math.ceil((options.blockBytes ?? 64 << 10) / PAGE_BYTES)) * PAGE_BYTES;
}

/** The server sends whole files only: reading without downloading is impossible. */
export class NoRangeSupport extends FormatError {
  constructor(url: string) {
    super(url, "the server does not answer range requests, which tsnwb needs to read a file without downloading it (open it with { remote: { allowFullDownload: true } } to download it whole)");
  }
}

export class RangeReader {
  /** The file's size in bytes. */
  readonly size: number;
  readonly stats: RangeReaderStats = { requests: 0, bytes: 0, roundTrips: 0 };
  private readonly blockPages: number;
  private readonly maxPages: number;
  /** Cached pages by index, least recently used first. */
  private readonly pages = new Map<number, Uint8Array>();
  /** The whole file, when the server cannot send ranges and a full download was allowed. */
  private readonly whole?: Uint8Array;
  /** Where the last synchronous miss's fetch ended, and how many pages it fetched. */
  private lastMissEnd = -1;
  private lastMissPages = 0;

  /**
   * A reader of `url` through `transport` (none for a file downloaded whole). Throws a NoRangeSupport when the
   * server sends whole files only, a NotFoundError or FormatError naming the status when it fails. `firstBlock`: the
   * answer for the file's first block ({@link firstBlockBytes} from 0), when it was fetched already (asynchronously:
   * `remote-file.ts`).
   */
  constructor(readonly url: string, private readonly transport: RangeTransport | undefined, readonly options: RangeReaderOptions = {}, whole?: Uint8Array, firstBlock?: RangeAnswer & { ok: true }) {
    this.blockPages = Math.max(1, Math.ceil((options.blockBytes ?? 64 << 10) / PAGE_BYTES));
    this.maxPages = Math.max(4 * this.blockPages, Math.floor((options.cacheBytes ?? 64 << 20) / PAGE_BYTES));
    if (whole) {
      this.whole = whole;
      this.size = whole.length;
      return;
    }
    // The first block tells the size (Content-Range: bytes 0-65535/SIZE) and whether ranges are served.
    let first: RangeAnswer;
    if (firstBlock) {
      first = firstBlock;
      this.count(1, firstBlock.bytes.length, 1);
    } else first = this.request(0, this.blockPages * PAGE_BYTES);
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
    this.store(0, first.bytes);
  }

  /** Whether the file was downloaded whole (nothing to fetch ahead). */
  get downloaded(): boolean {
    return this.whole !== undefined;
  }

  /** `length` bytes from `position` (fewer at the end of the file). */
  read(position: number, length: number): Uint8Array {
    const end = Math.min(this.size, position + length);
    if (end <= position) return new Uint8Array(0);
    if (this.whole) return this.whole.subarray(position, end);
    const out = new Uint8Array(end - position);
    const first = Math.floor(position / PAGE_BYTES);
    const last = Math.floor((end - 1) / PAGE_BYTES);
    const lastPage = Math.floor((this.size - 1) / PAGE_BYTES);
    for (let p = first; p <= last; ) {
      if (this.pages.has(p)) {
        this.copy(p, position, end, out);
        p++;
        continue;
      }
      // Missing pages in a row are fetched together: those asked for, the missing ones of their block before them,
      // and after them enough for a block, or, when this miss continues the previous one (a read running through the
      // file), as many as that fetched again (doubling up to a request's size).
      let from = p;
      const blockStart = Math.floor(p / this.blockPages) * this.blockPages;
      while (from - 1 >= blockStart && !this.pages.has(from - 1)) from--;
      const sequential = from * PAGE_BYTES === this.lastMissEnd;
      const ahead = sequential ? Math.min(2 * this.lastMissPages, MAX_REQUEST_BYTES / PAGE_BYTES) : this.blockPages;
      const enough = Math.max(last, from + ahead - 1, blockStart + this.blockPages - 1);
      let stop = p;
      while (stop + 1 <= Math.min(enough, lastPage) && !this.pages.has(stop + 1) && (stop + 2 - from) * PAGE_BYTES <= MAX_REQUEST_BYTES) stop++;
      const start = from * PAGE_BYTES;
      const got = this.request(start, Math.min(this.size, (stop + 1) * PAGE_BYTES) - start);
      if (!got.ok) throw this.failure(got);
      this.store(start, got.bytes);
      this.lastMissEnd = start + got.bytes.length;
      this.lastMissPages = stop + 1 - from;
      for (let k = p; k <= Math.min(stop, last); k++) this.copy(k, position, end, out);
      p = stop + 1;
    }
    return out;
  }

  /** Whether every page of `[position, position + length)` (within the file) is cached. */
  has(position: number, length: number): boolean {
    if (this.whole) return true;
    const end = Math.min(this.size, position + length);
    for (let p = Math.floor(position / PAGE_BYTES); p * PAGE_BYTES < end; p++) if (!this.pages.has(p)) return false;
    return true;
  }

  /**
   * Caches `bytes`, fetched from `start` (a page boundary): its whole pages, and its last page when the file ends
   * there. Fetches made elsewhere (ahead of HDF5's reads) come in here.
   */
  store(start: number, bytes: Uint8Array): void {
    if (start % PAGE_BYTES !== 0) throw new Error(`cached bytes must start on a page (${start})`);
    for (let at = 0; at < bytes.length; at += PAGE_BYTES) {
      const page = bytes.slice(at, at + PAGE_BYTES);
      if (page.length < PAGE_BYTES && start + at + page.length < this.size) break;
      this.remember((start + at) / PAGE_BYTES, page);
    }
  }

  /** How many more pages the cache takes before it lets old ones go. */
  get room(): number {
    return this.maxPages - this.pages.size;
  }

  /** Counts requests made elsewhere (ahead of HDF5's reads), so the stats tell every request. */
  count(requests: number, bytes: number, roundTrips: number): void {
    this.stats.requests += requests;
    this.stats.bytes += bytes;
    this.stats.roundTrips += roundTrips;
  }

  close(): void {
    this.transport?.close();
    this.pages.clear();
  }

  private copy(page: number, position: number, end: number, out: Uint8Array): void {
    const bytes = this.pages.get(page);
    if (!bytes) throw new FormatError(this.url, `cannot read: the server sent fewer bytes than asked for at ${page * PAGE_BYTES}`);
    // Most recently used last, so that the first key is the least recently used.
    this.pages.delete(page);
    this.pages.set(page, bytes);
    const pageStart = page * PAGE_BYTES;
    const from = Math.max(position, pageStart);
    const to = Math.min(end, pageStart + bytes.length);
    if (to > from) out.set(bytes.subarray(from - pageStart, to - pageStart), from - position);
  }

  private remember(page: number, bytes: Uint8Array): void {
    this.pages.delete(page);
    this.pages.set(page, bytes);
    while (this.pages.size > this.maxPages) this.pages.delete(this.pages.keys().next().value!);
  }

  private request(start: number, length: number): RangeAnswer {
    const answer = this.transport!.fetch(start, length);
    this.stats.requests++;
    this.stats.roundTrips++;
    if (answer.ok) this.stats.bytes += answer.bytes.length;
    return answer;
  }

  private failure(answer: { status: number; detail: string }): Error {
    const why = answer.detail || `status ${answer.status}`;
    return answer.status === 404 ? new NotFoundError(this.url, `${this.url}: ${why}`) : new FormatError(this.url, `cannot read: ${why}`);
  }
}
