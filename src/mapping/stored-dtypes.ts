/**
 * The numeric dtypes that fields of objects read from a file were stored as there. pynwb stores numpy's own widths
 * where the schema names another (an icephys `sweep_number` of uint64 where the schema says uint32, an int64
 * `starting_frame` where it says int32): a copy (an export) writes such a field as it was stored, not as the
 * schema's dtype, as long as its values still fit (a value changed since, that does not, takes the schema's).
 */
import { type NumericDType, fitsDType, isNumericDType } from "../data/dtype.js";

const stored = new WeakMap<object, Map<string, NumericDType>>();

/** Records that field `key` of `obj` was read from a dataset or attribute of `dtype`. */
export function recordStoredDType(obj: object, key: string, dtype: string): void {
  if (!isNumericDType(dtype)) return;
  let fields = stored.get(obj);
  if (!fields) stored.set(obj, (fields = new Map()));
  fields.set(key, dtype);
}

/** The dtype field `key` of `obj` was read as, if its value `v` (a number, or a list of them) still fits it. */
export function storedDTypeOf(obj: object, key: string, v: unknown): NumericDType | undefined {
  const dtype = stored.get(obj)?.get(key);
  if (dtype === undefined) return undefined;
  const values = Array.isArray(v) ? v : [v];
  return values.every((x) => (typeof x === "number" || typeof x === "bigint") && fitsDType(x, dtype)) ? dtype : undefined;
}
