/**
 * An HDF5 file read by URL: h5wasm's in-memory build (its file system has no disk under it) gets a file whose
 * reads are range requests (`RangeReader`, through the transport the environment has), so HDF5 fetches the metadata
 * and the chunks it needs, never the whole file. The in-memory build is loaded only when a URL is opened.
 */
import type { H5File, H5Module } from "../hdf5/h5.js";
import { h5Memory, openCallbackFile } from "../hdf5/h5-memory.js";
import { NoRangeSupport, type RangeAnswer, RangeReader, type RangeReaderOptions, type RangeTransport, firstBlockBytes } from "./range-reader.js";
import { type PrefetchReport, prefetchMetadata } from "./metadata-prefetch.js";
import { ParallelRanges } from "./parallel-ranges.js";
import { registerChunkPrefetch } from "./chunk-prefetch.js";
import { FormatError } from "../../errors.js";
import { registerMetadataBytes } from "../hdf5/attribute-messages.js";

/** The whole file, for a server that cannot send ranges (only when the caller allowed it). */
async function download(url: string, headers: Record<string, string> = {}): Promise<Uint8Array> {
  const response = await fetch(url, { headers });
  if (!response.ok) throw new FormatError(url, `cannot download the file: HTTP ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * The file's first block, fetched asynchronously where `fetch` is: the thread is free meanwhile (HDF5's WebAssembly
 * starts there), where a transport's synchronous request would hold it a round trip. Undefined when that did not
 * give the block (no `fetch`, a failure, no ranges served): the reader then asks through its transport, which
 * retries and says why it failed as always.
 */
async function fetchFirstBlock(url: string, options: RangeReaderOptions): Promise<(RangeAnswer & { ok: true }) | undefined> {
  if (typeof fetch !== "function") return undefined;
  try {
    // Past the HTTP cache, as the fetches ahead are (parallel-ranges.ts): the reader caches what it reads.
    const response = await fetch(url, { headers: { ...options.headers, Range: `bytes=0-${firstBlockBytes(options) - 1}` }, cache: "no-store" });
    const total = Number((response.headers.get("content-range") ?? "").split("/")[1] ?? NaN);
    if (response.status !== 206 || !Number.isFinite(total)) {
      await response.body?.cancel();
      return undefined;
    }
    return { ok: true, bytes: new Uint8Array(await response.arrayBuffer()), total };
  } catch {
    return undefined;
  }
}

/** A remote file opened for reading, and how to let it go. */
export interface RemoteFile {
  m: H5Module;
  file: H5File;
  reader: RangeReader;
  /** What was fetched ahead of HDF5 (undefined when nothing was: see RangeReaderOptions.prefetch). */
  prefetch?: PrefetchReport;
  close(): void;
}

/** Opens the HDF5 file at `url` for reading through range requests made by `transport`. */
export async function openRemote(url: string, transport: RangeTransport, options: RangeReaderOptions = {}): Promise<RemoteFile> {
  // HDF5's WebAssembly compiles while the first requests are answered.
  const loading = h5Memory();
  const firstBlock = await fetchFirstBlock(url, options);
  let reader: RangeReader;
  try {
    reader = new RangeReader(url, transport, options, undefined, firstBlock);
  } catch (e) {
    if (!(e instanceof NoRangeSupport) || !options.allowFullDownload) throw e;
    reader = new RangeReader(url, undefined, options, await download(url, options.headers));
  }
  let prefetch: PrefetchReport | undefined;
  const ranges = options.prefetch !== false && !reader.downloaded ? new ParallelRanges(url, options.headers) : undefined;
  if (ranges !== undefined) {
    const budget = options.prefetchBytes ?? (options.cacheBytes ?? 64 << 20) / 4;
    prefetch = await prefetchMetadata(reader, ranges, budget);
  }
  const { lib, m, FS } = await loading;
  let opened: { file: H5File; close(): void };
  try {
    opened = openCallbackFile(lib, FS, () => reader.size, (target, position) => {
      const bytes = reader.read(position, target.length);
      target.set(bytes);
      return bytes.length;
    });
  } catch (e) {
    reader.close();
    throw e;
  }
  // The tree reader reads attributes from the same bytes HDF5 reads (fetched ahead with the rest of the metadata).
  registerMetadataBytes(opened.file, { read: (position, length) => reader.read(position, length) });
  // A read's chunks are fetched together before HDF5 reads them one by one.
  if (ranges !== undefined) registerChunkPrefetch(opened.file, reader, ranges);
  return {
    m, file: opened.file, reader, prefetch,
    close: () => {
      opened.close();
      reader.close();
    },
  };
}
