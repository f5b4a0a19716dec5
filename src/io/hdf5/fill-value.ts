/**
 * A dataset's fill value: what HDF5 reads where nothing was written (chunks never written, as pynwb's iterative write
 * of a sparse matrix leaves most of them). Read from the fill value message of the dataset's object header (the
 * direct reader fills unwritten chunks with it; a copy keeps it), and written there once the file is closed: h5wasm
 * cannot set a fill value when it creates a dataset, so the writer gives the dataset an attribute as room for it
 * (`FILL_VALUE_ROOM`), which close() rewrites as the fill value message, the dataset's own (default) fill value
 * message becoming a NIL (padding) message. As the boolean enum (`bool-enum.ts`), readers only see the file once
 * rewritten.
 */
import { type NumericDType, bytesPerElement, typedArrayConstructor } from "../../data/dtype.js";
import { type FileBytes, type HeaderMessage, MESSAGE, checkSuperblock, messageBody, nilMessage, readObjectHeader, readUint, replaceMessage, writeUint } from "./object-header.js";

/** The name of the attribute kept as room for a fill value until close: long enough for the message and a NIL. */
export const FILL_VALUE_ROOM = "tsnwb_room_for_the_fill_value_written_at_close";
/** The room attribute's value: bytes enough that its message holds any fill value message of a numeric type. */
export const FILL_VALUE_ROOM_BYTES = 16;

/** Bit 5 of a version 3 message's flags: a value follows. Bit 4: the fill value is undefined. */
const HAVE_VALUE = 0x20;
const UNDEFINED_VALUE = 0x10;

/**
 * The fill value of a dataset of `elementBytes`-byte elements from its header's messages: its bytes (zeros for the
 * library's default, and for an undefined fill value, which HDF5 leaves to the reader's buffer), or undefined when
 * the messages say something tsnwb does not read (a value of another size).
 */
export function fillValueOf(messages: readonly HeaderMessage[], elementBytes: number): Uint8Array | undefined {
  const message = messages.find((m) => m.type === MESSAGE.fillValue) ?? messages.find((m) => m.type === MESSAGE.oldFillValue);
  if (message === undefined || (message.flags & 0x02) !== 0) return message === undefined ? new Uint8Array(elementBytes) : undefined;
  const body = messageBody(message);
  let at: number | undefined;
  if (message.type === MESSAGE.oldFillValue) at = 0;
  else if (body[0] === 1 || body[0] === 2) at = body[0] === 1 || body[3] !== 0 ? 4 : undefined;
  else if (body[0] === 3) at = body[1]! & HAVE_VALUE ? 2 : undefined;
  else return undefined;
  const size = at === undefined || at + 4 > body.length ? 0 : readUint(body, at, 4);
  if (size === 0) return new Uint8Array(elementBytes);
  if (size !== elementBytes || at! + 4 + size > body.length) return undefined;
  return body.slice(at! + 4, at! + 4 + size);
}

/** Whether a fill value is the default (all bits zero: 0, not -0.0). */
export function isDefaultFill(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0);
}

/** A dataset whose fill value close() writes: its object header, and the value's bytes (little-endian). */
export interface FillValueTarget {
  header: number;
  path: string;
  bytes: Uint8Array;
}

/**
 * Writes each dataset's fill value in its closed file: the room attribute becomes the fill value message (of the
 * version and times of the dataset's own, now with the value), then the dataset's own message a NIL message (HDF5
 * reads the first fill value message it meets, which until then is the dataset's own: a kill between the two
 * leaves the dataset as h5wasm made it).
 */
export function rewriteFillValues(file: FileBytes, targets: readonly FillValueTarget[]): void {
  if (targets.length === 0) return;
  checkSuperblock(file);
  for (const target of targets) {
    const header = readObjectHeader(file, target.header);
    const own = header.messages.find((m) => m.type === MESSAGE.fillValue);
    const room = header.messages.find((m) => m.type === MESSAGE.attribute && attributeName(messageBody(m)) === FILL_VALUE_ROOM);
    if (own === undefined) throw new Error(`${target.path}: no fill value message in the dataset's header`);
    // HDF5 moves the attributes of an object out of its header (dense storage) past 8 of them, room included.
    if (room === undefined) throw new Error(`${target.path}: no room kept for the fill value in the dataset's header (more than 8 attributes?)`);
    const body = withValue(messageBody(own), target.bytes);
    if (body === undefined) throw new Error(`${target.path}: a fill value message of version ${messageBody(own)[0]} (1 to 3 expected)`);
    if (!replaceMessage(file, header, room, body, { type: MESSAGE.fillValue, flags: own.flags })) throw new Error(`${target.path}: no room for the fill value message`);
    nilMessage(file, header, own);
  }
}

/** A fill value message as `own` (its version, allocation and fill times) with `value` defined. */
function withValue(own: Uint8Array, value: Uint8Array): Uint8Array | undefined {
  const version = own[0]!;
  if (version === 3) {
    const body = new Uint8Array(6 + value.length);
    body[0] = 3;
    body[1] = (own[1]! & ~UNDEFINED_VALUE) | HAVE_VALUE;
    writeUint(body, 2, 4, value.length);
    body.set(value, 6);
    return body;
  }
  if (version !== 1 && version !== 2) return undefined;
  const body = new Uint8Array(8 + value.length);
  body.set(own.subarray(0, 3));
  body[3] = 1;
  writeUint(body, 4, 4, value.length);
  body.set(value, 8);
  return body;
}

/** The name of an attribute message (versions 1 to 3), or undefined. */
function attributeName(body: Uint8Array): string | undefined {
  const version = body[0];
  if (version !== 1 && version !== 2 && version !== 3) return undefined;
  const length = readUint(body, 2, 2);
  const at = version === 3 ? 9 : 8;
  if (length === 0 || at + length > body.length) return undefined;
  return new TextDecoder().decode(body.subarray(at, at + length - 1));
}

/** A fill value's little-endian bytes as the number of `dtype` they are (a bigint for 64-bit integers). */
export function fillValueNumber(bytes: Uint8Array, dtype: NumericDType): number | bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case "int8": return view.getInt8(0);
    case "uint8": return view.getUint8(0);
    case "int16": return view.getInt16(0, true);
    case "uint16": return view.getUint16(0, true);
    case "int32": return view.getInt32(0, true);
    case "uint32": return view.getUint32(0, true);
    case "int64": return view.getBigInt64(0, true);
    case "uint64": return view.getBigUint64(0, true);
    case "float32": return view.getFloat32(0, true);
    case "float64": return view.getFloat64(0, true);
  }
}

/** A number as the little-endian bytes of one element of `dtype` (a fill value to write). */
export function fillValueBytes(value: number | bigint, dtype: NumericDType): Uint8Array {
  const bytes = new Uint8Array(bytesPerElement(dtype));
  const array = new (typedArrayConstructor(dtype))(bytes.buffer);
  (array as unknown as (number | bigint)[])[0] = dtype === "int64" || dtype === "uint64" ? BigInt(value) : Number(value);
  return bytes;
}
