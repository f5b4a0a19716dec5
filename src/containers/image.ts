/**
 * Hand-written classes of the schema's `nwb.image`, for their rules: ImageSeries (frames in the file, or
 * external files with their starting frames) and IndexSeries. OpticalSeries, ImageMaskSeries and the image kinds
 * are generated: the schema says all there is to them.
 */
import { ImageSeriesBase, type ImageSeriesOptions as GeneratedImageSeriesOptions } from "../generated/core/ImageSeries.js";
import { IndexSeriesBase, type IndexSeriesOptions as GeneratedIndexSeriesOptions } from "../generated/core/IndexSeries.js";
import type { DataInput } from "./container.js";
import { InMemoryArray, StreamedArray } from "../data/arrays.js";
import { isNumericDType } from "../data/dtype.js";
import { ValidationError } from "../errors.js";
import { warn } from "../warnings.js";
import type { SeriesFromFilesOptions, SeriesFromVideosOptions } from "../media/from-files.js";
import { fileSupport } from "./file-support.js";

/** What `new ImageSeries` takes: the schema's fields, with `data` optional for external files. */
export interface ImageSeriesOptions extends Omit<GeneratedImageSeriesOptions, "data" | "unit"> {
  /** The frames, (frame, x, y) or (frame, x, y, z); or, instead, `external_file`. */
  data?: DataInput;
  /** Default "n.a.", as pynwb. */
  unit?: string;
}

/** A series of images: frames in the file (`data`), or external files. */
export class ImageSeries extends ImageSeriesBase {
  /**
   * A series of the frames of image files: a list, a folder's in natural order, or every page of a multi-page TIFF.
   * Frames are decoded one at a time as the file is written (the movie is never whole in memory); files whose size,
   * channels or bit depth differ from the first are refused, naming the first that differs.
   */
  static async fromFiles<T extends ImageSeries, O extends ImageSeriesOptions>(this: new (opts: O) => T, paths: string | string[], opts: SeriesFromFilesOptions<O>): Promise<T> {
    return fileSupport().seriesFromFiles(this, paths, opts);
  }

  /**
   * A series of external video files (MP4, MOV): `starting_frame` from their real frame counts, `rate` when their
   * frame rate is constant (else per-frame `timestamps`). Paths are stored relative to the NWB file's folder.
   */
  static async fromVideos<T extends ImageSeries, O extends ImageSeriesOptions>(this: new (opts: O) => T, paths: string[], opts: SeriesFromVideosOptions<O>): Promise<T> {
    return fileSupport().seriesFromVideos(this, paths, opts);
  }

  constructor(opts: ImageSeriesOptions) {
    const external = opts?.external_file !== undefined;
    if (external && opts.data !== undefined) {
      // Checked before super() so that the error names the object, as the others do.
      throw new ValidationError(`${new.target.neurodata_type} '${opts.name}'`, "data", "either 'data' or 'external_file', not both");
    }
    if (!external && opts?.data === undefined) {
      throw new ValidationError(`${new.target.neurodata_type} '${opts?.name}'`, "data", "array data (frames), or 'external_file'");
    }
    const { starting_frame, ...rest } = opts;
    super({
      ...rest,
      ...(external ? { starting_frame } : {}),
      unit: opts.unit ?? "n.a.",
      // pynwb writes an empty (0, 0, 0) uint8 `data` for external files; the schema requires the dataset.
      data: external ? { data: new Uint8Array(0), shape: [0, 0, 0] } : opts.data!,
      format: opts.format ?? (external ? "external" : "raw"),
    } as GeneratedImageSeriesOptions);
    if (!(this.data instanceof StreamedArray) && !isNumericDType(this.data.dtype)) this.fail("data", "numeric pixel values", `${this.data.dtype} data`);
    if (external) this.checkExternal();
    else {
      // pynwb accepts this (its own tutorial does it), and stores no starting_frame without external files.
      if (starting_frame !== undefined) warn(this.describe(), "starting_frame", "ignored: it only applies to 'external_file'");
      if (this.format === "external") this.fail("format", `"raw" (or another in-file format) when 'data' is given`, this.format);
    }
    const dims = this.dimension instanceof InMemoryArray ? this.dimension.shape[0] : undefined;
    const frame = this.data instanceof StreamedArray ? undefined : this.data.shape.length - 1;
    if (dims !== undefined && frame !== undefined && frame > 0 && !external && dims !== frame) {
      warn(this.describe(), "dimension", `${dims} values for frames of ${frame} axes`);
    }
  }

