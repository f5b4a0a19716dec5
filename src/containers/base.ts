/**
 * Types of the schema's `nwb.base`: TimeSeries, ProcessingModule, Images, Image and ImageReferences.
 */
import { type ArrayData, type DataInput, NWBContainer, shapeOf } from "./container.js";
import type { TypeSpec } from "../schema/spec.js";
import { isNDArray, numbersOf, product } from "../data/ndarray.js";
import { type TypedArray, bytesPerElement, isNumericDType } from "../data/dtype.js";
import { isFrameSource, isLazyArray } from "../data/lazy.js";

/** The options every TimeSeries takes, named as in pynwb. */
export interface TimeSeriesOptions {
  name: string;
  /** Required, except for an ImageSeries stored in external files. */
  data?: DataInput;
  unit?: string;
  resolution?: number;
  conversion?: number;
  offset?: number;
  /** Seconds since `timestamps_reference_time`, one per sample; the alternative to `rate`. */
  timestamps?: DataInput;
  /** Seconds of the first sample when `rate` is given; default 0. */
  starting_time?: number;
  /** Samples per second; the alternative to `timestamps`. */
  rate?: number;
  comments?: string;
  description?: string;
  control?: DataInput;
  control_description?: string[];
  continuity?: "continuous" | "instantaneous" | "step";
}

const DATA_ATTRIBUTES = [
  { name: "unit", key: "unit", dtype: "text" },
  // The schema's float32 is a minimum (as hdmf treats it): JS numbers are float64, stored as such, like pynwb does.
  { name: "conversion", key: "conversion", dtype: "float64" },
  { name: "resolution", key: "resolution", dtype: "float64" },
  { name: "offset", key: "offset", dtype: "float64" },
  { name: "continuity", key: "continuity", dtype: "text" },
] as const;

/** A series of samples over time. */
export class TimeSeries extends NWBContainer {
  static override spec: TypeSpec = {
    neurodata_type: "TimeSeries",
    namespace: "core",
    storage: "group",
    fields: [
      { kind: "attribute", key: "description", dtype: "text" },
      { kind: "attribute", key: "comments", dtype: "text" },
      { kind: "dataset", key: "data", form: "array", attributes: [...DATA_ATTRIBUTES] },
      {
        kind: "dataset", key: "starting_time", dtype: "float64", form: "scalar",
        attributes: [{ name: "rate", key: "rate", dtype: "float64" }, { name: "unit", dtype: "text", constant: "seconds" }],
      },
      {
        kind: "dataset", key: "timestamps", dtype: "float64", form: "array",
        attributes: [{ name: "interval", dtype: "int32", constant: 1 }, { name: "unit", dtype: "text", constant: "seconds" }],
      },
      { kind: "dataset", key: "control", dtype: "uint8", form: "array" },
      { kind: "dataset", key: "control_description", dtype: "text", form: "vector" },
    ],
  };

  description: string;
  comments: string;
  data: ArrayData;
  unit: string;
  conversion: number;
  resolution: number;
  offset: number;
  continuity?: string;
  starting_time?: number;
  rate?: number;
  timestamps?: ArrayData;
  control?: ArrayData;
  control_description?: string[];

  constructor(opts: TimeSeriesOptions) {
    super(opts?.name);
    this.description = this.text("description", opts.description, "no description");
    this.comments = this.text("comments", opts.comments, "no comments");
    this.unit = this.requiredText("unit", opts.unit);
    this.conversion = this.numberOption("conversion", opts.conversion, 1.0);
    this.resolution = this.numberOption("resolution", opts.resolution, -1.0);
    this.offset = this.numberOption("offset", opts.offset, 0.0);
    if (opts.continuity !== undefined && !["continuous", "instantaneous", "step"].includes(opts.continuity)) {
      this.fail("continuity", `"continuous", "instantaneous" or "step"`, opts.continuity);
    }
    this.continuity = opts.continuity;
    if (opts.data === undefined) this.fail("data", "array data");
    this.data = this.arrayField("data", opts.data);
    this.setTiming(opts);
    if (opts.control !== undefined) this.control = this.arrayField("control", opts.control, "uint8");
    this.control_description = opts.control_description;
  }

