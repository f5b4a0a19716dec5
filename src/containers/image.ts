/**
 * Types of the schema's `nwb.image`: image series and the image kinds.
 */
import { type DataInput, shapeOf } from "./container.js";
import { Image, Images, TimeSeries, type TimeSeriesOptions } from "./base.js";
import { Device } from "./device.js";
import type { TypeSpec } from "../schema/spec.js";
import { isNDArray, numbersOf } from "../data/ndarray.js";
import { isNumericDType, toTypedArray } from "../data/dtype.js";
import { isFrameSource, isLazyArray } from "../data/lazy.js";
import { ValidationError } from "../errors.js";

export interface ImageSeriesOptions extends TimeSeriesOptions {
  /** Paths of external image or video files, relative to the NWB file's folder. The alternative to `data`. */
  external_file?: string[];
  /** The index of each external file's first frame in the whole series; default `[0]` for one file. */
  starting_frame?: number[];
  /** `"raw"` for data in the file, `"external"` for external files (the default when `external_file` is given). */
  format?: string;
  device?: Device;
  /** Number of pixels on x, y, (and z) axes. */
  dimension?: number[];
}

/** A series of images: frames in the file (`data`), or external files. */
export class ImageSeries extends TimeSeries {
  static override spec: TypeSpec = {
    neurodata_type: "ImageSeries",
    namespace: "core",
    inc: "TimeSeries",
    storage: "group",
    fields: [
      {
        kind: "dataset", key: "external_file", dtype: "text", form: "vector", filePaths: true,
        attributes: [{ name: "starting_frame", key: "starting_frame", dtype: "int32", vector: true }],
      },
      { kind: "dataset", key: "format", dtype: "text", form: "scalar" },
      { kind: "link", key: "device" },
      { kind: "dataset", key: "dimension", dtype: "int32", form: "vector" },
    ],
  };
  protected static dataShapes: { allowed: (number | null)[][]; what: string } = {
    allowed: [[null, null, null], [null, null, null, null]],
    what: "frames of shape (frame, x, y) or (frame, x, y, z)",
  };

  external_file?: string[];
  starting_frame?: number[];
  format?: string;
  device?: Device;
  dimension?: number[];

  constructor(opts: ImageSeriesOptions) {
    const external = opts?.external_file !== undefined;
    if (external && opts.data !== undefined) {
      // Checked before super() so that the error names the object, as the others do.
      throw new ValidationError(`${new.target.spec.neurodata_type} '${opts.name}'`, "data", "either 'data' or 'external_file', not both");
    }
    super({
      ...opts,
      unit: opts?.unit ?? "n.a.",
      // pynwb writes an empty (0, 0, 0) uint8 `data` for external files; the schema requires the dataset.
      data: external ? { data: new Uint8Array(0), shape: [0, 0, 0] } : opts?.data,
    });
    const { allowed, what } = (this.constructor as typeof ImageSeries).dataShapes;
    this.checkShape("data", this.data, allowed, what);
    const dtype = isNDArray(this.data) || isLazyArray(this.data) ? this.data.dtype : undefined;
    if (dtype !== undefined && !isNumericDType(dtype)) this.fail("data", "numeric pixel values", `${dtype} data`);
    if (external) this.setExternal(opts);
    else {
      if (opts.starting_frame !== undefined) this.fail("starting_frame", "no 'starting_frame' without 'external_file'");
      if (opts.format === "external") this.fail("format", `"raw" (or another in-file format) when 'data' is given`, opts.format);
      this.format = opts.format ?? "raw";
    }
    if (opts.device !== undefined && !(opts.device instanceof Device)) this.fail("device", "a Device", opts.device);
    this.device = opts.device;
    if (opts.dimension !== undefined) {
      if (!Array.isArray(opts.dimension) || !opts.dimension.every((n) => Number.isInteger(n) && n >= 0)) {
        this.fail("dimension", "an array of pixel counts", opts.dimension);
      }
      this.dimension = [...opts.dimension];
    }
  }

