/**
 * Text that HDF5 and pynwb store as given. HDF5 ends a C string at its first NUL, so "a\0b" would read back "a";
 * a lone UTF-16 surrogate has no UTF-8 form, so it would be written as bytes pynwb cannot decode. Both are refused
 * where text enters tsnwb, rather than changed.
 */

const SURROGATE = /[\uD800-\uDFFF]/;

/** What keeps `s` from being stored exactly, or undefined when nothing does. */
export function textProblem(s: string): string | undefined {
  const nul = s.indexOf("\0");
  if (nul >= 0) return `a NUL character at index ${nul} (HDF5 would cut the text there)`;
  if (SURROGATE.test(s)) {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      if (pair) i++;
      else if (c >= 0xd800 && c <= 0xdfff) return `a lone UTF-16 surrogate at index ${i} (it has no UTF-8 form)`;
    }
  }
  return undefined;
}
