/**
 * HDF5's shuffle filter: byte b of element i of a chunk is stored at b * n + i (n the chunk's elements), so that the
 * bytes of one significance sit together and deflate better. Bytes past the last whole element stay in place.
 */

/** The stored order of a chunk's bytes (as HDF5's shuffle writes them). */
export function shuffle(bytes: Uint8Array, elementBytes: number): Uint8Array {
  return permute(bytes, elementBytes, true);
}

/** A chunk's bytes back in element order (as HDF5's shuffle reads them). */
export function unshuffle(bytes: Uint8Array, elementBytes: number): Uint8Array {
  return permute(bytes, elementBytes, false);
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
