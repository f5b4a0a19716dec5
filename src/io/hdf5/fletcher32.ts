/**
 * HDF5's Fletcher-32 checksum filter (filter 3): a chunk is stored with the checksum of its bytes (after the filters
 * before it) appended, four bytes little-endian. The checksum is HDF5's own variant (`H5_checksum_fletcher32`):
 * 16-bit words read big-endian, an odd last byte as the high byte of a word, sums folded every 360 words.
 */

/** HDF5's Fletcher-32 checksum of `bytes`. */
export function fletcher32(bytes: Uint8Array): number {
  let sum1 = 0;
  let sum2 = 0;
  const words = bytes.length >>> 1;
  let p = 0;
  for (let left = words; left > 0; ) {
    // 360 words keep both sums under 2^32 before they are folded.
    const n = left > 360 ? 360 : left;
    left -= n;
    for (let i = 0; i < n; i++, p += 2) {
      sum1 += (bytes[p]! << 8) | bytes[p + 1]!;
      sum2 += sum1;
    }
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  if (bytes.length % 2 === 1) {
    sum1 += bytes[p]! << 8;
    sum2 += sum1;
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
  sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  return ((sum2 << 16) | sum1) >>> 0;
}

/** The chunk as the filter stores it: its bytes, then their checksum. */
export function withChecksum(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + 4);
  out.set(bytes);
  new DataView(out.buffer).setUint32(bytes.length, fletcher32(bytes), true);
  return out;
}
