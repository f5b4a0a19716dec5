/**
 * HDF5's shuffle filter: byte b of element i of a chunk is stored at b * n + i (n the chunk's elements), so that the
 * bytes of one significance sit together and deflate better. Bytes past the last whole element stay in place.
 */

/** Whether this machine's typed arrays are little-endian (all that tsnwb runs on, but the fast path checks). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The stored order of a chunk's bytes (as HDF5's shuffle writes them). */
export function shuffle(bytes: Uint8Array, elementBytes: number): Uint8Array {
  return permute(bytes, elementBytes, true);
}

/** A chunk's bytes back in element order (as HDF5's shuffle reads them). */
export function unshuffle(bytes: Uint8Array, elementBytes: number): Uint8Array {
  if (LITTLE_ENDIAN && (elementBytes === 2 || elementBytes === 4 || elementBytes === 8)) return unshuffleWords(bytes, elementBytes);
  return permute(bytes, elementBytes, false);
}

/**
 * Unshuffle for elements of 2, 4 or 8 bytes, writing whole 16- or 32-bit words (a byte from each plane) instead of
 * one byte at a time: several times faster than the byte loop on a chunk of a few MB.
 */
function unshuffleWords(bytes: Uint8Array, e: 2 | 4 | 8): Uint8Array {
  const n = Math.floor(bytes.length / e);
  const out = new Uint8Array(bytes.length);
  if (e === 2) {
    const words = new Uint16Array(out.buffer, 0, n);
    for (let i = 0; i < n; i++) words[i] = bytes[i]! | (bytes[n + i]! << 8);
  } else if (e === 4) {
    const words = new Uint32Array(out.buffer, 0, n);
    for (let i = 0; i < n; i++) words[i] = bytes[i]! | (bytes[n + i]! << 8) | (bytes[2 * n + i]! << 16) | (bytes[3 * n + i]! << 24);
  } else {
    // The low word of element i from planes 0 to 3, its high word from planes 4 to 7.
    const words = new Uint32Array(out.buffer, 0, 2 * n);
    for (let i = 0; i < n; i++) {
      words[2 * i] = bytes[i]! | (bytes[n + i]! << 8) | (bytes[2 * n + i]! << 16) | (bytes[3 * n + i]! << 24);
      words[2 * i + 1] = bytes[4 * n + i]! | (bytes[5 * n + i]! << 8) | (bytes[6 * n + i]! << 16) | (bytes[7 * n + i]! << 24);
    }
  }
  out.set(bytes.subarray(n * e), n * e);
  return out;
}

function permute(bytes: Uint8Array, e: number, forward: boolean): Uint8Array {
  if (e === 1) return bytes;
  const n = Math.floor(bytes.length / e);
  const out = new Uint8Array(bytes.length);
  for (let b = 0; b < e; b++) {
    const plane = b * n;
    if (forward) for (let i = 0; i < n; i++) out[plane + i] = bytes[i * e + b]!;
    else for (let i = 0; i < n; i++) out[i * e + b] = bytes[plane + i]!;
  }
  out.set(bytes.subarray(n * e), n * e);
  return out;
}
