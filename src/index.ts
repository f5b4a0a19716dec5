/**
 * tsnwb: read and write NWB (Neurodata Without Borders) 2.7 HDF5 files in TypeScript, every type of the schema
 * as a class with its fields, image data first.
 *
 * ```ts
 * import { NWBFile, ImageSeries, NWBHDF5IO } from "tsnwb";
 *
 * const nwbfile = new NWBFile({
 *   session_description: "my first synthetic recording",
 *   identifier: "EXAMPLE_ID",
 *   session_start_time: "2018-04-25T02:30:03-07:00",
 * });
 * nwbfile.addAcquisition(new ImageSeries({
 *   name: "ImageSeries",
 *   data: { data: new Uint8Array(200 * 50 * 50 * 3), shape: [200, 50, 50, 3] },
 *   rate: 1.0,
 * }));
 * const io = await NWBHDF5IO.open("images.nwb", "w");
 * await io.write(nwbfile);
 * await io.close();
 * ```
 */

export * from "./core.js";

// Node: files on disk and by URL, extensions' YAML, image and video files.
export { NWBHDF5IO, type IOOptions } from "./io/nwb-io.js";
// NWBZarrIO, MemoryStore and the store types come with core.js; Node opens folder stores by path.
import "./io/zarr/folders-node.js";
export type { RangeReaderOptions } from "./io/remote/range-reader.js";
export { loadNamespaces } from "./io/namespaces.js";
export {
  imageFromFile, imageToPNG, framesToPNG, type ImageFileOptions, type SeriesFromFilesOptions, type SeriesFromVideosOptions,
} from "./media/from-files.js";
export { imageFileInfo, naturalOrder, type ImageFileInfo } from "./media/image-files.js";
export { videoInfo, type VideoInfo } from "./media/video-files.js";
export { validate } from "./validation/validate-file.js";
export { findLeftovers, cleanLeftovers, type Leftover } from "./io/leftovers.js";
// Node's inspect looks for external files on disk (the one of core.ts, for browsers, cannot).
export { inspect, inspectFile, inspectFiles, inspectFileWithFacts, nwbFilesIn, type InspectedFile } from "./validation/inspect-file.js";

// Zarr stores: in memory, in a folder on disk, over HTTP(S) (read-only), and consolidated metadata.
export { MemoryStore, isWritable, canListFolders, type ReadableStore, type WritableStore, type StoreKey, type FolderEntries, type FolderListingStore } from "./io/zarr/store.js";
export { FolderStore } from "./io/zarr/folder-store.js";
export { HttpStore, HttpStoreError, defaultMaxParallel, type HttpGetOptions, type HttpStoreOptions, type HttpStoreStats, type RangeQuery } from "./io/zarr/http-store.js";
export type { HttpListing } from "./io/zarr/http-listing.js";
export {
  ConsolidatedStore, consolidateMetadata, encodeConsolidatedMetadata, isMetadataKey, CONSOLIDATED_METADATA_KEY,
  type ConsolidatedStoreOptions, type ConsolidationResult,
} from "./io/zarr/consolidated.js";
