/**
 * The NWB specification language as data: namespaces, schema sources, and the group, dataset, attribute and link
 * specifications they hold. These are the YAML (or cached JSON) documents as they are written, before any
 * inheritance is resolved; `catalog.ts` resolves them. Both spellings of the type keys are accepted on input
 * (`neurodata_type_def` in NWB, `data_type_def` in hdmf-common) and normalised to the NWB spelling here.
 */

/** A member of a compound dtype. */
export interface CompoundMember {
  /** The member's name (a column of the compound). */
  name: string;
  /** What it holds. */
  doc: string;
  /** Its dtype. */
  dtype: Dtype;
}

/** An object (or region) reference to objects of `target_type`. */
export interface RefDtype {
  /** The type of the objects referred to. */
  target_type: string;
  /** A reference to a whole object, or to a region of a dataset. */
  reftype: "object" | "region";
}

/** A primitive dtype name (`text`, `float32`, `isodatetime`, `numeric`...), a reference, or a compound. */
export type Dtype = string | RefDtype | CompoundMember[];

/** One allowed shape: a length per axis, `null` for any length. */
export type Shape = (number | null)[];

/** How many of a member may appear: a count, or `?`, `*`, `+`, or `zero_or_one`, `zero_or_many`, `one_or_many`. */
export type Quantity = number | "?" | "*" | "+" | "zero_or_one" | "zero_or_many" | "one_or_many";

/** An attribute of a group or dataset. */
export interface AttributeSpec {
  /** The attribute's name. */
  name: string;
  /** What it holds. */
  doc: string;
  /** Its dtype. */
  dtype: Dtype;
  /** The names of its axes (one list per allowed shape). */
  dims?: string[] | string[][];
  /** Its allowed shape, or shapes; absent for a scalar. */
  shape?: Shape | Shape[];
  /** Attributes are required unless this is false. */
  required?: boolean;
  /** A fixed value: always this, not settable. */
  value?: unknown;
  /** The value when none is given. */
  default_value?: unknown;
}

/** What group and dataset specifications share. */
interface StorageSpec {
  /** A fixed name; absent for members named by the user (then they are typed, by `neurodata_type_inc`). */
  name?: string;
  /** The name when the user gives none. */
  default_name?: string;
  /** What it holds. */
  doc: string;
  /** Defines a new type of this name. */
  neurodata_type_def?: string;
  /** Is (or extends) this type. */
  neurodata_type_inc?: string;
  /** How many may appear (default: exactly one). */
  quantity?: Quantity;
  /** Its attributes. */
  attributes?: AttributeSpec[];
  /** Ignored by NWB; kept so that cached specifications round-trip. */
  linkable?: boolean;
}

/**
 * The type a member of a group is: the type it defines, when it defines one inside its parent's spec (pynwb's
 * extension tutorial defines `Potato` among `PotatoSack`'s groups), else the type it includes; as hdmf's `data_type`.
 */
export function memberType(m: { neurodata_type_def?: string; neurodata_type_inc?: string }): string | undefined {
  return m.neurodata_type_def ?? m.neurodata_type_inc;
}

/** A dataset: a type, or a member of a group. */
export interface DatasetSpec extends StorageSpec {
  /** Its dtype. */
  dtype?: Dtype;
  /** The names of its axes (one list per allowed shape). */
  dims?: string[] | string[][];
  /** Its allowed shape, or shapes; absent for a scalar. */
  shape?: Shape | Shape[];
  /** A fixed value: always this, not settable. */
  value?: unknown;
  /** The value when none is given. */
  default_value?: unknown;
}

/** A group: a type, or a member of a group. */
export interface GroupSpec extends StorageSpec {
  /** The groups it holds. */
  groups?: GroupSpec[];
  /** The datasets it holds. */
  datasets?: DatasetSpec[];
  /** The links it holds. */
  links?: LinkSpec[];
}

