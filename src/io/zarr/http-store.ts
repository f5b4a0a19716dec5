/**
 * A Zarr hierarchy read over HTTP(S): a web server, or an object store's public or signed address (S3, GCS, Azure,
 * the DANDI archive), in Node 20+ and in browsers (both have `fetch`). Read-only: HTTP has no portable way to write
 * or list every key; one folder's entries are listed where the server offers it (`listFolder`: an index page, S3's
 * ListObjectsV2). A key is a URL under the hierarchy's base address, each of its parts percent-encoded.
 *
 * Reading a Zarr array issues many small requests (a chunk each), so the store keeps many in flight at once, up to a
 * bound (`maxParallel`, by default 512 in Node and 256 in a browser: `defaultMaxParallel`; servers throttle clients
 * that open thousands of connections), retries
 * failures that may pass (5xx, 408, 429, network errors) with a growing wait as the HDF5 range reader does, and
 * counts what it asked for, for benchmarks and tests.
 */
import { retryableStatus } from "../remote/retry.js";
import { HTTP_LISTINGS, type HttpListing, listingFor, parseIndexPage, parseS3Listing, s3ListUrl, s3Location } from "./http-listing.js";
import type { FolderEntries, FolderListingStore, StoreKey } from "./store.js";

/** A part of a key's bytes, as zarrita's stores take it: `length` bytes from `offset`, or the last `suffixLength`. */
export type RangeQuery =
  | {
      /** The first byte's position. */
      offset: number;
      /** How many bytes. */
      length: number;
    }
  | {
      /** How many bytes at the end. */
      suffixLength: number;
    };

/** How one key is asked for. */
export interface HttpGetOptions {
  /** Aborts the request. */
  signal?: AbortSignal;
  /**
   * "low": sent after every other request waiting (in the store's queue, and the browser's: fetch's `priority`), for
   * reads ahead that nothing waits for yet; "high" and "auto" are given to fetch as they are.
   */
  priority?: "high" | "low" | "auto";
}

/** How an HttpStore makes its requests. */
export interface HttpStoreOptions {
  /** Headers sent with every request (authorisation, ...). */
  headers?: Record<string, string>;
  /** Attempts per request before giving up (default 3, as the HDF5 range reader). */
  attempts?: number;
  /** The wait before the first retry, doubled before each next one (default 50 ms). */
  retryDelayMs?: number;
  /**
   * The most requests in flight at once; default {@link defaultMaxParallel}: 512 in Node, 256 in a browser. Opening
   * a file reads the one chunk of each of its hundreds of small arrays (a TimeSeries' `starting_time`, a
   * SpatialSeries' `reference_frame`), all known after the one read of the consolidated metadata: in flight together
   * they cost one round trip, 16 at a time a round trip per 16. Lower it for a server that throttles clients
   * opening many connections.
   */
  maxParallel?: number;
  /** The fetch to use (default the global one): to sign requests, or to count them differently. */
  fetch?: typeof globalThis.fetch;
  /**
   * How `listFolder` asks what a folder holds: "index" (the folder's index page, as python's http.server, nginx's
   * and Apache's autoindex serve it), "s3" (ListObjectsV2 on the bucket: the host's on AWS, else the path's first
   * part), "none"; default "s3" on AWS's S3 hosts, else "index".
   */
  listing?: HttpListing;
}

/** What an HttpStore asked for. */
export interface HttpStoreStats {
  /** Requests sent, retries included. */
  requests: number;
  /** Bytes received in answers that carried a key's value. */
  bytes: number;
  /** Requests that were retries of a failed one. */
  retries: number;
  /** Keys the server does not have (404 or 403). */
  missing: number;
  /**
   * Round trips: the longest chain of requests each sent after the answer to the one before it came (a request sent
   * while nothing has been answered yet is 1, one sent after answers of chain length n is n + 1, a request waiting for
   * a free slot or retried comes after an answer too). Over a link of fixed latency, the latencies the reads paid.
   */
  roundTrips: number;
  /** The most requests that were in flight at once. */
  maxInFlight: number;
}

