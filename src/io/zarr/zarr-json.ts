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
    while (at < text.length && (text[at] === " " || text[at] === "\n" || text[at] === "\r" || text[at] === "\t")) at++;
  };
  const literal = (word: string, value: TaggedJson): TaggedJson => {
    if (!text.startsWith(word, at)) fail(`unexpected ${JSON.stringify(text.slice(at, at + 10))}`);
    at += word.length;
    return value;
  };
  const string = (): string => {
    // From the opening quote to the closing one, escapes skipped; JSON.parse then decodes it exactly.
    const start = at++;
    while (at < text.length && text[at] !== '"') at += text[at] === "\\" ? 2 : 1;
    if (at >= text.length) fail("unterminated string");
    at++;
    return JSON.parse(text.slice(start, at)) as string;
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
        Object.defineProperty(o, key, { value: value(), enumerable: true, writable: true, configurable: true });
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
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at, at + 400));
    if (!m) return fail(`unexpected ${JSON.stringify(text.slice(at, at + 10))}`);
    at += m[0].length;
    const n = Number(m[0]);
    return m[1] !== undefined || m[2] !== undefined ? new JsonFloat(n) : n;
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
    for (const [k, x] of Object.entries(v)) Object.defineProperty(o, k, { value: untagged(x), enumerable: true, writable: true, configurable: true });
    return o;
  }
  return v;
}
