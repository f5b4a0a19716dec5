/**
 * Setting an object's fields from constructor options, by its type's layout: required fields checked, schema
 * defaults applied, each value normalised to what the schema says (text, numbers, flags, linked objects, array
 * data of the schema's dtype and shape); and the summary objects print as.
 */
import type { AbstractContainer, DataInput, ArrayData } from "./container.js";
import { H5DataIO, adopt, describeValue } from "./container.js";
import { type AttributeField, type DatasetField, type Field, type ValueField, isDateTimeDtype, isTextDtype, valueShape } from "../schema/fields.js";
import { type CompoundMember, type Dtype, type Shape, isCompoundDtype, isRefDtype, shapeAlternatives } from "../schema/language.js";
import { type ArrayInput, ArrayShapeError, ArrayValueError, isNDArray, toNDArray } from "../data/ndarray.js";
import { CompoundArray, InMemoryArray, ReferenceArray, StreamedArray, describeArray } from "../data/arrays.js";
import { isFrameSource, isLazyArray } from "../data/lazy.js";
import { type DType, type NumericDType, dtypeRange, fitsDType, isNumericDType } from "../data/dtype.js";
import { textProblem } from "../data/text.js";
import { ValidationError } from "../errors.js";
import { type StorageOptions, checkStorageOptions } from "../data/storage.js";
import { dateTimeProblem, toISODateTime } from "../data/datetime.js";

type Fields = Record<string, unknown>;

/** Numeric dtype names of the schema language, as numpy names them. */
const DTYPE_ALIASES: Record<string, NumericDType> = {
  int: "int32", uint: "uint32", float: "float32", double: "float64", long: "int64", short: "int16",
  int8: "int8", int16: "int16", int32: "int32", int64: "int64", uint8: "uint8", uint16: "uint16", uint32: "uint32",
  uint64: "uint64", float32: "float32", float64: "float64",
};

/** The numeric dtype the schema fixes, if it fixes one (`numeric`, text, references and compounds do not). */
export function schemaNumericDType(d: Dtype | undefined): NumericDType | undefined {
  return typeof d === "string" ? DTYPE_ALIASES[d] : undefined;
}

/**
 * The dtype values are stored as. Plain JS numbers take the schema's dtype, float32 widened to float64 (a JS
 * number is a float64; the schema's dtype is a minimum, as hdmf reads it). Typed arrays keep theirs when it
 * is the schema's, or a float64 where float32 is asked; otherwise they are converted to the schema's.
 */
export function storedDType(schema: Dtype | undefined, given: DType | undefined): DType | undefined {
  if (isTextDtype(schema)) return "text";
  const fixed = schemaNumericDType(schema);
  if (fixed === undefined) return given;
  if (given === undefined) return fixed === "float32" ? "float64" : fixed;
  if (given === fixed || (fixed === "float32" && given === "float64")) return given;
  return fixed;
}

/** Sets every field of `obj`'s type from `opts`. */
export function initFields(obj: AbstractContainer, opts: Fields): void {
  const o = obj as unknown as Fields;
  const layout = obj.layout;
  const known = new Set(["name", ...layout.fields.map((f) => f.key)]);
  for (const key of Object.keys(opts)) {
    if (!known.has(key) && opts[key] !== undefined) obj.fail(key, `one of the fields of ${obj.neurodata_type} (${[...known].join(", ")})`, "an unknown option");
  }
  for (const f of layout.fixed) o[f.key] = f.value;
  for (const f of layout.fields) {
    const v = opts[f.key];
    switch (f.kind) {
      case "children": {
        const items = v === undefined ? [] : v instanceof Map ? [...v.values()] : Array.isArray(v) ? v : [v];
        if (items.length === 0 && f.pynwbRequired) obj.fail(f.key, `${article(f.types.join(" or "))} at least (required)`, v);
        if (v !== undefined) (obj as unknown as { addTo(k: string, i: unknown[]): void }).addTo(f.key, items);
        break;
      }
      case "child":
      case "link": {
        if (v === undefined) {
          if (f.required || f.pynwbRequired) obj.fail(f.key, `${article(f.kind === "link" ? f.targetType : f.type)} (required)`);
          break;
        }
        const type = f.kind === "link" ? f.targetType : f.type;
        if (!isContainer(v) || !v.isA(type)) obj.fail(f.key, article(type), v);
        if (f.kind === "child") {
          const refined = (f.spec as { dtype?: Dtype }).dtype;
          const childData = (v as unknown as { data?: unknown }).data;
          if (isCompoundDtype(refined) && childData instanceof CompoundArray) {
            // The member narrows its type's dtype (HERD's `keys` is a Data of rows with a `key`): the rows must fit.
            const names = refined.map((m) => m.name);
            if (childData.members.map((m) => m.name).join() !== names.join()) obj.fail(f.key, `data of rows with ${names.join(", ")}`, childData.members.map((m) => m.name).join(", "));
          }
          const fixed = f.path[f.path.length - 1]!;
          if (v.name !== fixed) obj.fail(f.key, `an object named '${fixed}'`, v.name);
          // hdmf's rule: an object another one already holds (pynwb's two ElectricalSeries of one electrodes
          // region) stays where it is, and is written here as a soft link to it.
          if (v.parent === undefined) adopt(obj, f.key, v);
        }
        o[f.key] = v;
        break;
      }
      default: {
        // A default of an attribute of an optional dataset applies only when that dataset is given.
        const present = f.within === undefined || opts[f.within] !== undefined;
        const value = v === undefined && present ? (typeof f.default === "function" ? f.default(opts) : f.default) : v;
        if (value === undefined) {
          if ((f.required || f.pynwbRequired) && present) obj.fail(f.key, `${expectedOf(f)} (required)`);
          break;
        }
        o[f.key] = fieldValue(obj, f, value);
      }
    }
  }
}

