/**
 * A dataset's chunks fetched ahead of a read, for files read by URL: HDF5 reads a selection's chunks one after
 * another, each missing one a round trip (the first second of a 64-channel series in chunks of 16 channels: 4
 * chunks, 3 round trips after the first). Before HDF5 reads, the chunks the selection touches are found in the
 * dataset's chunk index (as tsnwb's direct reader finds them: `direct-read.ts`; the index's nodes were fetched with
 * the metadata) and the missing ones fetched together, in parallel requests: one round trip. A guess as the
 * metadata's is: what cannot be planned is left to HDF5's own reads.
 */
import { DirectDataset, type DirectFile } from "../hdf5/direct-read.js";
import { type ByteRange, ParallelRanges } from "./parallel-ranges.js";
import { PAGE_BYTES, type RangeReader } from "./range-reader.js";

/** Chunks planned for one read, at most (a read of more is left to HDF5's reads, in blocks). */
const MAX_CHUNKS = 4096;

interface ChunkFetcher {
  reader: RangeReader;
  ranges: ParallelRanges;
}

const fetchers = new WeakMap<object, ChunkFetcher>();

/** Lets reads of `h5file`'s datasets (an h5wasm file opened by URL) fetch their chunks ahead through `ranges`. */
export function registerChunkPrefetch(h5file: object, reader: RangeReader, ranges: ParallelRanges): void {
  fetchers.set(h5file, { reader, ranges });
}

/**
 * Fetches what a read of `selection` of the dataset whose header is at `address()` will need, when `h5file` was
 * opened by URL (else does nothing, not even ask for the address). Never throws: a failure here leaves the read to
 * HDF5, which reports it.
 */
export async function prefetchSelection(h5file: object, address: () => number, shape: number[], elementBytes: number, selection: [number, number][]): Promise<void> {
  const fetcher = fetchers.get(h5file);
  if (fetcher === undefined) return;
  const { reader } = fetcher;
  try {
    // Planning reads only the chunk index, through the reader (cached with the metadata, or fetched as HDF5 would).
    const file: DirectFile = {
      read: (position, length) => reader.read(position, length),
      inflate: () => {
        throw new Error("not used in planning");
      },
      close: () => undefined,
    };
    const spans = DirectDataset.plan(file, address(), shape, elementBytes)?.storedSpans(selection, MAX_CHUNKS);
    if (spans === undefined) return;
    const wanted: ByteRange[] = [];
    let pages = 0;
    for (const { address: at, size } of spans) {
      const start = Math.floor(at / PAGE_BYTES) * PAGE_BYTES;
      const end = Math.min(reader.size, Math.ceil((at + size) / PAGE_BYTES) * PAGE_BYTES);
      if (end <= start || reader.has(start, end - start)) continue;
      wanted.push({ start, end });
      pages += (end - start) / PAGE_BYTES;
    }
    // Only when all fits in the cache beside what is there (else HDF5 reads in turn, as it would).
    if (wanted.length === 0 || pages > reader.room / 2) return;
    const { parts, cost } = await fetcher.ranges.fetch(wanted);
    reader.count(cost.requests, cost.bytes, cost.roundTrips);
    for (const part of parts) {
      const skip = (PAGE_BYTES - (part.start % PAGE_BYTES)) % PAGE_BYTES;
      if (skip < part.bytes.length) reader.store(part.start + skip, part.bytes.subarray(skip));
    }
  } catch {
    // Left to HDF5.
  }
}
