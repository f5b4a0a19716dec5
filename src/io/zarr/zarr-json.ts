/**
 * The Zarr reader's view of metadata JSON: parsed by tsnwb's one JSON parser (`python-json.ts`, Python's `json` as
 * zarr-python writes metadata), keeping what `JSON.parse` loses: whether a number was written as a float (`1.0`,
 * `1e-05`) or an integer (`1`), so that an attribute hdmf-zarr wrote from a float (an ElectricalSeries'
 * `conversion` of 1.0) is read as a float, and written again as one; and Python's `NaN`, `Infinity` and
 * `-Infinity`, which `JSON.parse` refuses. Integers are plain numbers here, floats {@link JsonFloat}s.
 */
import { parsePythonJSON } from "./python-json.js";

/** A number written as a float. */
export class JsonFloat {
  constructor(readonly value: number) {}
}

/** A JSON value with floats tagged. */
export type TaggedJson = null | boolean | number | string | JsonFloat | TaggedJson[] | { [key: string]: TaggedJson };

/** Parses `text`; floats are {@link JsonFloat}s (integers plain numbers). Throws a SyntaxError naming the character. */
export function parseTaggedJson(text: string, source = "JSON"): TaggedJson {
  return parsePythonJSON<number | JsonFloat>(text, source, (t, isFloat) => (isFloat ? new JsonFloat(Number(t)) : Number(t)));
}

/** The value with its floats plain numbers again (for metadata other than attributes). */
export function untagged(v: TaggedJson): unknown {
  if (v instanceof JsonFloat) return v.value;
  if (Array.isArray(v)) return v.map(untagged);
  if (typeof v === "object" && v !== null) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === "__proto__") Object.defineProperty(o, k, { value: untagged(x), enumerable: true, writable: true, configurable: true });
      else o[k] = untagged(x);
    }
    return o;
  }
  return v;
}