/** "an ImageSeries", "a Device". */
export function article(type: string): string {
  return `${/^[AEIOU]/.test(type) ? "an" : "a"} ${type}`;
}

function isContainer(v: unknown): v is AbstractContainer {
  return typeof v === "object" && v !== null && typeof (v as AbstractContainer).isA === "function" && "object_id" in v;
}

/** What a field expects, for errors. */
function expectedOf(f: AttributeField | DatasetField | ValueField): string {
  switch (valueShape(f)) {
    case "text": return isDateTimeDtype(f.spec.dtype) ? "a Date or an ISO 8601 date-time with a UTC offset" : "a string";
    case "texts": return "an array of strings";
    case "number": return "a number";
    case "numbers": return "an array of numbers";
    case "bool": return "true or false";
    case "bools": return "an array of booleans";
    case "object": return article(isRefDtype(f.spec.dtype) ? f.spec.dtype.target_type : "typed object");
    case "objects": return `an array of ${isRefDtype(f.spec.dtype) ? f.spec.dtype.target_type : "typed object"} objects`;
    case "array": return "array data";
  }
}

/** One field's value, normalised; a value the field cannot hold is a ValidationError naming it. */
export function fieldValue(obj: AbstractContainer, f: AttributeField | DatasetField | ValueField, v: unknown): unknown {
  const bad = (): never => obj.fail(f.key, expectedOf(f), v);
  const date = isDateTimeDtype(f.spec.dtype);
  const text = (s: unknown): string => {
    // These problems are sentences that quote the value already: given to `fail`, they would be quoted again.
    if (date) {
      const problem = dateTimeProblem(s);
      if (problem) throw new ValidationError(obj.describe(), f.key, expectedOf(f), problem);
      return toISODateTime(s as Date | string);
    }
    if (typeof s !== "string") return bad();
    const problem = textProblem(s);
    if (problem) throw new ValidationError(obj.describe(), f.key, expectedOf(f), `${JSON.stringify(s)}, which holds ${problem}`);
    return s;
  };
  // A number is stored as the schema's dtype (float32 widened): one it cannot hold is refused, never changed.
  const stored = storedDType(f.spec.dtype, undefined);
  const number = (n: unknown): number => {
    // NaN is a float's value (pynwb's icephys tutorial gives resolution=np.nan); an integer field has none.
    if (typeof n !== "bigint" && (typeof n !== "number" || (Number.isNaN(n) && !(stored === "float32" || stored === "float64")))) return bad();
    if (stored !== undefined && isNumericDType(stored) && !fitsDType(n, stored)) obj.fail(f.key, `${expectedOf(f)} that fits ${dtypeRange(stored)}`, String(n));
    // A 64-bit integer beyond 2^53 is kept as the bigint it is (as read from a file).
    if (typeof n === "bigint" && (stored === "int64" || stored === "uint64") && !Number.isSafeInteger(Number(n))) return n as unknown as number;
    if (typeof n === "bigint" && BigInt(Number(n)) !== n) obj.fail(f.key, `${expectedOf(f)} (a JS number holds integers up to 2^53 exactly)`, `${n}n`);
    return Number(n);
  };
  const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : ArrayBuffer.isView(x) ? Array.from(x as unknown as ArrayLike<unknown>) : [x]);
  switch (valueShape(f)) {
    case "text": return text(v);
    case "texts": return list(v).map(text);
    case "number": return number(v);
    case "numbers": return list(v).map(number);
    case "bool": return typeof v === "boolean" ? v : bad();
    case "bools": return list(v).map((b) => (typeof b === "boolean" ? b : bad()));
    case "object": {
      const target = (f.spec.dtype as { target_type: string }).target_type;
      return isContainer(v) && v.isA(target) ? v : bad();
    }
    case "objects": {
      const target = (f.spec.dtype as { target_type: string }).target_type;
      const items = Array.isArray(v) ? v : bad();
      return items.map((x) => (isContainer(x) && x.isA(target) ? x : bad()));
    }
    case "array": return arrayValue(obj, f.key, v as DataInput, f.spec.dtype, f.spec.shape, (f.spec as { dims?: unknown }).dims);
  }
}