  private setExternal(opts: ImageSeriesOptions): void {
    const files = opts.external_file!;
    if (!Array.isArray(files) || files.length === 0 || !files.every((f) => typeof f === "string" && f.length > 0)) {
      this.fail("external_file", "a non-empty array of file paths", files);
    }
    if (opts.format !== undefined && opts.format !== "external") {
      this.fail("format", `"external" when 'external_file' is given`, opts.format);
    }
    let starting = opts.starting_frame;
    if (starting === undefined) {
      if (files.length > 1) this.fail("starting_frame", `one starting frame per external file (${files.length})`);
      starting = [0];
    }
    if (!Array.isArray(starting) || starting.length !== files.length || !starting.every((n) => Number.isInteger(n) && n >= 0)) {
      this.fail("starting_frame", `${files.length} non-negative integer(s), one per external file`, starting);
    }
    for (let i = 1; i < starting.length; i++) {
      if (starting[i]! < starting[i - 1]!) this.fail("starting_frame", "non-decreasing frame indices", starting);
    }
    if (starting[0] !== 0) this.fail("starting_frame", "0 as the first file's starting frame", starting);
    this.external_file = [...files];
    this.starting_frame = [...starting];
    this.format = "external";
  }
}

/** An image series shown as a stimulus, with its geometry. */
export class OpticalSeries extends ImageSeries {
  static override spec: TypeSpec = {
    neurodata_type: "OpticalSeries",
    namespace: "core",
    inc: "ImageSeries",
    storage: "group",
    fields: [
      { kind: "dataset", key: "distance", dtype: "float64", form: "scalar" },
      { kind: "dataset", key: "field_of_view", dtype: "float64", form: "vector" },
      { kind: "dataset", key: "orientation", dtype: "text", form: "scalar" },
    ],
  };
  protected static override dataShapes = {
    allowed: [[null, null, null], [null, null, null, 3]],
    what: "frames of shape (frame, x, y) or (frame, x, y, 3)",
  };
  /** Distance from the camera or monitor to the target, in metres. */
  distance: number;
  /** Width, height (and depth) of the field of view, in metres. */
  field_of_view: number[];
  /** Which way is up, with its frame of reference. */
  orientation: string;

  constructor(opts: ImageSeriesOptions & { distance: number; field_of_view: number[] | DataInput; orientation: string }) {
    super(opts);
    if (typeof opts.distance !== "number" || !Number.isFinite(opts.distance)) this.fail("distance", "a number of metres", opts.distance);
    this.distance = opts.distance;
    const fov = this.arrayField("field_of_view", opts.field_of_view as DataInput, "float64");
    if (!isNDArray(fov) || fov.shape.length !== 1 || (fov.shape[0] !== 2 && fov.shape[0] !== 3)) {
      this.fail("field_of_view", "2 or 3 numbers (width, height[, depth])", shapeOf(fov) ?? opts.field_of_view);
    }
    this.field_of_view = numbersOf(fov);
    this.orientation = this.requiredText("orientation", opts.orientation);
  }
}

/** Which image (of an `Images`, or legacy: which frame of an `ImageSeries`) was shown at each time. */
export class IndexSeries extends TimeSeries {
  static override spec: TypeSpec = {
    neurodata_type: "IndexSeries",
    namespace: "core",
    inc: "TimeSeries",
    storage: "group",
    fields: [
      {
        kind: "dataset", key: "data", dtype: "uint32", form: "array",
        attributes: [
          { name: "unit", key: "unit", dtype: "text" },
          { name: "conversion", key: "conversion", dtype: "float64" },
          { name: "resolution", key: "resolution", dtype: "float64" },
          { name: "offset", key: "offset", dtype: "float64" },
        ],
      },
      { kind: "link", key: "indexed_timeseries" },
      { kind: "link", key: "indexed_images" },
    ],
  };
  indexed_images?: Images;
  /** @deprecated in NWB 2.5: index into an `Images` with `indexed_images`. */
  indexed_timeseries?: ImageSeries;

