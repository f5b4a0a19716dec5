/**
 * Hand-written classes of the schema's `nwb.base`, for their rules and conveniences: TimeSeries (timing, frames),
 * ProcessingModule, Image and Images. Their fields come from the generated `<Type>Base` classes.
 */
import { type AbstractContainer, type ArrayData, addChild, adopt } from "./container.js";
import { TimeSeriesBase, type TimeSeriesOptions } from "../generated/core/TimeSeries.js";
import { ProcessingModuleBase, type ProcessingModuleOptions } from "../generated/core/ProcessingModule.js";
import { ImageBase, type ImageOptions } from "../generated/core/Image.js";
import { ImagesBase, type ImagesOptions } from "../generated/core/Images.js";
import type { ImageReferences } from "../generated/core/ImageReferences.js";
import type { NWBDataInterface } from "../generated/core/NWBDataInterface.js";
import type { DynamicTable } from "./table.js";
import type { ImageClass, ImageFileOptions } from "../media/from-files.js";
import { fileSupport } from "./file-support.js";
import { product } from "../data/ndarray.js";
import { bytesPerElement, isNumericDType } from "../data/dtype.js";
import type { ArrayValues } from "../data/lazy.js";
import { InMemoryArray, StreamedArray } from "../data/arrays.js";
import { warn } from "../warnings.js";

export type { TimeSeriesOptions, ProcessingModuleOptions, ImageOptions, ImagesOptions };

/** A series of samples over time; timed by `timestamps`, or by `rate` (and `starting_time`). */
/** The types whose data's second axis runs over the rows of a region, and that region's field (pynwb's checks). */
const REGION_AXIS_FIELDS: Record<string, string> = { ElectricalSeries: "electrodes", RoiResponseSeries: "rois" };

export class TimeSeries extends TimeSeriesBase {
  constructor(opts: TimeSeriesOptions) {
    super(opts);
    if (this.continuity !== undefined && !["continuous", "instantaneous", "step"].includes(this.continuity)) {
      this.fail("continuity", `"continuous", "instantaneous" or "step"`, this.continuity);
    }
    this.checkTiming(opts);
    this.checkRegionWidth();
    if (this.isA("DecompositionSeries") && (this as Record<string, unknown>).source_timeseries === undefined && (this as Record<string, unknown>).source_channels === undefined) {
      warn(this.describe(), "source_timeseries", "neither source_timeseries nor source_channels is present: it is recommended to indicate the source timeseries if it is present, or else to link to the corresponding source_channels (optional)");
    }
  }

  /**
   * pynwb's warning when data's second axis does not match the rows its region selects (an ElectricalSeries'
   * electrodes, a RoiResponseSeries' rois): the data is probably transposed.
   */
  private checkRegionWidth(): void {
    const key = Object.entries(REGION_AXIS_FIELDS).find(([type]) => this.isA(type))?.[1];
    const region = key === undefined ? undefined : (this as unknown as Record<string, { data?: { shape?: number[] } } | undefined>)[key];
    const rows = region?.data?.shape?.[0];
    const shape = this.data instanceof StreamedArray || this.data === undefined ? undefined : this.data.shape;
    if (rows === undefined || shape?.length !== 2 || shape[1] === rows) return;
    warn(this.describe(), "data", shape[0] === rows
      ? `the second dimension of data does not match the length of ${key}, but instead the first does: data is oriented incorrectly and should be transposed`
      : `the second dimension of data (${shape[1]}) does not match the length of ${key} (${rows}): your data may be transposed`);
  }

  /**
   * The time of each sample in seconds (pynwb's `get_timestamps`): `timestamps` as stored, or, for a series with a
   * `rate`, `starting_time + i / rate` for each sample of `data`. Reads the whole of `timestamps`.
   */
  async getTimestamps(): Promise<Float64Array> {
    if (this.timestamps !== undefined) return Float64Array.from(await this.readNumbers("timestamps"));
    const n = this.numSamples;
    if (n === undefined) this.fail("data", "data whose samples can be counted (written, not a stream still to come)");
    const start = this.starting_time ?? 0;
    const rate = this.rate!;
    return Float64Array.from({ length: n }, (_, i) => i / rate + start);
  }