/**
 * Normalises array data: in-memory values become an `InMemoryArray` of the stored dtype (rows of a compound dtype a
 * `CompoundArray`, typed objects a `ReferenceArray`); a lazy handle is kept (a copy keeps its source's dtype); a
 * stream becomes a `StreamedArray`. Storage options from `H5DataIO` are kept in `obj.storage`. Known shapes are
 * checked against the schema's.
 */
export function arrayValue(obj: AbstractContainer, key: string, input: DataInput, dtype: Dtype | undefined, shape?: Shape | Shape[], dims?: unknown): ArrayData {
  let value: unknown = input;
  let options: StorageOptions | undefined;
  if (value instanceof H5DataIO) {
    options = value.options;
    value = value.data;
  }
  let data: ArrayData;
  if (isCompoundDtype(dtype) && Array.isArray(value)) data = compoundValue(obj, key, value, dtype);
  else if (isRefDtype(dtype) && Array.isArray(value) && value.length === 0) data = new ReferenceArray([]);
  else if ((dtype === undefined || isRefDtype(dtype)) && Array.isArray(value) && value.length > 0 && value.every(isContainer)) {
    const target = isRefDtype(dtype) ? dtype.target_type : undefined;
    if (target !== undefined && !value.every((v) => v.isA(target))) obj.fail(key, `${article(target)} per element`, value.find((v) => !v.isA(target)));
    data = new ReferenceArray(value);
  } else if (dtype === undefined && Array.isArray(value) && value.length > 0 && value.every(isRow)) data = compoundValue(obj, key, value, inferMembers(value[0] as Record<string, unknown>));
  else if (value instanceof InMemoryArray || value instanceof StreamedArray || value instanceof CompoundArray || value instanceof ReferenceArray) data = value;
  else if (isLazyArray(value)) data = value;
  else if (isFrameSource(value)) {
    const fixed = storedDType(dtype, undefined);
    data = new StreamedArray(value, fixed !== undefined && isNumericDType(fixed) && schemaNumericDType(dtype) !== undefined ? fixed : "opaque");
  } else {
    try {
      const plain = isNDArray(value) ? value : toNDArray(value as ArrayInput);
      const target = storedDType(dtype, isNDArray(value) ? value.dtype : plainDType(value, plain.dtype));
      if (target !== undefined && isNumericDType(target) && !target.startsWith("float") && plain.dtype.startsWith("float")) {
        // Converting fractions (or negatives, to an unsigned type) to integers would change the values silently.
        const unsigned = target.startsWith("uint");
        const ok = Array.from(plain.data as ArrayLike<number>).every((x) => Number.isInteger(x) && (!unsigned || x >= 0));
        if (!ok) obj.fail(key, `${unsigned ? "non-negative " : ""}integers (${target})`, "other numbers");
      }
      const converted = target !== undefined && target !== plain.dtype ? toNDArray({ data: plain.data, shape: plain.shape } as ArrayInput, target) : plain;
      data = new InMemoryArray(converted.data, converted.shape, converted.dtype);
    } catch (e) {
      if (e instanceof ArrayValueError) obj.fail(key, `values that fit ${dtypeRange(e.dtype)}`, e.message);
      if (e instanceof ArrayShapeError) obj.fail(key, `an array${typeof dtype === "string" ? ` of ${dtype}` : ""}`, e.message);
      throw e;
    }
  }
  if (options) {
    checkStorageOptions(options, data instanceof StreamedArray ? undefined : data.shape, { object: obj.describe(), field: key });
    obj.storage[key] = options;
  }
  checkShape(obj, key, data, shape, dims);
  return data;
}

/** A plain object: one element of compound data (not an array, a typed object or array data). */
function isRow(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) && !isContainer(v) && !("shape" in v);
}

