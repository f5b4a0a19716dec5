/**
 * Zarr's metadata JSON as Python's `json` writes it, read keeping what `JSON.parse` loses: whether a number was
 * written as a float (`1.0`, `1e-05`) or an integer (`1`), so that an attribute hdmf-zarr wrote from a float (an
 * ElectricalSeries' `conversion` of 1.0) is read as a float, and written again as one; and Python's `NaN`,
 * `Infinity` and `-Infinity`, which `JSON.parse` refuses.
 */

/** A number written as a float. */
export class JsonFloat {
  constructor(readonly value: number) {}
}

/** A JSON value with floats tagged. */
export type TaggedJson = null | boolean | number | string | JsonFloat | TaggedJson[] | { [key: string]: TaggedJson };

/** Parses `text`; floats are {@link JsonFloat}s (integers plain numbers). Throws a SyntaxError naming the offset. */
export function parseTaggedJson(text: string): TaggedJson {
  let at = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at offset ${at}`);
  };
  const space = (): void => {
    for (;;) {
      const c = text.charCodeAt(at);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return;
      at++;
    }
  };
  const literal = (word: string, value: TaggedJson): TaggedJson => {
    if (!text.startsWith(word, at)) fail(`unexpected ${JSON.stringify(text.slice(at, at + 10))}`);
    at += word.length;
    return value;
  };
  const string = (): string => {
    // From the opening quote to the closing one, escapes skipped; JSON.parse then decodes one with escapes exactly.
    const start = at++;
    let escaped = false;
    for (;;) {
      const c = text.charCodeAt(at);
      if (c === 34) break;
      if (Number.isNaN(c)) fail("unterminated string");
      if (c === 92) {
        escaped = true;
        at += 2;
      } else at++;
    }
    at++;
    return escaped ? (JSON.parse(text.slice(start, at)) as string) : text.slice(start + 1, at - 1);
  };
  const value = (): TaggedJson => {
    space();
    const c = text[at];
    if (c === "{") {
      at++;
      const o: { [key: string]: TaggedJson } = {};
      space();
      if (text[at] === "}") {
        at++;
        return o;
      }
      for (;;) {
        space();
        if (text[at] !== '"') fail("expected a key");
        const key = string();
        space();
        if (text[at++] !== ":") fail("expected ':'");
        setOwn(o, key, value());
        space();
        const next = text[at++];
        if (next === "}") return o;
        if (next !== ",") fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      at++;
      const a: TaggedJson[] = [];
      space();
      if (text[at] === "]") {
        at++;
        return a;
      }
      for (;;) {
        a.push(value());
        space();
        const next = text[at++];
        if (next === "]") return a;
        if (next !== ",") fail("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    if (c === "t") return literal("true", true);
    if (c === "f") return literal("false", false);
    if (c === "n") return literal("null", null);
    if (c === "N") return literal("NaN", new JsonFloat(NaN));
    if (c === "I") return literal("Infinity", new JsonFloat(Infinity));
    if (c === "-" && text.startsWith("-Infinity", at)) return literal("-Infinity", new JsonFloat(-Infinity));
    const start = at;
    let float = false;
    if (text.charCodeAt(at) === 45) at++;
    const digits = (): void => {
      const from = at;
      while (text.charCodeAt(at) >= 48 && text.charCodeAt(at) <= 57) at++;
      if (at === from) fail(`unexpected ${JSON.stringify(text.slice(start, start + 10))}`);
    };
    digits();
    if (text.charCodeAt(at) === 46) {
      float = true;
      at++;
      digits();
    }
    if (text.charCodeAt(at) === 101 || text.charCodeAt(at) === 69) {
      float = true;
      at++;
      if (text.charCodeAt(at) === 43 || text.charCodeAt(at) === 45) at++;
      digits();
    }
    const n = Number(text.slice(start, at));
    return float ? new JsonFloat(n) : n;
  };
  const result = value();
  space();
  if (at !== text.length) fail("unexpected text after the value");
  return result;
}

/** The value with its floats plain numbers again (for metadata other than attributes). */
export function untagged(v: TaggedJson): unknown {
  if (v instanceof JsonFloat) return v.value;
  if (Array.isArray(v)) return v.map(untagged);
  if (typeof v === "object" && v !== null) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) setOwn(o, k, untagged(x));
    return o;
  }
  return v;
}

/** Sets an own property, as JSON.parse does: "__proto__" too is a key, never the object's prototype. */
function setOwn(o: Record<string, unknown>, key: string, v: unknown): void {
  if (key === "__proto__") Object.defineProperty(o, key, { value: v, enumerable: true, writable: true, configurable: true });
  else o[key] = v;
}
