/**
 * HDF5 object headers, read from a file's bytes: the messages of a dataset's or group's header (dataspace,
 * datatype, layout, filters...), for both header versions (version 1, which HDF5 1.8 writes by default and pynwb's
 * files hold; version 2, "OHDR", which h5wasm writes), following continuation blocks. Each message keeps where it
 * sits in its block, so a caller can rewrite it in place (`bool-enum.ts`) and seal the block again (`sealBlock`).
 * Offsets and lengths of 8 bytes are assumed (HDF5's default; `checkSuperblock` says when a file differs).
 */

/** Random access to an HDF5 file's bytes. */
export interface FileBytes {
  read(position: number, length: number): Uint8Array;
  write(position: number, bytes: Uint8Array): void;
}

export const MESSAGE = {
  nil: 0x0000, dataspace: 0x0001, datatype: 0x0003, oldFillValue: 0x0004, fillValue: 0x0005, layout: 0x0008, filters: 0x000b, attribute: 0x000c, continuation: 0x0010,
} as const;

/** A block of an object header (the first, or a continuation) as read. */
export interface HeaderBlock {
  address: number;
  bytes: Uint8Array;
  /** Version 2 blocks end with a checksum of everything before it. */
  checksummed: boolean;
}

/** A message: its type, its body's size, its flags, and where its header and body start in its block. */
export interface HeaderMessage {
  type: number;
  size: number;
  /** Bit 1 set: the message is shared (its body refers to a message stored elsewhere). */
  flags: number;
  block: HeaderBlock;
  start: number;
  body: number;
  /** Version 2 headers that track it: the message's creation order (attributes are listed by it where indexed). */
  order?: number;
}

export interface ObjectHeader {
  address: number;
  version: 1 | 2;
  /** Version 2: whether messages carry a creation order (their headers are then 6 bytes, not 4). */
  withOrder: boolean;
  messages: HeaderMessage[];
  /** Version 1: the 16-byte prefix (it counts the messages). */
  prefix?: Uint8Array;
}

/** HDF5 files tsnwb reads here: a superblock at offset 0, offsets and lengths of 8 bytes. */
export function checkSuperblock(file: Pick<FileBytes, "read">): void {
  const head = file.read(0, 16);
  const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((b, i) => head[i] === b)) throw new Error("no HDF5 superblock at offset 0");
  const version = head[8]!;
  const [offsets, lengths] = version >= 2 ? [head[9], head[10]] : [head[13], head[14]];
  if (offsets !== 8 || lengths !== 8) throw new Error(`HDF5 offsets of ${offsets} and lengths of ${lengths} bytes (8 expected)`);
}

/**
 * The address of the root group's object header, from the superblock (checked as {@link checkSuperblock}), for a file
 * of `size` bytes that HDF5 would open and no writer has open: undefined when its file consistency flags are set (a
 * writer has it, or was killed with it open: HDF5 decides what it then reads), when it is shorter than the end of
 * file its superblock records (HDF5 refuses a truncated file), when a version 0 or 1 superblock names an extension
 * (HDF5 refuses that too), or when its superblock version is unknown.
 */
export function rootGroupAddress(file: Pick<FileBytes, "read">, size: number): number | undefined {
  checkSuperblock(file);
  const superblock = file.read(0, 72);
  const version = superblock[8]!;
  // Versions 0 and 1: 4 bytes of flags at 20, then the base address, the extension's (was the free-space info's:
  // undefined, all ones), the end of file and the driver information's, then the root group's symbol table entry
  // (its header's address 8 bytes in) at 56 (version 1: 60, after the indexed storage K and 2 reserved bytes).
  // Versions 2 and 3: 1 byte of flags at 11, then the base, extension and end-of-file addresses, and the root's
  // header address.
  if (version === 0 || version === 1) {
    const at = version === 0 ? 24 : 28;
    if (readUint(superblock, 20, 4) !== 0 || superblock.subarray(at + 8, at + 16).some((b) => b !== 0xff)) return undefined;
    return readUint(superblock, at + 16, 8) > size ? undefined : readUint(superblock, at + 40, 8);
  }
  if (version === 2 || version === 3) return superblock[11] !== 0 || readUint(superblock, 28, 8) > size ? undefined : readUint(superblock, 36, 8);
  return undefined;
}

/**
 * Clears a version 2 or 3 superblock's file consistency flags, as `h5clear -s` does: HDF5 1.10 sets them while a
 * writer has the file open (bit 0 write access, bit 2 SWMR writing) and clears them at close, so a writer killed
 * leaves them set and HDF5 then refuses the file ("file is already open for write"). Only for a file whose writer
 * is known to be gone. True when they were set (and are now cleared, the superblock's checksum made again).
 */
