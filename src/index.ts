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

// Every neurodata type of core, hdmf-common and hdmf-experimental, as pynwb names them (generated from the schema,
// or hand-written where a class adds rules), and the options each constructor takes.
export * from "./generated/classes.js";
export { type TimeSeriesOptions, type ProcessingModuleOptions, type ImageOptions, type ImagesOptions } from "./containers/base.js";
export { type ImageSeriesOptions, type IndexSeriesOptions } from "./containers/image.js";
export { type AbstractFeatureSeriesOptions } from "./containers/misc.js";
export { type NWBFileOptions, NWB_VERSION } from "./containers/file.js";
export {
  AbstractContainer, H5DataIO, type DataInput, type ArrayData, type ContainerClass, type AbstractContainerOptions,
} from "./containers/container.js";
export { GenericContainer } from "./containers/generic.js";
export { getClass, registerClass, type DynamicClass } from "./containers/registry.js";

// The schema: the specification language, the catalog of loaded namespaces, extensions.
export { typeCatalog } from "./schema/bundled.js";
export { NamespaceCatalog, type TypeDef } from "./schema/catalog.js";
export type { TypeLayout, Field } from "./schema/fields.js";
export type {
  NamespaceDocument, NamespaceSpec, SchemaSource, GroupSpec, DatasetSpec, AttributeSpec, LinkSpec, Dtype, Quantity, Shape,
} from "./schema/language.js";
export { loadNamespaces } from "./io/namespaces.js";

// Image and video files.
export {
  imageFromFile, imageToPNG, framesToPNG, type ImageFileOptions, type SeriesFromFilesOptions, type SeriesFromVideosOptions,
} from "./media/from-files.js";
export { imageFileInfo, naturalOrder, type ImageFileInfo } from "./media/image-files.js";
export { videoInfo, type VideoInfo } from "./media/video-files.js";

// I/O.
export { NWBHDF5IO, type IOMode, type IOOptions } from "./io/nwb-io.js";
export type { RangeReaderOptions } from "./io/remote/sync-range-reader.js";
export { SeriesAppender } from "./io/appender.js";

// Arrays, storage, warnings and errors.
export type { DType, NumericDType, TypedArray } from "./data/dtype.js";
export type { NDArray, ArrayInput } from "./data/ndarray.js";
export type { LazyArray, Selection, FrameSource } from "./data/lazy.js";
export { InMemoryArray, StreamedArray } from "./data/arrays.js";
export { type StorageOptions, autoChunks } from "./data/storage.js";
export { toISODateTime } from "./data/datetime.js";
export { setWarningHandler, type NWBWarning } from "./warnings.js";
export {
  TsnwbError, ValidationError, NotFoundError, FormatError, ModeError, StreamError, isTsnwbError, type TsnwbErrorTag, type TsnwbErrorByTag,
} from "./errors.js";
