/**
 * The base of every typed object, and the shared checks its subclasses use to enforce construction rules.
 */
import { ValidationError } from "../errors.js";
import { type ArrayInput, type NDArray, ArrayShapeError, isNDArray, toNDArray } from "../data/ndarray.js";
import { type FrameSource, type LazyArray, isFrameSource, isLazyArray } from "../data/lazy.js";
import { type DType, type NumericDType, allocate } from "../data/dtype.js";
import type { FieldSpec, TypeSpec } from "../schema/spec.js";
import { type StorageOptions, checkStorageOptions } from "../data/storage.js";

/** Array data wrapped with storage options: pynwb's `H5DataIO`. */
export class H5DataIO {
  readonly data: ArrayInput | LazyArray | FrameSource;
  readonly options: StorageOptions;
  constructor(args: { data: ArrayInput | LazyArray | FrameSource } & StorageOptions) {
    const { data, ...options } = args;
    this.data = data;
    this.options = options;
  }

  /**
   * Empty data that grows along its first axis: for series filled later by a `SeriesAppender`. `frameShape`
   * is the shape of one frame (`[]` for timestamps); chunks are automatic unless given.
   */
  static growable(frameShape: number[], dtype: NumericDType, options: Omit<StorageOptions, "maxshape"> = {}): H5DataIO {
    return new H5DataIO({
      data: { data: allocate(dtype, 0), shape: [0, ...frameShape] },
      maxshape: [null, ...frameShape],
      ...options,
      chunks: options.chunks ?? true,
    });
  }
}

/** Anything a caller may give as an array field. */
export type DataInput = ArrayInput | LazyArray | FrameSource | H5DataIO | NDArray;

/** An array field as a container holds it: in memory, in storage, or still arriving. */
export type ArrayData = NDArray | LazyArray | FrameSource;

/** Every neurodata type's class has a static `spec`. */
export interface ContainerClass {
  readonly spec: TypeSpec;
  readonly prototype: NWBContainer;
}

export abstract class NWBContainer {
  /** The type's storage declaration; subclasses override it. */
  static spec: TypeSpec;
  /** Its own name, unique among its siblings. */
  name: string;
  /** A UUID4, written as the `object_id` attribute; kept as read from a file. */
  object_id: string = globalThis.crypto.randomUUID();
  /** The container that holds this one in the file, once added. */
  parent?: NWBContainer;
  /** Storage options per array field, from {@link H5DataIO}. */
  readonly storage: Record<string, StorageOptions> = {};
  /** The file and path where this object is stored, once read from or written to a file. */
  container_source?: { file: string; path: string };

  constructor(name: string) {
    if (typeof name !== "string" || name.length === 0 || name.includes("/")) {
      throw new ValidationError(`${new.target.name}`, "name", "a non-empty string without '/'", JSON.stringify(name));
    }
    this.name = name;
  }

  get neurodata_type(): string {
    return (this.constructor as unknown as ContainerClass).spec.neurodata_type;
  }

  get namespace(): string {
    return (this.constructor as unknown as ContainerClass).spec.namespace;
  }

  /** The object's description in errors, e.g. `ImageSeries 'movie'`. */
  describe(): string {
    return `${this.neurodata_type} '${this.name}'`;
  }

  /** Every field declaration of this object's type, its ancestors' included. */
  get fieldSpecs(): FieldSpec[] {
    return fieldsOf(this.constructor as unknown as ContainerClass);
  }

  /** Throws the ValidationError for `field` of this object. */
  fail(field: string, expected: string, found?: unknown): never {
    throw new ValidationError(this.describe(), field, expected, found === undefined ? undefined : describeValue(found));
  }

  /** A text field: `value` when it is a string, `fallback` when it is absent; else a ValidationError. */
  protected text<T extends string | undefined>(field: string, value: unknown, fallback: T): string | T {
    if (value === undefined) return fallback;
    if (typeof value !== "string") this.fail(field, "a string", value);
    return value;
  }

  /** A text field that must be given. */
  protected requiredText(field: string, value: unknown): string {
    if (typeof value !== "string") this.fail(field, "a string", value);
    return value;
  }

  /** Normalises an array field; `dtype` is the schema's dtype where it fixes one. */
  protected arrayField(field: string, input: DataInput, dtype?: DType): ArrayData {
    let value = input;
    let options: StorageOptions | undefined;
    if (value instanceof H5DataIO) {
      options = value.options;
      value = value.data as DataInput;
    }
    let data: ArrayData;
    if (isLazyArray(value) || isFrameSource(value) || isNDArray(value)) data = value;
    else {
      try {
        data = toNDArray(value as ArrayInput, dtype);
      } catch (e) {
        if (e instanceof ArrayShapeError) this.fail(field, dtype ? `an array of ${dtype}` : "an array", e.message);
        throw e;
      }
    }
    if (options) {
      checkStorageOptions(options, shapeOf(data)?.length, { object: this.describe(), field });
      this.storage[field] = options;
    }
    return data;
  }

  /** Checks the rank (and fixed axis lengths) of an array field whose shape is known. */
  protected checkShape(field: string, data: ArrayData | undefined, allowed: (number | null)[][], what: string): void {
    const shape = shapeOf(data);
    if (shape === undefined) return;
    const ok = allowed.some((a) => a.length === shape.length && a.every((n, i) => n === null || n === shape[i]));
    if (!ok) this.fail(field, what, `shape [${shape.join(", ")}]`);
  }

}

/** The shape of array data when it is known (streams have none yet). */
export function shapeOf(data: ArrayData | undefined): number[] | undefined {
  if (data === undefined) return undefined;
  if (isNDArray(data) || isLazyArray(data)) return data.shape;
  return undefined;
}

const fieldCache = new Map<ContainerClass, FieldSpec[]>();

export function fieldsOf(cls: ContainerClass): FieldSpec[] {
  let fields = fieldCache.get(cls);
  if (!fields) {
    const parent = Object.getPrototypeOf(cls) as ContainerClass;
    const inherited = parent && parent.spec && parent.spec !== cls.spec ? fieldsOf(parent) : [];
    fields = mergeFields(inherited, cls.spec.fields);
    fieldCache.set(cls, fields);
  }
  return fields;
}

/** A subtype's field of the same key replaces its parent's (e.g. OpticalSeries' `data`). */
function mergeFields(base: FieldSpec[], own: FieldSpec[]): FieldSpec[] {
  const keyOf = (f: FieldSpec) => (f.kind === "group" ? `group:${f.name}` : f.key);
  const ownKeys = new Set(own.map(keyOf));
  return [...base.filter((f) => !ownKeys.has(keyOf(f))), ...own];
}

export function describeValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (v instanceof NWBContainer) return v.describe();
  if (Array.isArray(v)) return `array of length ${v.length}`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