  /** pynwb's rule: exactly one of `rate` and `timestamps`; `starting_time` only with `rate`, default 0. */
  protected setTiming(opts: TimeSeriesOptions): void {
    if (opts.timestamps !== undefined && opts.rate !== undefined) {
      this.fail("rate", "either 'rate' or 'timestamps', not both");
    }
    if (opts.timestamps !== undefined) {
      if (opts.starting_time !== undefined) this.fail("starting_time", "no 'starting_time' when 'timestamps' are given");
      this.timestamps = this.arrayField("timestamps", opts.timestamps, "float64");
      this.checkShape("timestamps", this.timestamps, [[null]], "a 1-D array of seconds");
      const ts = this.timestamps;
      if (isNDArray(ts) && !numbersOf(ts).every(Number.isFinite)) this.fail("timestamps", "finite numbers of seconds");
    } else if (opts.rate !== undefined) {
      if (typeof opts.rate !== "number" || !Number.isFinite(opts.rate) || opts.rate <= 0) {
        this.fail("rate", "a positive number of samples per second", opts.rate);
      }
      this.rate = opts.rate;
      this.starting_time = this.numberOption("starting_time", opts.starting_time, 0.0);
    } else {
      this.fail("timestamps", "either 'timestamps' or 'rate'");
    }
  }

  protected numberOption(field: string, value: unknown, fallback: number): number {
    if (value === undefined) return fallback;
    if (typeof value !== "number" || !Number.isFinite(value)) this.fail(field, "a finite number", value);
    return value;
  }

  /** The number of samples, when known. */
  get numSamples(): number | undefined {
    return shapeOf(this.data)?.[0];
  }

  /**
   * The samples (frames) one at a time, read in blocks of about `blockBytes` from storage, so a movie larger
   * than memory can be processed frame by frame. Each frame is a C-order typed array of the frame's shape.
   */
  async *frames(opts: { start?: number; stop?: number; blockBytes?: number } = {}): AsyncGenerator<TypedArray | string[], void, undefined> {
    const data = this.data;
    if (isFrameSource(data)) this.fail("data", "data in memory or in a file to iterate over, not a stream");
    const shape = data.shape;
    const n = shape[0] ?? 0;
    const start = opts.start ?? 0;
    const stop = Math.min(opts.stop ?? n, n);
    if (!Number.isInteger(start) || start < 0 || start > stop) throw new RangeError(`frames: start ${start} is out of [0, ${stop}]`);
    const perFrame = product(shape.slice(1));
    if (isNDArray(data)) {
      for (let i = start; i < stop; i++) yield data.data.slice(i * perFrame, (i + 1) * perFrame) as TypedArray | string[];
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
    return isFrameSource(this.data);
  }
}

/** A named group of analysis results (`nwbfile.processing`); members are in `data_interfaces`. */
export class ProcessingModule extends NWBContainer {
  static override spec: TypeSpec = {
    neurodata_type: "ProcessingModule",
    namespace: "core",
    storage: "group",
    fields: [
      { kind: "attribute", key: "description", dtype: "text" },
      { kind: "children", key: "data_interfaces" },
    ],
  };
  description: string;
  readonly data_interfaces = new Map<string, NWBContainer>();

  constructor(opts: { name: string; description: string; data_interfaces?: NWBContainer[] }) {
    super(opts?.name);
    this.description = this.requiredText("description", opts.description);
    for (const c of opts.data_interfaces ?? []) this.add(c);
  }

  /** Adds a data interface (any typed object) to this module. */
  add(container: NWBContainer): this {
    addChild(this, this.data_interfaces, "data_interfaces", container);
    return this;
  }

  get(name: string): NWBContainer | undefined {
    return this.data_interfaces.get(name);
  }
}

/** Pixel values of one image; the base of GrayscaleImage, RGBImage and RGBAImage. */
export class Image extends NWBContainer {
  static override spec: TypeSpec = {
    neurodata_type: "Image",
    namespace: "core",
    storage: "dataset",
    fields: [
      { kind: "value", key: "data" },
      { kind: "attribute", key: "resolution", dtype: "float64" },
      { kind: "attribute", key: "description", dtype: "text" },
    ],
  };
  /** Allowed shapes, and their description for errors. */
  protected static shapes: { allowed: (number | null)[][]; what: string } = {
    allowed: [[null, null], [null, null, 3], [null, null, 4]],
    what: "an image of shape (x, y), (x, y, 3) or (x, y, 4)",
  };
  data: ArrayData;
  /** Pixels per centimetre. */
  resolution?: number;
  description?: string;