  /**
   * The data in `unit` (pynwb's `get_data_in_units`): `data * conversion + offset`, each value of the last axis
   * also scaled by `channel_conversion` where the series has one, as float64 with its shape. Reads the whole of
   * `data`.
   */
  async getDataInUnits(): Promise<{ data: Float64Array; shape: number[] }> {
    const values = await this.readNumbers("data");
    const shape = [...(this.data as { shape: number[] }).shape];
    const perChannel = (this as unknown as Record<string, unknown>).channel_conversion === undefined ? undefined : await this.readNumbers("channel_conversion");
    const channels = shape[shape.length - 1] ?? 1;
    if (perChannel !== undefined && perChannel.length !== channels) {
      this.fail("channel_conversion", `one factor per channel (${channels}, the last axis of data)`, `${perChannel.length} factors`);
    }
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      out[i] = values[i]! * this.conversion * (perChannel === undefined ? 1 : perChannel[i % channels]!) + this.offset;
    }
    return { data: out, shape };
  }

  /** The numbers of the array field `key`, read whole (64-bit integers as numbers: they are about to be scaled). */
  private async readNumbers(key: "data" | "timestamps" | "channel_conversion"): Promise<number[]> {
    const array = (this as unknown as Record<string, ArrayData | undefined>)[key];
    if (array === undefined || array instanceof StreamedArray) this.fail(key, "values written or in memory, not a stream still to come");
    if (!isNumericDType(array.dtype)) this.fail(key, "numbers", `${array.dtype} values`);
    const values = await array.read();
    return Array.from(values as ArrayLike<number | bigint>, Number);
  }

  /** pynwb's rule: exactly one of `rate` and `timestamps`; `starting_time` only with `rate`, default 0. */
  private checkTiming(opts: TimeSeriesOptions): void {
    if (opts.timestamps !== undefined && opts.rate !== undefined) this.fail("rate", "either 'rate' or 'timestamps', not both");
    if (this.timestamps !== undefined) {
      if (opts.starting_time !== undefined) this.fail("starting_time", "no 'starting_time' when 'timestamps' are given");
      const ts = this.timestamps;
      if (ts instanceof InMemoryArray && !Array.from(ts.data as ArrayLike<number>).every(Number.isFinite)) this.fail("timestamps", "finite numbers of seconds");
      const n = this.numSamples;
      if (n !== undefined && !(ts instanceof StreamedArray) && ts.shape[0] !== n) {
        warn(this.describe(), "timestamps", `${ts.shape[0]} timestamps for ${n} samples of data: the lengths differ (is the data transposed?)`);
      }
    } else if (opts.rate !== undefined) {
      if (typeof opts.rate !== "number" || !Number.isFinite(opts.rate) || opts.rate < 0) {
        this.fail("rate", "a number of samples per second, 0 or more", opts.rate);
      }
      // pynwb allows 0 for a single sample; for more it only warns, where the NWB Inspector calls the file critical.
      if (opts.rate === 0 && (this.numSamples ?? 0) > 1) this.fail("rate", "a rate above 0 Hz for more than one sample (pynwb warns of it, the NWB Inspector calls it critical)", 0);
      this.starting_time ??= 0.0;
    } else {
      this.fail("timestamps", "either 'timestamps' or 'rate'");
    }
  }

  /** The number of samples, when known. */
  get numSamples(): number | undefined {
    return this.data instanceof StreamedArray || this.data === undefined ? undefined : this.data.shape[0];
  }

  /**
   * The samples (frames) one at a time, read in blocks of about `blockBytes` from storage, so a movie larger
   * than memory can be processed frame by frame. Each frame is a C-order typed array of the frame's shape.
   */
  async *frames(opts: { start?: number; stop?: number; blockBytes?: number } = {}): AsyncGenerator<ArrayValues, void, undefined> {
    const data = this.data;
    if (data instanceof StreamedArray) this.fail("data", "data in memory or in a file to iterate over, not a stream");
    const shape = data.shape;
    const n = shape[0] ?? 0;
    const start = opts.start ?? 0;
    const stop = Math.min(opts.stop ?? n, n);
    if (!Number.isInteger(start) || start < 0 || start > stop) this.fail("frames", `a start frame within 0 to ${stop}`, String(start));
    const perFrame = product(shape.slice(1));
    if (data instanceof InMemoryArray) {
      for (let i = start; i < stop; i++) yield data.data.slice(i * perFrame, (i + 1) * perFrame) as ArrayValues;
      return;
    }
    const bytes = perFrame * (isNumericDType(data.dtype) ? bytesPerElement(data.dtype) : 8);
    let block = Math.max(1, Math.floor((opts.blockBytes ?? 8 << 20) / Math.max(1, bytes)));
    const chunk0 = data.chunks?.[0];
    if (chunk0 && block > chunk0) block -= block % chunk0;
    for (let i = start; i < stop; i += block) {
      const end = Math.min(stop, i + block);
      const values = await data.read([[i, end]]);
      for (let k = 0; k < end - i; k++) {
        yield ArrayBuffer.isView(values) ? values.subarray(k * perFrame, (k + 1) * perFrame) : values.slice(k * perFrame, (k + 1) * perFrame);
      }
    }
  }

  /** True while `data` is a stream that has not been written yet. */
  get isStreaming(): boolean {
    return this.data instanceof StreamedArray;
  }
}

