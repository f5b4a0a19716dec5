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

/** A JSON number and a JSON string, matched where the parser is (sticky). */
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/** Parses JSON text as Python's `json.loads` does (NaN, Infinity and -Infinity accepted); `source` names it in errors. */
export function parsePythonJSON(text: string, source: string): PythonJSON {
  let at = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${source}: invalid JSON at character ${at}: ${what}`);
  };
  const space = (): void => {
    while (at < text.length && (text[at] === " " || text[at] === "\t" || text[at] === "\n" || text[at] === "\r")) at++;
  };
  const value = (): PythonJSON => {
    space();
    const c = text[at];
    if (c === "{") {
      at++;
      const out: { [key: string]: PythonJSON } = {};
      space();
      if (text[at] === "}") {
        at++;
        return out;
      }
      for (;;) {
        space();
        if (text[at] !== '"') fail("expected a key in quotes");
        const key = string();
        space();
        if (text[at] !== ":") fail('expected ":"');
        at++;
        // Python keeps the last of repeated keys, as defineProperty does (and "__proto__" stays a plain key).
        Object.defineProperty(out, key, { value: value(), enumerable: true, writable: true, configurable: true });
        space();
        if (text[at] === ",") {
          at++;
          continue;
        }
        if (text[at] === "}") {
          at++;
          return out;
        }
        fail('expected "," or "}"');
      }
    }
    if (c === "[") {
      at++;
      const out: PythonJSON[] = [];
      space();
      if (text[at] === "]") {
        at++;
        return out;
      }
      for (;;) {
        out.push(value());
        space();
        if (text[at] === ",") {
          at++;
          continue;
        }
        if (text[at] === "]") {
          at++;
          return out;
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return v;
      }
    }
    for (const word of ["NaN", "Infinity", "-Infinity"]) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return new PythonNumber(true, Number(word), word);
      }
    }
    NUMBER.lastIndex = at;
    const number = NUMBER.exec(text);
    if (!number) return fail(at >= text.length ? "unexpected end" : `unexpected ${JSON.stringify(text[at])}`);
    at += number[0].length;
    if (number[1] === undefined && number[2] === undefined) return new PythonNumber(false, Number(number[0]), BigInt(number[0]).toString());
    const v = Number(number[0]);
    return new PythonNumber(true, v, floatRepr(v));
  };
  const string = (): string => {
    STRING.lastIndex = at;
    const end = STRING.exec(text);
    if (!end) return fail("invalid string");
    at += end[0].length;
    return JSON.parse(end[0]) as string;
  };
  const out = value();
  space();
  if (at < text.length) fail("extra text after the value");
  return out;
}

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

/**
 * `value` as zarr-python's `json_dumps` writes it: `json.dumps(value, indent=4, sort_keys=True, ensure_ascii=True,
 * separators=(",", ": "))`. Plain JavaScript numbers are written as Python writes a float when they are not whole
 * numbers, else as ints.
 */
export function stringifyPythonJSON(value: PythonJSON | number, indent = ""): string {
  if (value === null) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "string") return pythonString(value);
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : floatRepr(value);
  if (value instanceof PythonNumber) return value.text;
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => inner + stringifyPythonJSON(v, inner)).join(",\n")}\n${indent}]`;
  }
  const keys = Object.keys(value).sort(byCodePoint);
  if (keys.length === 0) return "{}";
  return `{\n${keys.map((k) => `${inner}${pythonString(k)}: ${stringifyPythonJSON(value[k]!, inner)}`).join(",\n")}\n${indent}}`;
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
