/**
 * 64-bit integer data as plain numbers, in one call, exactly or not at all: JavaScript numbers hold integers
 * exactly only up to 2^53, so a value past it is refused (naming it) rather than rounded.
 */
import { ValidationError } from "../errors.js";

/**
 * The values as a Float64Array of plain numbers: any numeric typed array, a list of numbers or bigints (what
 * `read()` gives for int64/uint64 data: a BigInt64Array). It takes what `read()` gives as it is typed (any array
 * values), so reading numbers needs no cast: text or another value that is not a number is refused, naming it.
 * `what` names the data in the errors.
 */
export function toNumbers(values: ArrayLike<unknown>, what = "values"): Float64Array {
  if (values instanceof Float64Array) return values;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (typeof v === "bigint") {
      const n = Number(v);
      if (!Number.isSafeInteger(n)) throw new ValidationError(what, `[${i}]`, "integers a JS number holds exactly (within ±2^53)", `${v}n`);
      out[i] = n;
    } else if (typeof v === "number") out[i] = v;
    else throw new ValidationError(what, `[${i}]`, "a number", typeof v === "string" ? JSON.stringify(v) : typeof v);
  }
  return out;
}
