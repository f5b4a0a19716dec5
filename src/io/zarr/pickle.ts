/**
 * The chunks of compound datasets with text or references, in the one form zarr-python reads them back as numpy
 * rows: a pickle (numcodecs' `pickle` codec, hdmf-zarr's object codec). JSON cannot do it: numpy builds rows of a
 * structured dtype from tuples only. The pickle written is a single call, `numpy.array(rows, dtype)`, with rows as
 * tuples of plain values (text, numbers, booleans, references as dicts): protocol 2, a handful of opcodes.
 */

/** Pickle opcodes used (Python's `pickletools`). */
const PROTO = 0x80, STOP = 0x2e, GLOBAL = 0x63, MARK = 0x28, TUPLE = 0x74, REDUCE = 0x52, EMPTY_LIST = 0x5d, APPENDS = 0x65,
  EMPTY_DICT = 0x7d, SETITEMS = 0x75, BINUNICODE = 0x58, BININT = 0x4a, LONG1 = 0x8a, BINFLOAT = 0x47, NEWTRUE = 0x88, NEWFALSE = 0x89, NONE = 0x4e;

/** A value a pickle written here holds. */
export type PickleValue = string | number | bigint | boolean | null | PickleValue[] | { [key: string]: PickleValue } | { tuple: PickleValue[] };

class PickleWriter {
  private readonly parts: number[] = [];
  private readonly encoder = new TextEncoder();

  byte(...b: number[]): void {
    for (const x of b) this.parts.push(x);
  }

  bytes(b: Uint8Array): void {
    for (const x of b) this.parts.push(x);
  }

  value(v: PickleValue): void {
    if (v === null) this.byte(NONE);
    else if (v === true) this.byte(NEWTRUE);
    else if (v === false) this.byte(NEWFALSE);
    else if (typeof v === "string") {
      const utf8 = this.encoder.encode(v);
      this.byte(BINUNICODE);
      this.u32(utf8.length);
      this.bytes(utf8);
    } else if (typeof v === "bigint") this.long(v);
    else if (typeof v === "number") {
      if (Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) {
        this.byte(BININT);
        const b = new Uint8Array(4);
        new DataView(b.buffer).setInt32(0, v, true);
        this.bytes(b);
      } else if (Number.isSafeInteger(v)) this.long(BigInt(v));
      else {
        this.byte(BINFLOAT);
        const b = new Uint8Array(8);
        new DataView(b.buffer).setFloat64(0, v, false);
        this.bytes(b);
      }
    } else if (Array.isArray(v)) {
      this.byte(EMPTY_LIST, MARK);
      for (const x of v) this.value(x);
      this.byte(APPENDS);
    } else if ("tuple" in v && Array.isArray(v.tuple)) {
      this.byte(MARK);
      for (const x of v.tuple as PickleValue[]) this.value(x);
      this.byte(TUPLE);
    } else {
      this.byte(EMPTY_DICT, MARK);
      for (const [k, x] of Object.entries(v)) {
        this.value(k);
        this.value(x as PickleValue);
      }
      this.byte(SETITEMS);
    }
  }

  /** An integer of any size: LONG1, little-endian two's complement. */
  private long(v: bigint): void {
    const out: number[] = [];
    let x = v;
    for (;;) {
      out.push(Number(x & 0xffn));
      x >>= 8n;
      const sign = (out[out.length - 1]! & 0x80) !== 0;
      if ((x === 0n && !sign) || (x === -1n && sign)) break;
    }
    this.byte(LONG1, out.length, ...out);
  }

  private u32(n: number): void {
    this.byte(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
  }

  global(module: string, name: string): void {
    this.byte(GLOBAL);
    this.bytes(this.encoder.encode(`${module}\n${name}\n`));
  }

  result(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/**
 * A pickle of `numpy.array(rows, dtype)`: `dtype` as numpy's list of (name, dtype string) members ("|O" for text
 * and references), each row a list of its members' values in that order.
 */
export function encodePickledCompound(dtype: readonly (readonly [string, string])[], rows: readonly (readonly PickleValue[])[]): Uint8Array {
  const w = new PickleWriter();
  w.byte(PROTO, 2);
  w.global("numpy", "array");
  w.byte(MARK);
  w.value(rows.map((r) => ({ tuple: [...r] })));
  w.value(dtype.map(([name, code]) => ({ tuple: [name, code] })));
  w.byte(TUPLE, REDUCE, STOP);
  return w.result();
}