  constructor(opts: { name: string; data: DataInput; resolution?: number; description?: string }) {
    super(opts?.name);
    if (opts.data === undefined) this.fail("data", "pixel data");
    this.data = this.arrayField("data", opts.data);
    if (isFrameSource(this.data)) this.fail("data", "pixel data in memory or in a file, not a stream");
    const { allowed, what } = (this.constructor as typeof Image).shapes;
    this.checkShape("data", this.data, allowed, what);
    if ((isNDArray(this.data) || isLazyArray(this.data)) && !isNumericDType(this.data.dtype)) {
      this.fail("data", "numeric pixel values", `${this.data.dtype} data`);
    }
    if (opts.resolution !== undefined && (typeof opts.resolution !== "number" || !Number.isFinite(opts.resolution))) {
      this.fail("resolution", "a number of pixels per centimetre", opts.resolution);
    }
    this.resolution = opts.resolution;
    this.description = this.text("description", opts.description, undefined);
  }
}

/** An ordered list of the images of one `Images` container. */
export class ImageReferences extends NWBContainer {
  static override spec: TypeSpec = {
    neurodata_type: "ImageReferences",
    namespace: "core",
    storage: "dataset",
    fields: [{ kind: "value", key: "data", references: true }],
  };
  data: Image[];

  constructor(opts: { name?: string; data: Image[] }) {
    super(opts?.name ?? "order_of_images");
    if (!Array.isArray(opts.data) || !opts.data.every((i) => i instanceof Image)) {
      this.fail("data", "an array of Image objects (GrayscaleImage, RGBImage, RGBAImage)");
    }
    this.data = [...opts.data];
  }
}

/** A collection of images, optionally ordered by `order_of_images`. */
export class Images extends NWBContainer {
  static override spec: TypeSpec = {
    neurodata_type: "Images",
    namespace: "core",
    storage: "group",
    fields: [
      { kind: "attribute", key: "description", dtype: "text" },
      { kind: "child", key: "order_of_images", name: "order_of_images" },
      { kind: "children", key: "images" },
    ],
  };
  description: string;
  readonly images = new Map<string, Image>();
  order_of_images?: ImageReferences;

  constructor(opts: { name: string; images?: Image[]; description?: string; order_of_images?: ImageReferences }) {
    super(opts?.name);
    this.description = this.text("description", opts.description, "no description");
    for (const image of opts.images ?? []) this.addImage(image);
    if (opts.order_of_images !== undefined) this.setOrder(opts.order_of_images);
  }

  addImage(image: Image): this {
    if (!(image instanceof Image)) this.fail("images", "Image objects (GrayscaleImage, RGBImage, RGBAImage)", image);
    if (image.name === "order_of_images") this.fail("images", "an image name other than 'order_of_images'");
    addChild(this, this.images, "images", image);
    return this;
  }

  /** Sets `order_of_images`; every image it lists must be one of this container's own. */
  setOrder(order: ImageReferences): this {
    if (!(order instanceof ImageReferences)) this.fail("order_of_images", "an ImageReferences", order);
    if (order.name !== "order_of_images") this.fail("order_of_images", "an ImageReferences named 'order_of_images'", order.name);
    for (const image of order.data) {
      if (this.images.get(image.name) !== image) {
        this.fail("order_of_images", `only images of this Images container`, image.describe());
      }
    }
    order.parent = this;
    this.order_of_images = order;
    return this;
  }

  get(name: string): Image | undefined {
    return this.images.get(name);
  }
}

/** Adds `child` to `map` under its name, refusing duplicates and objects that already have another parent. */
export function addChild<T extends NWBContainer>(owner: NWBContainer, map: Map<string, T>, field: string, child: T): void {
  if (!(child instanceof NWBContainer)) {
    throw new TypeError(`${owner.describe()}: field '${field}': expected a typed NWB object`);
  }
  const existing = map.get(child.name);
  if (existing === child) return;
  if (existing !== undefined) {
    owner.fail(field, `a unique name, but '${child.name}' is taken`);
  }
  if (child.parent !== undefined && child.parent !== owner) {
    owner.fail(field, `an object not yet in another container`, `${child.describe()} in ${child.parent.describe()}`);
  }
  child.parent = owner;
  map.set(child.name, child);
}