export function clearSuperblockFlags(file: FileBytes): boolean {
  const superblock = file.read(0, 48);
  const version = superblock[8]!;
  if ((version !== 2 && version !== 3) || superblock[11] === 0) return false;
  checkSuperblock(file);
  superblock[11] = 0;
  writeUint(superblock, 44, 4, lookup3(superblock.subarray(0, 44)));
  file.write(0, superblock);
  return true;
}

/**
 * Bytes read at an object header's address before parsing it: a dataset's header (both blocks of one that h5wasm
 * writes) is a few hundred bytes, and one read of them costs what a read of each field would.
 */
const HEADER_WINDOW = 2048;
/** A header whose continuations run on and on is not one HDF5 wrote. */
const MAX_BLOCKS = 64;

/** The object header at `address`, with every message of every block. */
export function readObjectHeader(file: Pick<FileBytes, "read">, address: number): ObjectHeader {
  let window: Uint8Array;
  try {
    window = file.read(address, HEADER_WINDOW);
  } catch {
    // Near the file's end: the parts are read one by one.
    window = new Uint8Array(0);
  }
  // Parts of the header inside the window are taken from it (as views: a rewrite of a block changes the window).
  const read = (position: number, length: number) =>
    position >= address && position + length <= address + window.length ? window.subarray(position - address, position - address + length) : file.read(position, length);
  const signature = read(address, 4);
  if (signature[0] === 0x4f && signature[1] === 0x48 && signature[2] === 0x44 && signature[3] === 0x52) return readV2(read, address);
  return readV1(read, address);
}

type Read = (position: number, length: number) => Uint8Array;

function tooManyBlocks(count: number, at: number): void {
  if (count > MAX_BLOCKS) throw new Error(`the object header at ${at} has more than ${MAX_BLOCKS} blocks`);
}

function readV2(read: Read, at: number): ObjectHeader {
  const prefix = read(at, 6);
  const flags = prefix[5]!;
  let offset = 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
  const sizeBytes = 1 << (flags & 0x03);
  const chunkSize = readUint(read(at + offset, sizeBytes), 0, sizeBytes);
  offset += sizeBytes;
  const withOrder = (flags & 0x04) !== 0;
  const headerBytes = withOrder ? 6 : 4;
  const messages: HeaderMessage[] = [];
  // Chunk 0 runs from the signature to its checksum; continuation blocks from "OCHK" to theirs.
  const pending = [{ address: at, from: offset, length: offset + chunkSize + 4 }];
  for (let i = 0; i < pending.length; i++) {
    tooManyBlocks(pending.length, at);
    const { address, from, length } = pending[i]!;
    const block: HeaderBlock = { address, bytes: read(address, length), checksummed: true };
    const end = length - 4;
    // Fewer bytes than a message header at the end of a block are a gap, not a message.
    for (let p = from; p + headerBytes <= end; ) {
      const m: HeaderMessage = { type: block.bytes[p]!, size: readUint(block.bytes, p + 1, 2), flags: block.bytes[p + 3]!, block, start: p, body: p + headerBytes };
      if (withOrder) m.order = readUint(block.bytes, p + 4, 2);
      messages.push(m);
      if (m.type === MESSAGE.continuation) pending.push({ address: readUint(block.bytes, m.body, 8), from: 4, length: readUint(block.bytes, m.body + 8, 8) });
      p = m.body + m.size;
    }
  }
  return { address: at, version: 2, withOrder, messages };
}

function readV1(read: Read, at: number): ObjectHeader {
  const prefix = read(at, 16);
  if (prefix[0] !== 1) throw new Error(`no object header at ${at} (version ${prefix[0]})`);
  const messages: HeaderMessage[] = [];
  const pending = [{ address: at + 16, length: readUint(prefix, 8, 4) }];
  for (let i = 0; i < pending.length; i++) {
    tooManyBlocks(pending.length, at);
    const { address, length } = pending[i]!;
    const block: HeaderBlock = { address, bytes: read(address, length), checksummed: false };
    for (let p = 0; p + 8 <= length; ) {
      const m: HeaderMessage = { type: readUint(block.bytes, p, 2), size: readUint(block.bytes, p + 2, 2), flags: block.bytes[p + 4]!, block, start: p, body: p + 8 };
      messages.push(m);
      if (m.type === MESSAGE.continuation) pending.push({ address: readUint(block.bytes, m.body, 8), length: readUint(block.bytes, m.body + 8, 8) });
      p = m.body + m.size;
    }
  }
  return { address: at, version: 1, withOrder: false, messages, prefix };
}

/** A message's body bytes. */
export function messageBody(m: HeaderMessage): Uint8Array {
  return m.block.bytes.subarray(m.body, m.body + m.size);
}

