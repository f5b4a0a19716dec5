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

/** A private-use character that marks a float turned into a string for JSON.parse (`parseConsolidatedJson`). */
const FLOAT_MARK = 0xe000;
/** JSON's strings (left as they are) and numbers, and Python's NaN and Infinity. */
const TOKENS = /"[^"\\]*(?:\\.[^"\\]*)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|NaN|-?Infinity/g;

/**
 * Consolidated metadata (`.zmetadata`, megabytes for a file of thousands of objects) parsed as
 * {@link parseTaggedJson} and {@link untagged} would, its attribute documents (keys ending in `.zattrs`) tagged and
 * the rest plain, but several times faster: the floats and Python's NaN and Infinity are marked as strings by one
 * regular-expression pass, the text parsed by the engine's JSON.parse, and the marks turned into numbers in place.
 * The values are those of the one parser (`python-json.ts`), which parses text this cannot (a mark character in a
 * string, invalid JSON: its errors name the character).
 */
export function parseConsolidatedJson(text: string, source = "JSON"): unknown {
  const slow = (): unknown => {
    const doc = parseTaggedJson(text, source);
    const docs = (doc as { metadata?: Record<string, TaggedJson> }).metadata;
    if (typeof docs !== "object" || docs === null || Array.isArray(docs)) return untagged(doc);
    const metadata: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(docs)) Object.defineProperty(metadata, k, { value: k.endsWith(".zattrs") ? v : untagged(v), enumerable: true, writable: true, configurable: true });
    return { ...(untagged({ ...(doc as Record<string, TaggedJson>), metadata: null }) as object), metadata };
  };
  if (text.includes(String.fromCharCode(FLOAT_MARK)) || /\\u[eE]000/.test(text)) return slow();
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(TOKENS, (t) => (t.charCodeAt(0) === 34 || !/[.eEN]|Infinity/.test(t) ? t : `"${String.fromCharCode(FLOAT_MARK)}${t}"`)));
  } catch {
    return slow();
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return unmark(doc, false);
  for (const key of Object.keys(doc)) {
    const value = (doc as Record<string, unknown>)[key];
    if (key === "metadata" && typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const k of Object.keys(value)) setOwn(value as Record<string, unknown>, k, unmark((value as Record<string, unknown>)[k], k.endsWith(".zattrs")));
    } else setOwn(doc as Record<string, unknown>, key, unmark(value, false));
  }
  return doc;
}

/** `v` with its marked floats numbers again (JsonFloats when `tag`), changed in place. */
function unmark(v: unknown, tag: boolean): unknown {
  if (typeof v === "string") {
    if (v.charCodeAt(0) !== FLOAT_MARK) return v;
    const n = Number(v.slice(1));
    return tag ? new JsonFloat(n) : n;
  }
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = unmark(v[i], tag);
    return v;
  }
  for (const k of Object.keys(v)) setOwn(v as Record<string, unknown>, k, unmark((v as Record<string, unknown>)[k], tag));
  return v;
}

/** Sets an own property ("__proto__" too, as a plain key: JSON.parse made it one). */
function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  if (o[key] === value) return;
  if (key === "__proto__") Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}