/** A named group of analysis results (`nwbfile.processing`); members are in `data_interfaces`. */
export class ProcessingModule extends ProcessingModuleBase {
  /**
   * The object `name` of `data_interfaces`, or without a name its only one (pynwb's `module["LFP"]`, `get`); with a
   * class, also checks its type, so TypeScript knows it: `module.get("LFP", LFP).getElectricalSeries()`.
   */
  override get<T extends NWBDataInterface | DynamicTable = NWBDataInterface | DynamicTable>(name?: string, type?: abstract new (...args: never[]) => T): T {
    return this.getInAs<T>("data_interfaces", name, type);
  }
}

/** Pixel values of one image; the base of GrayscaleImage, RGBImage and RGBAImage. */
export class Image extends ImageBase {
  /**
   * An image of this class from a PNG (8 or 16 bit), JPEG, TIFF or WebP file, pixels (height, width[, channels]) at
   * the file's bit depth: `await RGBImage.fromFile("face.png", { name: "face" })`. The file's channels must fit the
   * class; `imageFromFile` picks the class from the file.
   */
  static async fromFile<T extends Image>(this: ImageClass<T>, file: string, opts: ImageFileOptions): Promise<T> {
    return fileSupport().imageOfClassFromFile(this, file, opts);
  }

  constructor(opts: ImageOptions) {
    super(opts);
    if (this.data instanceof StreamedArray) this.fail("data", "pixel data in memory or in a file, not a stream");
    if (!isNumericDType(this.data.dtype)) this.fail("data", "numeric pixel values", `${this.data.dtype} data`);
  }
}

/** A collection of images, optionally ordered by `order_of_images`. */
export class Images extends ImagesBase {
  /**
   * The images of a list of files, or of a folder's image files in natural order (`2.png` before `10.png`), each
   * as its kind of image and named after its file, with `order_of_images` in that order.
   */
  static async fromFiles(paths: string | string[], opts: { name: string; description?: string }): Promise<Images> {
    return fileSupport().imagesFromFiles(this, paths, opts);
  }

  constructor(opts: ImagesOptions) {
    const { order_of_images, ...rest } = opts ?? ({} as ImagesOptions);
    super(rest as ImagesOptions);
    for (const image of this.images.values()) {
      if (image.name === "order_of_images") this.fail("images", "an image name other than 'order_of_images'");
    }
    if (order_of_images !== undefined) this.setOrder(order_of_images);
  }

  /** Adds images. */
  override addImage(...images: Image[]): this {
    for (const image of images) if (image?.name === "order_of_images") this.fail("images", "an image name other than 'order_of_images'");
    return this.addTo("images", images);
  }

  /** Sets `order_of_images`; every image it lists must be one of this container's own. */
  setOrder(order: ImageReferences): this {
    if (typeof order !== "object" || order === null || !(order as AbstractContainer).isA?.("ImageReferences")) this.fail("order_of_images", "an ImageReferences", order);
    if (order.name !== "order_of_images") this.fail("order_of_images", "an ImageReferences named 'order_of_images'", order.name);
    for (const image of order.data) {
      if (this.images.get(image.name) !== image) this.fail("order_of_images", `only images of this Images container`, image.describe());
    }
    adopt(this, "order_of_images", order);
    this.order_of_images = order;
    return this;
  }

  get(name: string): Image | undefined {
    return this.images.get(name);
  }
}

export { addChild };
