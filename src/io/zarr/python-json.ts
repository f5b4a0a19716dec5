/**
 * JSON as zarr-python reads and writes its metadata (`zarr.util.json_loads` / `json_dumps`): Python's `json` with
 * `indent=4, sort_keys=True, ensure_ascii=True, separators=(",", ": ")`. Parsed values keep the distinction Python
 * makes and JavaScript loses (the float 1.0 against the integer 1, integers beyond 2^53, NaN and Infinity, which
 * Python writes unquoted), so that metadata read and written again is byte for byte what zarr-python writes.
 */

/** A number of a JSON text as Python's json reads it: an int (any size) or a float. */
export class PythonNumber {
  constructor(
    /** Whether Python reads it as a float ("1.0", "1e-05", "NaN") rather than an int ("1"). */
    readonly isFloat: boolean,
    /** Its value as JavaScript has it (an int beyond 2^53 rounded: `text` keeps it whole). */
    readonly value: number,
    /** How Python writes it back: `repr` of the float, or the int's digits. */
    readonly text: string,
  ) {}
}

/** A JSON value of Python's json: numbers as PythonNumber, the rest as JavaScript has them. */
export type PythonJSON = null | boolean | string | PythonNumber | PythonJSON[] | { [key: string]: PythonJSON };

/**
 * Makes a parsed number: `text` as written, `isFloat` whether Python reads it as a float ("1.0", "1e-05", "NaN")
 * rather than an int ("1"). The default keeps both in a {@link PythonNumber}; the Zarr reader's view of attributes
 * (`zarr-json.ts`) makes its own, in the same single pass.
 */
export type NumberMaker<N> = (text: string, isFloat: boolean) => N;

/** The default {@link NumberMaker}: a PythonNumber that writes back as Python wrote it. */
const pythonNumber: NumberMaker<PythonNumber> = (text, isFloat) => {
  if (!isFloat) return new PythonNumber(false, Number(text), BigInt(text).toString());
  const v = Number(text);
  return new PythonNumber(true, v, floatRepr(v));
};

/**
 * Parses JSON text as Python's `json.loads` does (NaN, Infinity and -Infinity accepted); `source` names it in
 * errors (a SyntaxError naming the character). One scan by character codes, the only JSON parser of tsnwb's Zarr
 * support (metadata documents, consolidated metadata of several MB): strings without escapes are cut out, those
 * with escapes decoded by JSON.parse; repeated keys keep the last, and "__proto__" stays a plain key.
 */
export function parsePythonJSON(text: string, source: string): PythonJSON;
export function parsePythonJSON<N>(text: string, source: string, makeNumber: NumberMaker<N>): JSONOf<N>;
export function parsePythonJSON<N>(text: string, source: string, makeNumber?: NumberMaker<N>): JSONOf<N> {
  const number = (makeNumber ?? pythonNumber) as NumberMaker<N>;
  let at = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${source}: invalid JSON at character ${at}: ${what}`);
  };
  const space = (): void => {
    for (;;) {
      const c = text.charCodeAt(at);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return;
      at++;
    }
  };
  const string = (): string => {
    const start = at++;
    let escaped = false;
    for (;;) {
      const c = text.charCodeAt(at);
      if (c === 34) break;
      if (Number.isNaN(c)) fail("unterminated string");
      if (c < 0x20) fail("a control character in a string");
      if (c === 92) {
        escaped = true;
        at += 2;
      } else at++;
    }
    at++;
    if (!escaped) return text.slice(start + 1, at - 1);
    try {
      return JSON.parse(text.slice(start, at)) as string;
    } catch {
      return fail("an invalid escape in a string");
    }
  };
  const digits = (start: number): void => {
    const from = at;
    while (text.charCodeAt(at) >= 48 && text.charCodeAt(at) <= 57) at++;
    if (at === from) fail(`unexpected ${JSON.stringify(text.slice(start, start + 10))}`);
  };
  const word = (w: string): boolean => {
    if (!text.startsWith(w, at)) return false;
    at += w.length;
    return true;
  };
  const value = (): JSONOf<N> => {
    space();
    const c = text.charCodeAt(at);
    if (c === 123 /* { */) {
      at++;
      const out: { [key: string]: JSONOf<N> } = {};
      space();
      if (text.charCodeAt(at) === 125) {
        at++;
        return out;
      }
      for (;;) {
        space();
        if (text.charCodeAt(at) !== 34) fail("expected a key in quotes");
        const key = string();
        space();
        if (text.charCodeAt(at) !== 58) fail('expected ":"');
        at++;
        const v = value();
        if (key === "__proto__") Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
        else out[key] = v;
        space();
        const next = text.charCodeAt(at++);
        if (next === 125) return out;
        if (next !== 44) fail('expected "," or "}"');
      }
    }
    if (c === 91 /* [ */) {
      at++;
      const out: JSONOf<N>[] = [];
      space();
      if (text.charCodeAt(at) === 93) {
        at++;
        return out;
      }
      for (;;) {
        out.push(value());
        space();
        const next = text.charCodeAt(at++);
        if (next === 93) return out;
        if (next !== 44) fail('expected "," or "]"');
      }
    }
    if (c === 34) return string();
    if (word("true")) return true;
    if (word("false")) return false;
    if (word("null")) return null;
    if (word("NaN")) return number("NaN", true);
    if (word("Infinity")) return number("Infinity", true);
    if (word("-Infinity")) return number("-Infinity", true);
    const start = at;
    if (c === 45) at++;
    // JSON's integer part: 0, or digits not starting with 0.
    if (text.charCodeAt(at) === 48) at++;
    else digits(start);
    let isFloat = false;
    if (text.charCodeAt(at) === 46) {
      isFloat = true;
      at++;
      digits(start);
    }
    const e = text.charCodeAt(at);
    if (e === 101 || e === 69) {
      isFloat = true;
      at++;
      if (text.charCodeAt(at) === 43 || text.charCodeAt(at) === 45) at++;
      digits(start);
    }
    return number(text.slice(start, at), isFloat);
  };
  const out = value();
  space();
  if (at < text.length) fail("extra text after the value");
  return out;
}

/** A JSON value whose numbers are made by a {@link NumberMaker} of `N`. */
export type JSONOf<N> = null | boolean | string | N | JSONOf<N>[] | { [key: string]: JSONOf<N> };

/** Python's `repr` of a float: the shortest digits that read back, in exponent form below 1e-4 and from 1e16. */
export function floatRepr(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  if (v === 0) return Object.is(v, -0) ? "-0.0" : "0.0";
  // toExponential() without digits gives the shortest digits that read back, as Python's repr.
  const [mantissa, exp] = v.toExponential().split("e") as [string, string];
  const e = Number(exp);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = negative ? "-" : "";
  if (e < -4 || e >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  if (e < 0) return `${sign}0.${"0".repeat(-e - 1)}${digits}`;
  const whole = digits.slice(0, e + 1).padEnd(e + 1, "0");
  const fraction = digits.slice(e + 1);
  return `${sign}${whole}.${fraction || "0"}`;
}

/** A string as Python's json writes it with ensure_ascii: every character outside printable ASCII escaped. */
function pythonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c === 0x08) out += "\\b";
    else if (c === 0x0c) out += "\\f";
    // UTF-16 code units: a character beyond the BMP comes out as its surrogate pair, as Python writes it.
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += s[i];
  }
  return `${out}"`;
}