  /** The number of frames in the file; unknown (undefined) for external files. */
  override get numSamples(): number | undefined {
    return this.external_file !== undefined ? undefined : super.numSamples;
  }

  private checkExternal(): void {
    const files = this.external_file!;
    if (files.length === 0 || !files.every((f) => f.length > 0)) this.fail("external_file", "a non-empty array of file paths", files);
    if (this.format !== "external") this.fail("format", `"external" when 'external_file' is given`, this.format);
    if (this.starting_frame === undefined) {
      if (files.length > 1) this.fail("starting_frame", `one starting frame per external file (${files.length})`);
      this.starting_frame = [0];
    }
    const starting = this.starting_frame;
    if (starting.length !== files.length || !starting.every((n) => Number.isInteger(n) && n >= 0)) {
      this.fail("starting_frame", `${files.length} non-negative integer(s), one per external file`, starting);
    }
    for (let i = 1; i < starting.length; i++) {
      if (starting[i]! < starting[i - 1]!) this.fail("starting_frame", "non-decreasing frame indices", starting);
    }
    if (starting[0] !== 0) this.fail("starting_frame", "0 as the first file's starting frame", starting);
  }
}

/** What `new IndexSeries` takes: the schema's fields, with its fixed unit optional. */
export interface IndexSeriesOptions extends Omit<GeneratedIndexSeriesOptions, "unit"> {
  /** Always "N/A" (an index has no unit); anything else is refused. */
  unit?: string;
}

/** Which image (of an `Images`, or legacy: which frame of an `ImageSeries`) was shown at each time. */
export class IndexSeries extends IndexSeriesBase {
  constructor(opts: IndexSeriesOptions) {
    if (opts?.unit !== undefined && opts.unit !== "N/A") {
      throw new ValidationError(`IndexSeries '${opts.name}'`, "unit", `"N/A" (an index has no unit)`, JSON.stringify(opts.unit));
    }
    const { unit: _unit, ...rest } = opts;
    super(rest as GeneratedIndexSeriesOptions);
    if (this.data instanceof StreamedArray) this.fail("data", "indices in memory or in a file, not a stream");
    if (this.data instanceof InMemoryArray && !Array.from(this.data.data as ArrayLike<number | bigint>, Number).every((v) => Number.isInteger(v) && v >= 0)) {
      this.fail("data", "non-negative integer indices", "other numbers");
    }
    if ((this.indexed_images === undefined) === (this.indexed_timeseries === undefined)) {
      this.fail("indexed_images", "either 'indexed_images' (an Images) or, legacy, 'indexed_timeseries' (an ImageSeries)");
    }
    // pynwb's warnings: an index has no conversion, resolution or offset; indexed_timeseries is on its way out.
    const unused: [keyof IndexSeriesOptions, number][] = [["conversion", 1.0], ["resolution", -1.0], ["offset", 0.0]];
    for (const [key, fallback] of unused) {
      const given = (opts as unknown as Record<string, unknown>)[key];
      if (given !== undefined && given !== fallback) warn(this.describe(), key, `the ${key} attribute is not used by IndexSeries`);
    }
    if (this.indexed_timeseries !== undefined) {
      warn(this.describe(), "indexed_timeseries", "discouraged and to be deprecated in a future version of NWB: use indexed_images instead");
    }
    // An index names one of the images (in order_of_images order, when given): past them it names nothing.
    const images = this.indexed_images;
    const count = images ? (images.order_of_images?.data.length ?? images.images.size) : undefined;
    if (count !== undefined && count > 0 && this.data instanceof InMemoryArray) {
      const values = Array.from(this.data.data as ArrayLike<number | bigint>, Number);
      const bad = values.findIndex((v) => v >= count);
      if (bad >= 0) this.fail("data", `indices of the ${count} images of ${images!.describe()} (0 to ${count - 1})`, `${values[bad]} at element ${bad}`);
    }
  }
}
