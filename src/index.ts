/**
 * tsnwb: read and write image data in NWB (Neurodata Without Borders) 2.7 HDF5 files, in TypeScript.
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

// Containers: the neurodata types, as pynwb names them.
export { NWBContainer, H5DataIO, type DataInput, type ArrayData } from "./containers/container.js";
export { TimeSeries, type TimeSeriesOptions, ProcessingModule, Image, Images, ImageReferences } from "./containers/base.js";
export {
  ImageSeries, type ImageSeriesOptions, OpticalSeries, IndexSeries, ImageMaskSeries, GrayscaleImage, RGBImage, RGBAImage,
} from "./containers/image.js";
export { AbstractFeatureSeries } from "./containers/misc.js";
export { Device } from "./containers/device.js";
export { NWBFile, type NWBFileOptions, Subject, type SubjectOptions, NWB_VERSION } from "./containers/file.js";
export { GenericContainer } from "./containers/generic.js";

// I/O.
export { NWBHDF5IO, type IOMode, type IOOptions } from "./io/nwb-io.js";
export { SeriesAppender } from "./io/appender.js";

// Arrays, storage and errors.
export type { DType, NumericDType, TypedArray } from "./data/dtype.js";
export type { NDArray, ArrayInput } from "./data/ndarray.js";
export type { LazyArray, Selection, FrameSource } from "./data/lazy.js";
export { type StorageOptions, autoChunks } from "./data/storage.js";
export { toISODateTime } from "./data/datetime.js";
export {
  TsnwbError, ValidationError, NotFoundError, FormatError, ModeError, StreamError, isTsnwbError, type TsnwbErrorTag,
} from "./errors.js";
