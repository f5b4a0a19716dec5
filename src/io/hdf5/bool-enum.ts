/**
 * Booleans as h5py and pynwb store them: an HDF5 enum over int8 with members FALSE = 0 and TRUE = 1. h5wasm 0.10.3
 * cannot create enum types, so a boolean dataset is created as a stand-in of the same bytes (a compound of one
 * uint8 member, whose long member name makes its datatype message larger than the enum's) and, once the file is
 * closed, that datatype message is rewritten in place as h5py's enum message, the bytes left over becoming a NIL
 * (padding) message. The values need no change: both types store one byte per element, 0 or 1.
 *
 * This reads and rewrites only the dataset's object header (`object-header.ts`), located by the object reference
 * HDF5 gives for it (an object reference is the header's address).
 */
import { type FileBytes, MESSAGE, checkSuperblock, messageBody, readObjectHeader, readUint, replaceMessage } from "./object-header.js";

export type { FileBytes };
export { lookup3 } from "./object-header.js";

/** The stand-in compound's one member: a name long enough that the enum message and a NIL message fit in its place. */
export const BOOL_STAND_IN_MEMBER = "tsnwb_bool_stand_in_rewritten_as_an_hdf5_enum_on_close";

/** The datatype message body h5py writes for numpy's bool (version 1 enum, 2 members, over a version 1 int8). */
export const BOOL_ENUM_MESSAGE = Uint8Array.from([
  0x18, 0x02, 0x00, 0x00, // version 1, class 8 (enum); 2 members
  0x01, 0x00, 0x00, 0x00, // size: 1 byte
  0x10, 0x08, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, // base: fixed-point, signed, 1 byte, bits 0-7
  ...asciiPadded("FALSE", 8), ...asciiPadded("TRUE", 8), // names, each NUL-terminated and padded to 8 bytes
  0x00, 0x01, // values
]);

const COMPOUND_CLASS = 6;

/** Rewrites the datatype of each stand-in dataset (by object header address) as h5py's boolean enum. */
export function rewriteBoolDatatypes(file: FileBytes, addresses: readonly number[]): void {
  if (addresses.length === 0) return;
  checkSuperblock(file);
  for (const address of addresses) {
    const header = readObjectHeader(file, address);
    const m = header.messages.find((x) => x.type === MESSAGE.datatype && isStandIn(messageBody(x)));
    if (!m) throw new Error(`the object header at ${address} holds no boolean stand-in datatype to rewrite`);
    // The enum in the stand-in's place, the bytes left over a NIL message.
    if (!replaceMessage(file, header, m, BOOL_ENUM_MESSAGE)) throw new Error("the boolean stand-in's datatype message is too small for the enum");
  }
}

/** Whether a datatype message is the stand-in: a 1-byte compound whose only member is named {@link BOOL_STAND_IN_MEMBER}. */
function isStandIn(body: Uint8Array): boolean {
  if ((body[0]! & 0x0f) !== COMPOUND_CLASS || readUint(body, 1, 2) !== 1 || readUint(body, 4, 4) !== 1) return false;
  const name = new TextEncoder().encode(BOOL_STAND_IN_MEMBER);
  return name.every((c, i) => body[8 + i] === c) && body[8 + name.length] === 0;
}

function asciiPadded(text: string, length: number): number[] {
  const out = new Array<number>(length).fill(0);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