  constructor(opts: Omit<TimeSeriesOptions, "data"> & { data: DataInput; indexed_images?: Images; indexed_timeseries?: ImageSeries }) {
    if (opts?.unit !== undefined && opts.unit !== "N/A") {
      throw new ValidationError(`IndexSeries '${opts.name}'`, "unit", `"N/A" (an index has no unit)`, JSON.stringify(opts.unit));
    }
    super({ ...opts, unit: "N/A" });
    if (isNDArray(this.data) && !(this.data.dtype === "text") && !numbersOf(this.data).every((v) => Number.isInteger(v) && v >= 0)) {
      this.fail("data", "non-negative integer indices", "other numbers");
    }
    if (isNDArray(this.data) && this.data.dtype !== "uint32") {
      // The schema's dtype for indices, so that `data.dtype` is what will be written.
      this.data = { data: toTypedArray(this.data.data as ArrayLike<number>, "uint32"), shape: this.data.shape, dtype: "uint32" };
    }
    this.checkShape("data", this.data, [[null]], "a 1-D array of indices");
    if (isFrameSource(this.data)) this.fail("data", "indices in memory or in a file, not a stream");
    const { indexed_images, indexed_timeseries } = opts;
    if ((indexed_images === undefined) === (indexed_timeseries === undefined)) {
      this.fail("indexed_images", "either 'indexed_images' (an Images) or, legacy, 'indexed_timeseries' (an ImageSeries)");
    }
    if (indexed_images !== undefined && !(indexed_images instanceof Images)) this.fail("indexed_images", "an Images", indexed_images);
    if (indexed_timeseries !== undefined && !(indexed_timeseries instanceof ImageSeries)) {
      this.fail("indexed_timeseries", "an ImageSeries", indexed_timeseries);
    }
    this.indexed_images = indexed_images;
    this.indexed_timeseries = indexed_timeseries;
  }
}

/** A mask over the frames of another image series. */
export class ImageMaskSeries extends ImageSeries {
  static override spec: TypeSpec = {
    neurodata_type: "ImageMaskSeries",
    namespace: "core",
    inc: "ImageSeries",
    storage: "group",
    fields: [{ kind: "link", key: "masked_imageseries" }],
  };
  masked_imageseries: ImageSeries;

  constructor(opts: ImageSeriesOptions & { masked_imageseries: ImageSeries }) {
    super(opts);
    if (!(opts.masked_imageseries instanceof ImageSeries)) this.fail("masked_imageseries", "an ImageSeries", opts.masked_imageseries);
    this.masked_imageseries = opts.masked_imageseries;
  }
}

/** A grayscale image, shape (x, y). */
export class GrayscaleImage extends Image {
  static override spec: TypeSpec = { neurodata_type: "GrayscaleImage", namespace: "core", inc: "Image", storage: "dataset", fields: [] };
  protected static override shapes = { allowed: [[null, null]], what: "a grayscale image of shape (x, y)" };
}

/** A colour image, shape (x, y, 3). */
export class RGBImage extends Image {
  static override spec: TypeSpec = { neurodata_type: "RGBImage", namespace: "core", inc: "Image", storage: "dataset", fields: [] };
  protected static override shapes = { allowed: [[null, null, 3]], what: "an RGB image of shape (x, y, 3)" };
}

/** A colour image with transparency, shape (x, y, 4). */
export class RGBAImage extends Image {
  static override spec: TypeSpec = { neurodata_type: "RGBAImage", namespace: "core", inc: "Image", storage: "dataset", fields: [] };
  protected static override shapes = { allowed: [[null, null, 4]], what: "an RGBA image of shape (x, y, 4)" };
}

