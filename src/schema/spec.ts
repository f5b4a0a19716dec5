/**
 * The declaration of a neurodata type's storage layout: which field is an attribute, a dataset, a link,
 * a typed child or a collection of them, with the dtypes the schema fixes. One declaration per type drives
 * both writing and reading (`build/mapper.ts`), so each type's layout is written down once.
 */
import type { DType } from "../data/dtype.js";

/** An attribute of the object's own group or dataset. */
export interface AttributeField {
  kind: "attribute";
  /** Property name on the container (the NWB field name). */
  key: string;
  /** Name in storage, when it differs from `key`. */
  name?: string;
  dtype: DType;
  vector?: boolean;
}

/** An attribute on a sub-dataset (e.g. `unit` on `data`), or a constant one (`interval = 1` on `timestamps`). */
export interface SubAttributeField {
  name: string;
  dtype: DType;
  /** The container property it holds; absent for constants. */
  key?: string;
  /** The value written for a constant attribute. */
  constant?: string | number;
  vector?: boolean;
}

/**
 * An untyped sub-dataset. `scalar` and `vector` values are read eagerly (they are metadata); `array` values are
 * read as lazy handles, and may be written from memory, from a lazy handle or from a frame stream.
 */
export interface DatasetField {
  kind: "dataset";
  key: string;
  name?: string;
  /** The dtype the schema fixes; absent when the caller's data decides (`numeric`). */
  dtype?: DType;
  form: "scalar" | "vector" | "array";
  attributes?: SubAttributeField[];
  /** Paths of files outside the NWB file (`external_file`): stored relative to the NWB file's folder. */
  filePaths?: boolean;
}

/** A soft link to another typed object. */
export interface LinkField {
  kind: "link";
  key: string;
  name?: string;
}

/** One typed child with a fixed name (e.g. `subject`, `order_of_images`). */
export interface ChildField {
  kind: "child";
  key: string;
  name: string;
}

/** Any number of typed children, kept as a `Map` by name. */
export interface ChildrenField {
  kind: "children";
  key: string;
}

/** An untyped sub-group whose contents are fields of this same object (e.g. `general`, `stimulus/presentation`). */
export interface SubgroupField {
  kind: "group";
  name: string;
  fields: FieldSpec[];
  /** Written even when empty (the NWB file's required groups). */
  always?: boolean;
}

/** The value of a typed dataset itself (an image's pixels, `order_of_images`'s references). */
export interface ValueField {
  kind: "value";
  key: string;
  dtype?: DType;
  /** Object references to typed objects (`ImageReferences`). */
  references?: boolean;
}

export type FieldSpec = AttributeField | DatasetField | LinkField | ChildField | ChildrenField | SubgroupField | ValueField;

export interface TypeSpec {
  neurodata_type: string;
  namespace: string;
  /** The parent type, whose fields this one inherits. */
  inc?: string;
  storage: "group" | "dataset";
  fields: FieldSpec[];
}