/**
 * The most requests an HttpStore keeps in flight unless told: 512 in Node, 256 in a browser. Node's fetch (undici)
 * opens a connection per request in flight, with no limit per server: the hundreds of small arrays a file's
 * opening reads go out at once (each wave held back behind the bound is a round trip, and on a busy machine more,
 * as the answers of one wave come in one by one). A browser keeps its own limit and queues the rest: 6 connections
 * per server over HTTP/1.1, and over HTTP/2 one connection carrying up to 256 requests at once in Chromium (100 in
 * Firefox, and as many as the server allows, often 100 or 128), so 256 lets an HTTP/2 server answer all it may at
 * once and costs nothing over HTTP/1.1, where the browser's queue decides (a store served over HTTP/1.1 to a
 * browser pays a round trip per 6 small arrays: serve it over HTTP/2, as object stores' CDNs do). Measured by
 * bench/zarr-remote.mjs: 16 at a time cost a 2,000-object file 28 round trips in Node; 512 at a time, 2.
 */
export function defaultMaxParallel(): number {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  const page = typeof (globalThis as { document?: unknown }).document !== "undefined" || typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== "undefined";
  return node !== undefined && !page ? 512 : 256;
}

/** A request the server refused or failed, or that never reached it: `url` and `status` (0 for a network error). */
export class HttpStoreError extends Error {
  constructor(
    /** The address asked for. */
    readonly url: string,
    /** The HTTP status of the last answer, 0 when there was none (a network error). */
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "HttpStoreError";
  }
}


/** A Zarr store whose keys are URLs under `url`. */
export class HttpStore implements FolderListingStore {
  /** The hierarchy's address, ending in "/" (without the query, which every key's URL repeats). */
  readonly url: string;
  /** What the store asked for so far (read it for benchmarks; it only grows). */
  readonly stats: HttpStoreStats = { requests: 0, bytes: 0, retries: 0, missing: 0, roundTrips: 0, maxInFlight: 0 };
  private readonly query: string;
  private readonly headers: Record<string, string>;
  private readonly attempts: number;
  private readonly retryDelayMs: number;
  /** The most requests in flight at once (option `maxParallel`): readers issue this many at a time. */
  readonly maxParallel: number;
  private readonly fetch: typeof globalThis.fetch;
  private readonly listing: HttpListing;
  private inFlight = 0;
  /** The longest chain of requests answered so far (see HttpStoreStats.roundTrips). */
  private answeredChain = 0;
  /** Requests waiting for a free slot, first come first served; those of low priority after all the others. */
  private readonly waiting: (() => void)[] = [];
  private readonly waitingLow: (() => void)[] = [];

  /**
   * A store of the hierarchy at `url` (`https://host/path/file.nwb.zarr`; a relative address is taken relative to
   * the page in a browser). A query in it (a signature, a token) is kept on every key's URL.
   */
  constructor(url: string | URL, options: HttpStoreOptions = {}) {
    let base: URL;
    try {
      base = typeof url === "string" ? new URL(url, (globalThis as { location?: { href: string } }).location?.href) : new URL(url.href);
    } catch (e) {
      throw new TypeError(`HttpStore: expected an http(s) URL, got ${JSON.stringify(String(url))}`, { cause: e });
    }
    if (base.protocol !== "http:" && base.protocol !== "https:") throw new TypeError(`HttpStore: expected an http(s) URL, got ${base.href}`);
    this.query = base.search;
    base.search = "";
    base.hash = "";
    this.url = base.href.endsWith("/") ? base.href : `${base.href}/`;
    this.headers = { ...options.headers };
    for (const name of ["attempts", "maxParallel"] as const) {
      const v = options[name];
      if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new TypeError(`HttpStore: option '${name}': expected a whole number >= 1, got ${v}`);
    }
    if (options.retryDelayMs !== undefined && !(options.retryDelayMs >= 0)) throw new TypeError(`HttpStore: option 'retryDelayMs': expected a number >= 0, got ${options.retryDelayMs}`);
    this.attempts = options.attempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 50;
    this.maxParallel = options.maxParallel ?? defaultMaxParallel();
    if (options.listing !== undefined && !HTTP_LISTINGS.includes(options.listing)) throw new TypeError(`HttpStore: option 'listing': expected "index", "s3" or "none", got ${JSON.stringify(options.listing)}`);
    this.listing = options.listing ?? listingFor(base);
    // Called unbound: a browser's fetch throws "Illegal invocation" when called as a method of another object.
    const fetchFunction = options.fetch ?? globalThis.fetch;
    this.fetch = (input, init) => fetchFunction(input, init);
  }