/** Members of rows given where the schema fixes no dtype (a `Data` of a compound refinement): from the first row. */
function inferMembers(row: Record<string, unknown>): CompoundMember[] {
  return Object.entries(row).map(([name, v]) => ({
    name, doc: "",
    dtype: isContainer(v) ? { target_type: v.neurodata_type, reftype: "object" as const }
      : typeof v === "string" ? "text" : typeof v === "boolean" ? "bool" : typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v)) ? "int64" : "float64",
  }));
}

/** Rows of a compound dtype: every member given, references to objects of the member's type. */
function compoundValue(obj: AbstractContainer, key: string, rows: unknown[], dtype: CompoundMember[]): CompoundArray {
  const members = dtype.map((m) => ({
    name: m.name,
    dtype: (isRefDtype(m.dtype) ? "reference" : isTextDtype(m.dtype) ? "text" : schemaNumericDType(m.dtype) ?? (m.dtype === "bool" ? "uint8" : "float64")) as DType,
  }));
  const expected = `rows with ${dtype.map((m) => m.name).join(", ")}`;
  const out = rows.map((row, i) => {
    if (typeof row !== "object" || row === null) obj.fail(key, expected, `row ${i}: ${describeValue(row)}`);
    const r = row as Record<string, unknown>;
    for (const m of dtype) {
      const v = r[m.name];
      const ok = isRefDtype(m.dtype) ? isContainer(v) && v.isA(m.dtype.target_type)
        : isTextDtype(m.dtype) ? typeof v === "string"
        : m.dtype === "bool" ? typeof v === "boolean" : typeof v === "number" || typeof v === "bigint";
      if (!ok) obj.fail(key, `${expected}; '${m.name}' ${isRefDtype(m.dtype) ? article(m.dtype.target_type) : typeof m.dtype === "string" ? `of ${m.dtype}` : ""}`, `row ${i}: ${describeValue(v)}`);
    }
    return { ...r };
  });
  return new CompoundArray(members, out);
}

/** The dtype of values given as plain JS numbers is not theirs to keep: undefined lets the schema decide. */
function plainDType(input: unknown, parsed: DType): DType | undefined {
  const typed = ArrayBuffer.isView(input) || (typeof input === "object" && input !== null && !Array.isArray(input) && ArrayBuffer.isView((input as { data?: unknown }).data));
  return typed || parsed === "text" ? parsed : undefined;
}

/** Checks a known shape against the schema's alternatives. */
export function checkShape(obj: AbstractContainer, key: string, data: ArrayData, shape?: Shape | Shape[], dims?: unknown): void {
  if (data instanceof StreamedArray) return;
  const alternatives = shapeAlternatives(shape);
  if (alternatives.length === 0) return;
  const s = data.shape;
  const ok = alternatives.some((a) => a.length === s.length && a.every((n, i) => n === null || n === s[i]));
  if (ok) return;
  const names = (Array.isArray(dims) && dims.length > 0 && Array.isArray(dims[0]) ? dims : [dims]) as (string[] | undefined)[];
  const what = alternatives.map((a, i) => `(${a.map((n, j) => (n === null ? names[i]?.[j] ?? "any" : String(n))).join(", ")})`).join(" or ");
  obj.fail(key, `an array of shape ${what}`, `shape [${s.join(", ")}]`);
}

/** The plain summary an object prints and serialises as (no cycles: parents are left out, links named). */
export function summary(obj: AbstractContainer, depth: number): Record<string, unknown> {
  const o = obj as unknown as Fields;
  const out: Record<string, unknown> = { neurodata_type: obj.neurodata_type, name: obj.name };
  const show = (v: unknown, f: Field): unknown => {
    if (v === undefined) return undefined;
    if (isContainer(v)) {
      if ((f.kind === "child" || f.kind === "children") && depth > 0) return summary(v, depth - 1);
      return v.container_source?.path ?? v.describe();
    }
    if (v instanceof Map) return Object.fromEntries([...v].map(([k, c]) => [k, show(c, f)]));
    if (Array.isArray(v)) return v.map((x) => show(x, f));
    if (typeof v === "object" && v !== null && "shape" in v && "dtype" in v && "read" in v) {
      return v instanceof StreamedArray ? v.toJSON() : describeArray(v as { dtype: DType; shape: number[] });
    }
    return v;
  };
  for (const f of obj.layout.fields) {
    const value = o[f.key];
    if (value === undefined || (value instanceof Map && value.size === 0)) continue;
    out[f.key] = show(value, f);
  }
  return out;
}
