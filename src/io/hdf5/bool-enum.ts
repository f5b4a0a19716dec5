/**
 * Booleans as h5py and pynwb store them: an HDF5 enum over int8 with members FALSE = 0 and TRUE = 1. h5wasm 0.10.3
 * cannot create enum types, so a boolean dataset is created as a stand-in of the same bytes (a compound of one
 * uint8 member, whose long member name makes its datatype message larger than the enum's) and, once the file is
 * closed, that datatype message is rewritten in place as h5py's enum message, the bytes left over becoming a NIL
 * (padding) message. The values need no change: both types store one byte per element, 0 or 1.
 *
 * This reads and rewrites only the dataset's object header, located by the object reference HDF5 gives for it
 * (an object reference is the header's address), for object headers of version 1 (files HDF5 1.8 made, pynwb's)
 * and version 2 (h5wasm's), with their continuation blocks and checksums.
 */

/** The stand-in compound's one member: a name long enough that the enum message and a NIL message fit in its place. */
export const BOOL_STAND_IN_MEMBER = "tsnwb_bool_stand_in_rewritten_as_an_hdf5_enum_on_close";

/** Random access to a closed HDF5 file's bytes. */
export interface FileBytes {
  read(position: number, length: number): Uint8Array;
  write(position: number, bytes: Uint8Array): void;
}

/** The datatype message body h5py writes for numpy's bool (version 1 enum, 2 members, over a version 1 int8). */
export const BOOL_ENUM_MESSAGE = Uint8Array.from([
  0x18, 0x02, 0x00, 0x00, // version 1, class 8 (enum); 2 members
  0x01, 0x00, 0x00, 0x00, // size: 1 byte
  0x10, 0x08, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, // base: fixed-point, signed, 1 byte, bits 0-7
  ...asciiPadded("FALSE", 8), ...asciiPadded("TRUE", 8), // names, each NUL-terminated and padded to 8 bytes
  0x00, 0x01, // values
]);

const DATATYPE_MESSAGE = 0x0003;
const CONTINUATION_MESSAGE = 0x0010;
const NIL_MESSAGE = 0x0000;
const COMPOUND_CLASS = 6;

/** Rewrites the datatype of each stand-in dataset (by object header address) as h5py's boolean enum. */
export function rewriteBoolDatatypes(file: FileBytes, addresses: readonly bigint[]): void {
  if (addresses.length === 0) return;
  checkSuperblock(file);
  for (const address of addresses) {
    const at = Number(address);
    const header = file.read(at, 4);
    const rewritten = header[0] === 0x4f && header[1] === 0x48 && header[2] === 0x44 && header[3] === 0x52 ? rewriteV2(file, at) : rewriteV1(file, at);
    if (!rewritten) throw new Error(`the object header at ${at} holds no boolean stand-in datatype to rewrite`);
  }
}

/** Offsets and lengths of 8 bytes, and no user block: what HDF5 (and so h5wasm) makes by default. */
function checkSuperblock(file: FileBytes): void {
  const head = file.read(0, 16);
  const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((b, i) => head[i] === b)) throw new Error("no HDF5 superblock at offset 0");
  const version = head[8]!;
  const [offsets, lengths] = version >= 2 ? [head[9], head[10]] : [head[13], head[14]];
  if (offsets !== 8 || lengths !== 8) throw new Error(`HDF5 offsets of ${offsets} and lengths of ${lengths} bytes (8 expected)`);
}

/** A message found in an object header: where its type/size header and its body are. */
interface Message {
  type: number;
  size: number;
  /** Offset of the message's header in its block. */
  start: number;
  /** Offset of the body in its block. */
  body: number;
}

/** Version 2 object header ("OHDR"): messages of 1-byte type, checksummed chunks, continuation blocks "OCHK". */
function rewriteV2(file: FileBytes, at: number): boolean {
  const prefix = file.read(at, 6);
  const flags = prefix[5]!;
  let offset = 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
  const sizeBytes = 1 << (flags & 0x03);
  const sizeField = file.read(at + offset, sizeBytes);
  const chunkSize = readUint(sizeField, 0, sizeBytes);
  offset += sizeBytes;
  const withOrder = (flags & 0x04) !== 0;
  // Chunk 0: from the signature to its checksum; continuation blocks: from "OCHK" to theirs.
  const blocks: { address: number; messagesFrom: number; length: number }[] = [{ address: at, messagesFrom: offset, length: offset + chunkSize + 4 }];
  for (let b = 0; b < blocks.length; b++) {
    const block = blocks[b]!;
    const bytes = file.read(block.address, block.length);
    for (const m of messagesV2(bytes, block.messagesFrom, block.length - 4, withOrder)) {
      if (m.type === CONTINUATION_MESSAGE) {
        blocks.push({ address: Number(readUint(bytes, m.body, 8)), messagesFrom: 4, length: Number(readUint(bytes, m.body + 8, 8)) });
      } else if (m.type === DATATYPE_MESSAGE && isStandIn(bytes, m)) {
        const headerBytes = withOrder ? 6 : 4;
        const spare = m.size - BOOL_ENUM_MESSAGE.length - headerBytes;
        if (spare < 0) throw new Error("the boolean stand-in's datatype message is too small for the enum");
        writeUint(bytes, m.start + 1, 2, BOOL_ENUM_MESSAGE.length);
        bytes.set(BOOL_ENUM_MESSAGE, m.body);
        const nil = m.body + BOOL_ENUM_MESSAGE.length;
        bytes.fill(0, nil, m.body + m.size);
        bytes[nil] = NIL_MESSAGE;
        writeUint(bytes, nil + 1, 2, spare);
        writeUint(bytes, block.length - 4, 4, lookup3(bytes.subarray(0, block.length - 4)));
        file.write(block.address, bytes);
        return true;
      }
    }
  }
  return false;
}