  /** The URL of `key`: each of its parts percent-encoded (spaces, "#", "?", "%", non-ASCII letters) under the base. */
  urlOf(key: StoreKey): string {
    if (!key.startsWith("/")) throw new TypeError(`HttpStore: a key starts with "/", got ${JSON.stringify(key)}`);
    const parts = key.slice(1).split("/");
    // "." and ".." would be resolved away by the server or the URL parser, naming another key than the one asked for.
    if (parts.some((p) => p === "." || p === "..")) throw new TypeError(`HttpStore: "." and ".." are not allowed in keys, got ${JSON.stringify(key)}`);
    return `${this.url}${parts.map(encodeURIComponent).join("/")}${this.query}`;
  }

  /** The bytes under `key`, or undefined when the server has none (404, or 403 as S3 and GCS answer for a missing object). */
  async get(key: StoreKey, options: HttpGetOptions = {}): Promise<Uint8Array | undefined> {
    return this.request(this.urlOf(key), undefined, options);
  }

  /**
   * What the folder `prefix` ("/specifications/") holds, from the server's listing (option `listing`), or undefined
   * when it gives none (no index page, listing refused: any 4xx, not a listing); failures that may pass (5xx,
   * network) are retried, then thrown as `get`'s are.
   */
  async listFolder(prefix: StoreKey, options: HttpGetOptions = {}): Promise<FolderEntries | undefined> {
    if (!prefix.startsWith("/") || !prefix.endsWith("/")) throw new TypeError(`HttpStore.listFolder: a folder starts and ends with "/", got ${JSON.stringify(prefix)}`);
    const text = async (url: string): Promise<string | undefined> => {
      let body: Uint8Array | undefined;
      try {
        body = await this.request(url, undefined, options);
      } catch (e) {
        // A listing refused (400 for a folder's address, 405, 401 without list rights) is a store that does not list.
        if (e instanceof HttpStoreError && e.status >= 400 && e.status < 500) return undefined;
        throw e;
      }
      return body && new TextDecoder().decode(body);
    };
    if (this.listing === "index") {
      const url = this.urlOf(prefix);
      const page = await text(url);
      return page === undefined ? undefined : parseIndexPage(page, url);
    }
    if (this.listing === "none") return undefined;
    const location = s3Location(this.url);
    const folder = `${location.rootPrefix}${prefix.slice(1)}`;
    const entries: FolderEntries = { keys: [], folders: [] };
    for (let next: string | undefined, first = true; first || next !== undefined; first = false) {
      const xml = await text(s3ListUrl(location, folder, this.query, next));
      const page = xml === undefined ? undefined : parseS3Listing(xml, folder);
      if (page === undefined) return undefined;
      entries.keys.push(...page.entries.keys);
      entries.folders.push(...page.entries.folders);
      next = page.next;
    }
    return entries;
  }

  /**
   * Part of the bytes under `key` (an HTTP range request), or undefined when the server has no such key. A server
   * that ignores ranges sends the whole value, of which the part asked for is answered.
   */
  async getRange(key: StoreKey, range: RangeQuery, options: HttpGetOptions = {}): Promise<Uint8Array | undefined> {
    if ("suffixLength" in range) {
      if (!(Number.isInteger(range.suffixLength) && range.suffixLength >= 0)) throw new TypeError(`HttpStore.getRange: suffixLength must be a whole number >= 0, got ${range.suffixLength}`);
    } else if (!(Number.isInteger(range.offset) && range.offset >= 0 && Number.isInteger(range.length) && range.length >= 0)) {
      throw new TypeError(`HttpStore.getRange: offset and length must be whole numbers >= 0, got ${range.offset} and ${range.length}`);
    }
    const empty = "suffixLength" in range ? range.suffixLength === 0 : range.length === 0;
    // An empty range cannot be asked for in HTTP ("bytes=5-4" is invalid): whether the key exists still can.
    if (empty) return (await this.request(this.urlOf(key), undefined, options)) && new Uint8Array(0);
    return this.request(this.urlOf(key), range, options);
  }

