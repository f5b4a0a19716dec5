/**
 * The root of every typed object. Its constructor sets every field of the object's type from the type's layout
 * in the schema (`schema/fields.ts`): required fields are checked, defaults applied, values normalised to what the
 * schema says (`fields.ts` here); subclasses add only their own rules.
 */
import { NotFoundError, ValidationError } from "../errors.js";
import { textProblem } from "../data/text.js";
import type { ArrayInput, NDArray } from "../data/ndarray.js";
import type { FrameSource, LazyArray } from "../data/lazy.js";
import type { CompoundArray, InMemoryArray, ReferenceArray, StreamedArray } from "../data/arrays.js";
import { NUMERIC_DTYPES, type NumericDType, allocate, isNumericDType } from "../data/dtype.js";
import type { StorageOptions } from "../data/storage.js";
import { typeCatalog } from "../schema/bundled.js";
import type { TypeDef } from "../schema/catalog.js";
import { type TypeLayout, layoutOf } from "../schema/fields.js";
import { PYNWB_DEFAULT_NAMES } from "../schema/pynwb-names.js";
import { initFields, summary } from "./fields.js";

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
    if (!isNumericDType(dtype)) throw new ValidationError("H5DataIO.growable", "dtype", `one of ${NUMERIC_DTYPES.join(", ")}`, describeValue(dtype));
    if (!Array.isArray(frameShape) || !frameShape.every((n) => Number.isInteger(n) && n >= 0)) {
      throw new ValidationError("H5DataIO.growable", "frameShape", "an array of non-negative integers (the shape of one frame; [] for timestamps)", describeValue(frameShape));
    }
    return new H5DataIO({
      data: { data: allocate(dtype, 0), shape: [0, ...frameShape] },
      maxshape: [null, ...frameShape],
      ...options,
      chunks: options.chunks ?? true,
    });
  }
}

/** Anything a caller may give as an array field. */
export type DataInput = ArrayInput | LazyArray | FrameSource | H5DataIO | NDArray | readonly AbstractContainer[] | readonly Record<string, unknown>[];

/**
 * An array field as an object holds it: values in memory, a dataset in a file (read lazily), or a stream not yet
 * written. All have `shape`, `dtype` and `read(selection?)`.
 */
export type ArrayData = InMemoryArray | CompoundArray | ReferenceArray | LazyArray | StreamedArray;

/** What every constructor takes besides its type's fields. */
export interface AbstractContainerOptions {
  /** The object's name, unique among its siblings. */
  name: string;
}

/** A class of a neurodata type: its name and namespace are static. */
export interface ContainerClass {
  readonly neurodata_type: string;
  readonly namespace: string;
  readonly prototype: AbstractContainer;
  new (opts: never): AbstractContainer;
}

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

export abstract class AbstractContainer {
  /** The neurodata type the class models; every class sets its own. */
  static readonly neurodata_type: string = "";
  static readonly namespace: string = "";

  /** Its own name, unique among its siblings. */
  declare name: string;
  /** A UUID4, written as the `object_id` attribute; kept as read from a file. */
  declare object_id: string;
  /** The object that holds this one in the file, once added. */
  declare parent?: AbstractContainer;
  /** Storage options per array field, from {@link H5DataIO}. */
  declare readonly storage: Record<string, StorageOptions>;
  /** The file and path where this object is stored, once read from or written to a file. */
  declare container_source?: { file: string; path: string };

  constructor(opts: AbstractContainerOptions) {
    const cls = new.target as unknown as ContainerClass;
    const name = opts?.name ?? defaultName(cls);
    const problem = nameProblem(name);
    if (problem) throw new ValidationError(`${cls.neurodata_type}`, "name", "a non-empty string without '/', other than '.' and '..'", problem);
    AbstractContainer.initBase(this, name);
    initFields(this, (opts ?? {}) as unknown as Record<string, unknown>);
  }

  /** What every object has, whether constructed or read from a file. @internal */
  static initBase(obj: AbstractContainer, name: string, object_id?: string): void {
    const o = obj as unknown as Record<string, unknown>;
    o.name = name;
    o.object_id = object_id ?? globalThis.crypto.randomUUID();
    o.storage = {};
    for (const f of obj.layout.fields) if (f.kind === "children") o[f.key] = new Map();
  }

  get neurodata_type(): string {
    return (this.constructor as unknown as ContainerClass).neurodata_type;
  }

  get namespace(): string {
    return (this.constructor as unknown as ContainerClass).namespace;
  }

  /** The type as the schema defines it. */
  get typeDef(): TypeDef {
    return typeCatalog.get(this.neurodata_type, this.namespace);
  }

  /** The type's fields and where each is stored. */
  get layout(): TypeLayout {
    return layoutOf(typeCatalog, this.typeDef);
  }

  /** Whether this object's type is `typeName` or extends it, by the schema's inheritance. */
  isA(typeName: string): boolean {
    return typeCatalog.isA(this.typeDef, typeName);
  }

  /** The object's description in errors, e.g. `ImageSeries 'movie'`. */
  describe(): string {
    return `${this.neurodata_type} '${this.name}'`;
  }

  /** Throws the ValidationError for `field` of this object. */
  fail(field: string, expected: string, found?: unknown): never {
    throw new ValidationError(this.describe(), field, expected, found === undefined ? undefined : describeValue(found));
  }