function* messagesV2(bytes: Uint8Array, from: number, end: number, withOrder: boolean): Generator<Message> {
  const headerBytes = withOrder ? 6 : 4;
  // Fewer bytes than a message header at the end of a chunk are a gap, not a message.
  for (let p = from; p + headerBytes <= end; ) {
    const size = readUint(bytes, p + 1, 2);
    yield { type: bytes[p]!, size, start: p, body: p + headerBytes };
    p += headerBytes + size;
  }
}

/** Version 1 object header: a 16-byte prefix, 8-byte aligned messages with 2-byte types, no checksum. */
function rewriteV1(file: FileBytes, at: number): boolean {
  const prefix = file.read(at, 16);
  if (prefix[0] !== 1) throw new Error(`no object header at ${at} (version ${prefix[0]})`);
  const blocks = [{ address: at + 16, length: readUint(prefix, 8, 4) }];
  for (let b = 0; b < blocks.length; b++) {
    const block = blocks[b]!;
    const bytes = file.read(block.address, block.length);
    for (let p = 0; p + 8 <= block.length; ) {
      const m: Message = { type: readUint(bytes, p, 2), size: readUint(bytes, p + 2, 2), start: p, body: p + 8 };
      if (m.type === CONTINUATION_MESSAGE) {
        blocks.push({ address: Number(readUint(bytes, m.body, 8)), length: Number(readUint(bytes, m.body + 8, 8)) });
      } else if (m.type === DATATYPE_MESSAGE && isStandIn(bytes, m)) {
        const enumSize = Math.ceil(BOOL_ENUM_MESSAGE.length / 8) * 8;
        const spare = m.size - enumSize - 8;
        if (spare < 0) throw new Error("the boolean stand-in's datatype message is too small for the enum");
        writeUint(bytes, m.start + 2, 2, enumSize);
        bytes.fill(0, m.body, m.body + m.size);
        bytes.set(BOOL_ENUM_MESSAGE, m.body);
        const nil = m.body + enumSize;
        writeUint(bytes, nil, 2, NIL_MESSAGE);
        writeUint(bytes, nil + 2, 2, spare);
        file.write(block.address, bytes);
        // The prefix counts the messages: one more (the NIL).
        writeUint(prefix, 2, 2, readUint(prefix, 2, 2) + 1);
        file.write(at, prefix.subarray(0, 4));
        return true;
      }
      p = m.body + m.size;
    }
  }
  return false;
}

/** Whether a datatype message is the stand-in: a 1-byte compound whose only member is named {@link BOOL_STAND_IN_MEMBER}. */
function isStandIn(bytes: Uint8Array, m: Message): boolean {
  const body = bytes.subarray(m.body, m.body + m.size);
  if ((body[0]! & 0x0f) !== COMPOUND_CLASS || readUint(body, 1, 2) !== 1 || readUint(body, 4, 4) !== 1) return false;
  const name = new TextEncoder().encode(BOOL_STAND_IN_MEMBER);
  return name.every((c, i) => body[8 + i] === c) && body[8 + name.length] === 0;
}

function asciiPadded(text: string, length: number): number[] {
  const out = new Array<number>(length).fill(0);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** A little-endian unsigned integer of `size` bytes (sizes over 6 bytes must stay below 2^53). */
function readUint(bytes: Uint8Array, at: number, size: number): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + bytes[at + i]!;
  return v;
}

function writeUint(bytes: Uint8Array, at: number, size: number, value: number): void {
  for (let i = 0; i < size; i++) {
    bytes[at + i] = value % 256;
    value = Math.floor(value / 256);
  }
}

/** Bob Jenkins' lookup3 `hashlittle` with initial value 0: the checksum of HDF5's version 2 metadata. */
export function lookup3(k: Uint8Array): number {
  let length = k.length;
  let a = (0xdeadbeef + length) >>> 0;
  let b = a;
  let c = a;
  const rot = (x: number, n: number) => ((x << n) | (x >>> (32 - n))) >>> 0;
  let o = 0;
  const word = (i: number) => (k[i]! | (k[i + 1]! << 8) | (k[i + 2]! << 16) | (k[i + 3]! << 24)) >>> 0;
  while (length > 12) {
    a = (a + word(o)) >>> 0;
    b = (b + word(o + 4)) >>> 0;
    c = (c + word(o + 8)) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rot(c, 4)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rot(a, 6)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rot(b, 8)) >>> 0; b = (b + a) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rot(c, 16)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rot(a, 19)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rot(b, 4)) >>> 0; b = (b + a) >>> 0;
    length -= 12;
    o += 12;
  }
  if (length === 0) return c;
  // The last 1..12 bytes, added byte by byte (HDF5's byte-wise variant of hashlittle).
  const tail = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < length; i++) tail[i] = k[o + i]!;
  a = (a + (tail[0]! | (tail[1]! << 8) | (tail[2]! << 16) | (tail[3]! << 24))) >>> 0;
  b = (b + (tail[4]! | (tail[5]! << 8) | (tail[6]! << 16) | (tail[7]! << 24))) >>> 0;
  c = (c + (tail[8]! | (tail[9]! << 8) | (tail[10]! << 16) | (tail[11]! << 24))) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 14)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 11)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 25)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 16)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 4)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 14)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 24)) >>> 0;
  return c;
}