  private async request(url: string, range: RangeQuery | undefined, { signal, priority }: HttpGetOptions): Promise<Uint8Array | undefined> {
    const headers = { ...this.headers };
    if (range) headers.Range = "suffixLength" in range ? `bytes=-${range.suffixLength}` : `bytes=${range.offset}-${range.offset + range.length - 1}`;
    await this.slot(priority === "low");
    try {
      for (let attempt = 1; ; attempt++) {
        if (attempt > 1) this.stats.retries++;
        this.stats.requests++;
        // Sent after every answer in so far: one round trip after the longest chain of them.
        const chain = this.answeredChain + 1;
        this.stats.roundTrips = Math.max(this.stats.roundTrips, chain);
        const answered = (): void => {
          this.answeredChain = Math.max(this.answeredChain, chain);
        };
        let response: Response;
        let body: Uint8Array | undefined;
        try {
          // A browser sends a low-priority request after the others it holds (six at a time to a host over HTTP/1.1).
          response = await this.fetch(url, { headers, signal, ...(priority === undefined ? {} : { priority }) } as RequestInit);
          // The body inside: a connection lost while it comes is a network error too, retried.
          if (response.ok) body = new Uint8Array(await response.arrayBuffer());
          else await response.body?.cancel();
        } catch (e) {
          answered();
          if (signal?.aborted) throw e;
          const why = e instanceof Error ? String((e.cause as Error | undefined)?.message ?? e.cause ?? e.message) : String(e);
          if (attempt >= this.attempts) throw new HttpStoreError(url, 0, `cannot read ${url}: ${why} (after ${attempt} attempts)`, { cause: e });
          await this.pause(attempt, signal);
          continue;
        }
        answered();
        if (response.status === 404 || response.status === 403) {
          this.stats.missing++;
          return undefined;
        }
        if (body) {
          this.stats.bytes += body.length;
          // 200 to a range request: the server sent the whole value.
          if (range && response.status === 200) return "suffixLength" in range ? body.slice(Math.max(0, body.length - range.suffixLength)) : body.slice(range.offset, range.offset + range.length);
          return body;
        }
        const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
        if (!retryableStatus(response.status)) throw new HttpStoreError(url, response.status, `cannot read ${url}: ${status}`);
        if (attempt >= this.attempts) throw new HttpStoreError(url, response.status, `cannot read ${url}: ${status} (after ${attempt} attempts)`);
        await this.pause(attempt, signal);
      }
    } finally {
      this.release();
    }
  }

  /** Waits for a free slot among the `maxParallel`. */
  private async slot(low: boolean): Promise<void> {
    if (this.inFlight >= this.maxParallel) await new Promise<void>((resolve) => (low ? this.waitingLow : this.waiting).push(resolve));
    else this.inFlight++;
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.inFlight);
  }

  /** Frees a slot: the next waiting request takes it over (the count stays). */
  private release(): void {
    const next = this.waiting.shift() ?? this.waitingLow.shift();
    if (next) next();
    else this.inFlight--;
  }

  /** The wait before attempt `attempt + 1`: doubling from `retryDelayMs`. */
  private pause(attempt: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(done, this.retryDelayMs * 2 ** (attempt - 1));
      function done(): void {
        signal?.removeEventListener("abort", aborted);
        resolve();
      }
      function aborted(): void {
        clearTimeout(timer);
        reject(signal!.reason);
      }
      signal?.addEventListener("abort", aborted, { once: true });
    });
  }
}