/**
 * Puts `body` in message `m`'s place, the bytes left over becoming a NIL (padding) message, and writes the block
 * back (sealed). False, changing nothing, when the place is too small. Version 1 bodies are padded to 8 bytes and
 * their message headers are 8 bytes, and the header's prefix counts the one more message; version 2 message headers
 * are 4 bytes (6 with creation order). A version 2 block that ends in a gap (bytes too few for a message, which
 * HDF5 leaves) may hold no NIL message (HDF5 1.14 refuses the block): there the body keeps the place's size, its
 * last bytes zeros, which the message's decoder does not read. With `as`, the place becomes a message of another type
 * and flags (an attribute kept as room for a fill value, `fill-value.ts`).
 */
export function replaceMessage(file: FileBytes, header: ObjectHeader, m: HeaderMessage, body: Uint8Array, as?: { type: number; flags: number }): boolean {
  if (header.version === 2 && endsInGap(header, m.block)) {
    if (body.length > m.size) return false;
    if (as) retype(header, m, as.type, as.flags);
    m.block.bytes.fill(0, m.body, m.body + m.size);
    m.block.bytes.set(body, m.body);
    sealBlock(file, m.block);
    return true;
  }
  const size = header.version === 1 ? Math.ceil(body.length / 8) * 8 : body.length;
  const nilHeader = header.version === 1 ? 8 : header.withOrder ? 6 : 4;
  const spare = m.size - size - nilHeader;
  if (spare < 0) return false;
  if (as) retype(header, m, as.type, as.flags);
  const bytes = m.block.bytes;
  bytes.fill(0, m.body, m.body + m.size);
  bytes.set(body, m.body);
  const nil = m.body + size;
  if (header.version === 1) {
    writeUint(bytes, m.start + 2, 2, size);
    writeUint(bytes, nil, 2, MESSAGE.nil);
    writeUint(bytes, nil + 2, 2, spare);
    writeUint(header.prefix!, 2, 2, readUint(header.prefix!, 2, 2) + 1);
    file.write(header.address, header.prefix!.subarray(0, 4));
  } else {
    writeUint(bytes, m.start + 1, 2, size);
    bytes[nil] = MESSAGE.nil;
    writeUint(bytes, nil + 1, 2, spare);
  }
  sealBlock(file, m.block);
  return true;
}

/** Sets a message's type and flags in its block (written back by the caller). */
function retype(header: ObjectHeader, m: HeaderMessage, type: number, flags: number): void {
  if (header.version === 1) {
    writeUint(m.block.bytes, m.start, 2, type);
    m.block.bytes[m.start + 4] = flags;
  } else {
    m.block.bytes[m.start] = type;
    m.block.bytes[m.start + 3] = flags;
  }
  m.type = type;
  m.flags = flags;
}

/**
 * Makes a message a NIL (padding) message, its bytes kept and ignored, and writes its block back (sealed). A version
 * 2 block that ends in a gap may hold no NIL message (HDF5 1.14 refuses it: "gap in chunk with no null messages"):
 * there the message is taken out, the messages after it moved up (nothing points inside a block), and the bytes
 * freed and the gap become one NIL message at the block's end.
 */
export function nilMessage(file: FileBytes, header: ObjectHeader, m: HeaderMessage): void {
  if (header.version === 2 && endsInGap(header, m.block)) {
    const bytes = m.block.bytes;
    const headerBytes = header.withOrder ? 6 : 4;
    let end = 0;
    for (const x of header.messages) if (x.block === m.block) end = Math.max(end, x.body + x.size);
    const removed = m.body + m.size - m.start;
    bytes.copyWithin(m.start, m.body + m.size, end);
    for (const x of header.messages) {
      if (x.block !== m.block || x.start <= m.start) continue;
      x.start -= removed;
      x.body -= removed;
    }
    header.messages.splice(header.messages.indexOf(m), 1);
    const nil = end - removed;
    const blockEnd = bytes.length - 4;
    bytes.fill(0, nil, blockEnd);
    writeUint(bytes, nil + 1, 2, blockEnd - nil - headerBytes);
    sealBlock(file, m.block);
    return;
  }
  retype(header, m, MESSAGE.nil, 0);
  sealBlock(file, m.block);
}

/** Whether a version 2 block has bytes after its last message (before its checksum): a gap. */
function endsInGap(header: ObjectHeader, block: HeaderBlock): boolean {
  let end = 0;
  for (const m of header.messages) if (m.block === block) end = Math.max(end, m.body + m.size);
  return end < block.bytes.length - 4;
}

/** Writes a block changed in place back, its checksum made again for version 2. */
export function sealBlock(file: FileBytes, block: HeaderBlock): void {
  if (block.checksummed) writeUint(block.bytes, block.bytes.length - 4, 4, lookup3(block.bytes.subarray(0, block.bytes.length - 4)));
  file.write(block.address, block.bytes);
}

/** A little-endian unsigned integer of `size` bytes (sizes over 6 bytes must stay below 2^53). */
export function readUint(bytes: Uint8Array, at: number, size: number): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + bytes[at + i]!;
  return v;
}

export function writeUint(bytes: Uint8Array, at: number, size: number, value: number): void {
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
