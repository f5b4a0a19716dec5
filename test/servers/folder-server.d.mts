/** Types of folder-server.mjs (a plain module, so that the benchmark runs it as a process with node alone). */
export interface FolderServerOptions {
  /** Milliseconds every answer is held. */
  delay?: number;
  /** Headers every request must carry (else 401). */
  headers?: Record<string, string>;
  /** How many times each key is answered 503 before it is served. */
  failFirst?: number;
  /** Answer a missing key 403, as S3 does without list rights. */
  forbidMissing?: boolean;
  /** Ignore Range headers (answer the whole value, 200). */
  noRanges?: boolean;
  /** A folder served under /page/, undelayed and uncounted. */
  staticDir?: string;
  /** Folder listings: index pages (all entries, or without names starting with "." as nginx), or S3's ListObjectsV2 on the bucket "store". */
  listing?: "index" | "index-hiding-dotfiles" | "s3";
  /** Keys (and prefixes) per page of an S3 listing (default 1000). */
  s3PageSize?: number;
  /** HTTPS with HTTP/2 (and HTTP/1.1 for clients without it) on a self-signed certificate. */
  http2?: boolean;
}
export interface FolderServerStats {
  requests: number;
  bytes: number;
  /** Bursts of requests (one while any request is in flight): fooled by pipelining, read `chain` beside it. */
  roundTrips: number;
  /** The longest chain of requests each arriving after an answer was sent: the sequential waits, an upper bound. */
  chain: number;
  /** How many requests arrived at each chain length (index 0: length 1). */
  chains: number[];
  maxInFlight: number;
  /** The keys asked for, decoded, in order of arrival. */
  keys: string[];
}
export interface FolderServer {
  origin: string;
  /** The store's address ("<origin>/store/"). */
  url: string;
  stats(): FolderServerStats;
  reset(): void;
  close(): Promise<void>;
}
export function serveFolder(root: string, options?: FolderServerOptions): Promise<FolderServer>;
