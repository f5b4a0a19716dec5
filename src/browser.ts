/**
 * tsnwb in a browser: everything but the file system. Files are bytes: open a `File` the user picked or dropped (or
 * any `Blob`, `Uint8Array`, `ArrayBuffer`) with `NWBHDF5IO.open(file)`; write a new file with
 * `NWBHDF5IO.open(undefined, "w")`, then `close()` and download `blob()`.
 *
 * ```ts
 * import { NWBHDF5IO, ImageSeries } from "tsnwb";
 * const io = await NWBHDF5IO.open(input.files[0]);
 * const movie = (await io.read()).getAcquisition("movie", ImageSeries);
 * const frame = await movie.data.read([[0, 1]]);
 * ```
 */
export * from "./core.js";
export { NWBMemoryIO as NWBHDF5IO } from "./io/memory-io.js";

// Zarr stores that work in a page: in memory, and a hierarchy served over HTTP(S) with its consolidated metadata.
export { MemoryStore, isWritable, canListFolders, type ReadableStore, type WritableStore, type StoreKey, type FolderEntries, type FolderListingStore } from "./io/zarr/store.js";
export { HttpStore, HttpStoreError, defaultMaxParallel, type HttpGetOptions, type HttpStoreOptions, type HttpStoreStats, type RangeQuery } from "./io/zarr/http-store.js";
export type { HttpListing } from "./io/zarr/http-listing.js";
export {
  ConsolidatedStore, consolidateMetadata, encodeConsolidatedMetadata, isMetadataKey, CONSOLIDATED_METADATA_KEY,
  type ConsolidatedStoreOptions, type ConsolidationResult,
} from "./io/zarr/consolidated.js";