/** A link from a group to an object stored elsewhere. */
export interface LinkSpec {
  /** A fixed name; absent for links named by the user. */
  name?: string;
  /** What it links to, and why. */
  doc: string;
  /** The type of the object linked to. */
  target_type: string;
  /** How many may appear (default: exactly one). */
  quantity?: Quantity;
}

/** One schema file: its type definitions. */
export interface SchemaSource {
  /** The group types it defines. */
  groups?: GroupSpec[];
  /** The dataset types it defines. */
  datasets?: DatasetSpec[];
}

/** What a namespace takes from: another namespace (all of it, or some types) or a schema file of its own. */
export type NamespaceEntry =
  | { namespace: string; neurodata_types?: string[] }
  | { source: string; title?: string; doc?: string; neurodata_types?: string[] };

/** A namespace as its YAML declares it: a name, a version, and what it takes its types from. */
export interface NamespaceSpec {
  /** Its name (`core`, `ndx-...`). */
  name: string;
  /** Its version. */
  version: string;
  /** What it is for. */
  doc: string;
  /** Its long name. */
  full_name?: string;
  /** Its authors. */
  author?: string | string[];
  /** How to reach them. */
  contact?: string | string[];
  /** What it takes its types from, in order. */
  schema: NamespaceEntry[];
}

/** A namespace with the content of its own schema files, keyed by the `source` names of `schema`. */
export interface NamespaceDocument {
  /** The namespace's declaration. */
  namespace: NamespaceSpec;
  /** The content of each of its own schema files. */
  sources: Record<string, SchemaSource>;
  /** Which spelling of the type keys the namespace was written with (hdmf-common uses `data_type_*`). */
  typeKeys?: "neurodata_type" | "data_type";
}

/** The smallest and largest count a quantity allows (`Infinity` for no limit). */
export function quantityRange(q: Quantity | undefined): { min: number; max: number } {
  switch (q) {
    case undefined: return { min: 1, max: 1 };
    case "?": case "zero_or_one": return { min: 0, max: 1 };
    case "*": case "zero_or_many": return { min: 0, max: Infinity };
    case "+": case "one_or_many": return { min: 1, max: Infinity };
    default: return { min: q, max: q };
  }
}

/** The allowed shapes, as a list of alternatives (none: a scalar). */
export function shapeAlternatives(shape: Shape | Shape[] | undefined): Shape[] {
  if (shape === undefined || shape === null) return [];
  if (shape.length > 0 && Array.isArray(shape[0])) return shape as Shape[];
  return [shape as Shape];
}

export function isRefDtype(d: Dtype | undefined): d is RefDtype {
  return typeof d === "object" && d !== null && !Array.isArray(d) && "target_type" in d;
}

export function isCompoundDtype(d: Dtype | undefined): d is CompoundMember[] {
  return Array.isArray(d);
}

/**
 * Normalises a spec document read from YAML or JSON: `data_type_def`/`data_type_inc` become the NWB keys.
 * Returns which spelling it found, so a cached copy can be written back as it was.
 */
export function normaliseKeys<T>(doc: T): { value: T; typeKeys: "neurodata_type" | "data_type" } {
  let found: "neurodata_type" | "data_type" = "neurodata_type";
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(walk);
    if (typeof x !== "object" || x === null) return x;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) {
      if (k === "data_type_def" || k === "data_type_inc") {
        found = "data_type";
        out[`neuro${k}`] = v;
      } else out[k] = walk(v);
    }
    return out;
  };
  return { value: walk(doc) as T, typeKeys: found };
}

/** The reverse of {@link normaliseKeys}, for writing a namespace in its own spelling. */
export function denormaliseKeys<T>(doc: T, typeKeys: "neurodata_type" | "data_type"): T {
  if (typeKeys === "neurodata_type") return doc;
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(walk);
    if (typeof x !== "object" || x === null) return x;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) {
      out[k === "neurodata_type_def" ? "data_type_def" : k === "neurodata_type_inc" ? "data_type_inc" : k] = walk(v);
    }
    return out;
  };
  return walk(doc) as T;
}
