/**
 * What tsnwb is in every environment (Node and browsers): the classes of every NWB type, the schema, array data,
 * errors, and what every file handle does. `index.ts` (Node) and `browser.ts` add the ways to open files.
 */

// Every neurodata type of core, hdmf-common and hdmf-experimental, as pynwb names them (generated from the schema,
// or hand-written where a class adds rules), and the options each constructor takes.
export * from "./generated/classes.js";
export { type TimeSeriesOptions, type ProcessingModuleOptions, type ImageOptions, type ImagesOptions } from "./containers/base.js";
export { type ImageSeriesOptions, type IndexSeriesOptions } from "./containers/image.js";
export { type AbstractFeatureSeriesOptions } from "./containers/misc.js";
export { type TimeIntervalsOptions, type IntervalValues } from "./containers/intervals.js";
export { TimeSeriesReference, type TimeSeriesReferenceValues } from "./containers/timeseries-reference.js";
export { type PlaneSegmentationOptions, type RoiValues, type PixelMaskEntry, type VoxelMaskEntry } from "./containers/segmentation.js";
export { type DynamicTableOptions, type ColumnOptions, type Cell, type RowOf } from "./containers/table.js";
export { type ToArrowOptions, type FromRecordsOptions, type ArrowTableLike } from "./containers/table-arrow.js";
export { type NWBFileOptions, type SweepTableOption, NWB_VERSION } from "./containers/file.js";
export type { UnitsOptions } from "./containers/units.js";
export type { AlignedDynamicTableOptions } from "./containers/aligned-table.js";
export {
  type IntracellularRecording, type IntracellularRecordingRow, type IntracellularRecordingsTableOptions, type SimultaneousRecordingsTableOptions,
  type SequentialRecordingsTableOptions, type RepetitionsTableOptions, type ExperimentalConditionsTableOptions, type SweepTableOptions, type GroupRow,
} from "./containers/icephys.js";
export {
  AbstractContainer, H5DataIO, type DataInput, type ArrayData, type ContainerClass, type AbstractContainerOptions,
} from "./containers/container.js";
export { GenericContainer } from "./containers/generic.js";
export { externalLinkOf, type ExternalLinkTarget } from "./mapping/external-links.js";
export { getClass, registerClass, type DynamicClass, type DynamicSubclass } from "./containers/registry.js";

// The schema: the specification language, the catalog of loaded namespaces, extensions.
export { typeCatalog } from "./schema/bundled.js";
export { NamespaceCatalog, type TypeDef } from "./schema/catalog.js";
export type { TypeLayout, Field } from "./schema/fields.js";
export type {
  NamespaceDocument, NamespaceSpec, SchemaSource, GroupSpec, DatasetSpec, AttributeSpec, LinkSpec, Dtype, Quantity, Shape,
} from "./schema/language.js";

// Validation against the schema: of an open file, or of an NWBFile in memory (`validate` in Node also takes a path).
export { validateIO, validateNWBFile, type ValidateOptions } from "./validation/validate.js";
export {
  inspect, locationOf, INSPECTOR_CHECKS, TSNWB_EXTRA_CHECKS, IMPORTANCES, DANDI_CONFIG, INSPECTOR_CONFIGS, type Importance, type Severity, type InspectionMessage,
  type InspectOptions, type InspectorConfig, type CheckInfo,
  inspectAcrossFiles, fileFacts, ACROSS_FILES_CHECKS, type FileFacts, type AcrossFilesOptions,
} from "./validation/inspector.js";
export { validateTree, dtypeAllowed, type ValidationIssue, type ValidationRule, type TreeValidationOptions } from "./validation/validator.js";

// I/O that works everywhere: appending to series, files in memory.
export { SeriesAppender } from "./io/appender.js";
export { NWBMemoryIO, type MemorySource, type MemoryIOOptions } from "./io/memory-io.js";
export { NWBZarrIO, type ZarrIOOptions } from "./io/zarr/nwb-zarr-io.js";
export { ZarrSeriesAppender } from "./io/zarr/series-appender.js";
export type { TimestampsInput } from "./data/frames.js";
export { type ReadableStore, type WritableStore, type StoreKey, MemoryStore } from "./io/zarr/store.js";
export type { IOMode } from "./io/io-base.js";

// Arrays, storage, warnings and errors.
export type { DType, NumericDType, TypedArray } from "./data/dtype.js";
export type { NDArray, ArrayInput } from "./data/ndarray.js";
export type { LazyArray, Selection, FrameSource } from "./data/lazy.js";
export { InMemoryArray, StreamedArray } from "./data/arrays.js";
export { type StorageOptions, autoChunks } from "./data/storage.js";
export { toISODateTime } from "./data/datetime.js";
export { toNumbers } from "./data/numbers.js";
export { readArray, type ArrayRead, type AxisSelection } from "./data/read-array.js";
export { setWarningHandler, type NWBWarning } from "./warnings.js";
export {
  TsnwbError, ValidationError, NotFoundError, FormatError, ModeError, StreamError, SchemaError, isTsnwbError, type TsnwbErrorTag, type TsnwbErrorByTag,
} from "./errors.js";