/** Python's ordering of str: by code point (JavaScript's `<` orders UTF-16 code units, which differs beyond the BMP). */
function byCodePoint(a: string, b: string): number {
  const x = [...a], y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** A value that is no array or object as Python's json writes it; undefined for arrays and objects. */
function pythonScalar(value: PythonJSONInput): string | undefined {
  if (value === null || value === undefined) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "string") return pythonString(value);
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : floatRepr(value);
  if (typeof value === "bigint") return value.toString();
  if (value instanceof PythonNumber) return value.text;
  return undefined;
}

/**
 * `value` as zarr-python's `json_dumps` writes it: `json.dumps(value, indent=4, sort_keys=True, ensure_ascii=True,
 * separators=(",", ": "))`. Plain JavaScript numbers are written as Python writes a float when they are not whole
 * numbers, else as ints.
 */
export function stringifyPythonJSON(value: PythonJSONInput, indent = ""): string {
  const scalar = pythonScalar(value);
  if (scalar !== undefined) return scalar;
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => inner + stringifyPythonJSON(v, inner)).join(",\n")}\n${indent}]`;
  }
  const fields = value as { [key: string]: PythonJSONInput };
  const keys = Object.keys(fields).sort(byCodePoint);
  if (keys.length === 0) return "{}";
  return `{\n${keys.map((k) => `${inner}${pythonString(k)}: ${stringifyPythonJSON(fields[k], inner)}`).join(",\n")}\n${indent}}`;
}

/**
 * A value to write as Python's json writes it: PythonNumbers as their text, plain numbers as ints when whole else
 * floats, bigints as ints, undefined as null.
 */
export type PythonJSONInput = PythonJSON | number | bigint | undefined | PythonJSONInput[] | { [key: string]: PythonJSONInput };

/**
 * `value` as Python's `json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)` writes it:
 * numcodecs' JSON object codec (`json2`, as zarr-python configures it) writes a chunk's elements so.
 */
export function compactPythonJSON(value: PythonJSONInput): string {
  const scalar = pythonScalar(value);
  if (scalar !== undefined) return scalar;
  if (Array.isArray(value)) return `[${value.map(compactPythonJSON).join(",")}]`;
  const fields = value as { [key: string]: PythonJSONInput };
  const keys = Object.keys(fields).sort(byCodePoint);
  return `{${keys.map((k) => `${pythonString(k)}:${compactPythonJSON(fields[k])}`).join(",")}}`;
}

/** A float as Python writes it (`1.0`, not `1`): for metadata a reader must read back as a float (a `rate`, a fill value). */
export function pythonFloat(v: number): PythonNumber {
  return new PythonNumber(true, v, floatRepr(v));
}

/** `value` with its numbers as JavaScript numbers (NaN and Infinity as such): what JSON.parse would give, and more. */
export function toPlainJSON(value: PythonJSON): unknown {
  if (value instanceof PythonNumber) return value.value;
  if (Array.isArray(value)) return value.map(toPlainJSON);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: toPlainJSON(v), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}