  /** Adds typed objects to the `Map` field `key`, refusing duplicates, objects of other types and objects held elsewhere. */
  protected addTo(key: string, items: AbstractContainer[]): this {
    const field = this.layout.fields.find((f) => f.key === key);
    if (field?.kind !== "children") this.fail(key, `one of the collections of ${this.neurodata_type}`, "a field that is not one");
    const map = (this as unknown as Record<string, Map<string, AbstractContainer>>)[key]!;
    for (const item of items) {
      if (!(item instanceof AbstractContainer) || !field.types.some((t) => item.isA(t))) {
        this.fail(key, `objects of type ${field.types.join(" or ")}`, item);
      }
      addChild(this, map, key, item);
    }
    return this;
  }

  /**
   * The object `name` of the collection `key`; without a name, its only object (pynwb's `get_*` methods: an
   * error when it holds none, or more than one).
   */
  protected getIn(key: string, name?: string): AbstractContainer {
    const map = (this as unknown as Record<string, Map<string, AbstractContainer> | undefined>)[key];
    if (!(map instanceof Map)) this.fail(key, `one of the collections of ${this.neurodata_type}`, "a field that is not one");
    const held = [...map.keys()].join(", ") || "nothing";
    if (name === undefined) {
      if (map.size === 1) return map.values().next().value!;
      throw new NotFoundError(key, `${this.describe()}: ${key} holds ${map.size === 0 ? "nothing" : `more than one object (${held}): give a name`}`);
    }
    const found = map.get(name);
    if (found === undefined) throw new NotFoundError(name, `${this.describe()}: no '${name}' in ${key} (it holds: ${held})`);
    return found;
  }

  /**
   * As {@link getIn}, and with a class, also checks the object is of that type (by the schema's inheritance, so an
   * ElectricalSeries read from a file is a TimeSeries), so TypeScript knows it: the typed getters' one rule.
   */
  protected getInAs<T>(key: string, name: string | undefined, type?: abstract new (...args: never[]) => T): T {
    const found = this.getIn(key, name);
    const typeName = (type as unknown as { neurodata_type?: string } | undefined)?.neurodata_type;
    if (type && !(found instanceof type) && !found.isA(typeName ?? "")) this.fail(key, `'${found.name}' to be a ${type.name}`, found);
    return found as unknown as T;
  }

  /** The object as plain data: type, name, fields (arrays as `uint8[200, 50]`, linked objects by path or name). */
  toJSON(): Record<string, unknown> {
    return summary(this, 2);
  }

  [INSPECT](depth: number, options: object, inspect: (v: unknown, o: object) => string): string {
    const { neurodata_type, name, ...fields } = summary(this, Math.max(1, Math.min(depth, 2)));
    return `${String(neurodata_type)} '${String(name)}' ${inspect(fields, { ...options, depth: 3 })}`;
  }
}

/** Why `name` cannot name an object in a file (HDF5's `.` is the group itself, `/` separates path parts), if it cannot. */
export function nameProblem(name: unknown): string | undefined {
  if (typeof name !== "string") return describeValue(name);
  if (name.length === 0 || name.includes("/") || name === "." || name === "..") return JSON.stringify(name);
  const text = textProblem(name);
  return text ? `${JSON.stringify(name)}, which holds ${text}` : undefined;
}

/** The name a class gives objects by default: pynwb's defaults (`subject`, `order_of_images`...), if any. */
function defaultName(cls: ContainerClass): string | undefined {
  const spec = typeCatalog.has(cls.neurodata_type, cls.namespace) ? typeCatalog.get(cls.neurodata_type, cls.namespace).resolved : undefined;
  return PYNWB_DEFAULT_NAMES[cls.neurodata_type] ?? spec?.name ?? spec?.default_name;
}

/** Adds `child` to `map` under its name, refusing duplicates and objects that already have another parent. */
export function addChild<T extends AbstractContainer>(owner: AbstractContainer, map: Map<string, T>, field: string, child: T): void {
  if (!(child instanceof AbstractContainer)) {
    owner.fail(field, "a typed NWB object", child);
  }
  const existing = map.get(child.name);
  if (existing === child) return;
  if (existing !== undefined) owner.fail(field, `a unique name, but '${child.name}' is taken`);
  // hdmf's rule: an object already placed elsewhere in the same file (or added to an object not in a file yet) is
  // linked from here, as a PlaneSegmentation's reference_images are; so is one read from another file (an external
  // link to it, as pynwb's linking tutorial makes); one of another file in memory is refused.
  if (child.parent !== undefined && child.parent !== owner) {
    const ownerRoot = rootOf(owner);
    const childRoot = rootOf(child);
    const readFromFile = childRoot.neurodata_type === "NWBFile" && childRoot.container_source !== undefined;
    if (ownerRoot !== childRoot && ownerRoot.neurodata_type === "NWBFile" && !readFromFile) adopt(owner, field, child);
  } else adopt(owner, field, child);
  map.set(child.name, child);
}

function rootOf(c: AbstractContainer): AbstractContainer {
  let root = c;
  while (root.parent) root = root.parent;
  return root;
}

/** Makes `owner` the parent of `child`, refusing an object that already has another parent. */
export function adopt(owner: AbstractContainer, field: string, child: AbstractContainer): void {
  if (child.parent !== undefined && child.parent !== owner) {
    owner.fail(field, `an object not yet in another container`, `${child.describe()} in ${child.parent.describe()}`);
  }
  child.parent = owner;
}

export function describeValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (v instanceof AbstractContainer) return v.describe();
  if (Array.isArray(v)) return `array of length ${v.length}`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
