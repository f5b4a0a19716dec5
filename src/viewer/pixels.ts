/**
 * Array data to screen pixels: (rows, columns[, channels]) values to RGBA bytes, the first axis as rows as pynwb
 * users store images. uint8 is shown as it is; other dtypes are mapped linearly from a range (the data's own
 * minimum and maximum unless one is given) to 0-255.
 */

export interface Picture {
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
  /** The values mapped to black and white (for uint8: 0 and 255). */
  range: [number, number];
}

/** The smallest and largest finite values. */
export function valueRange(values: ArrayLike<number | bigint>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo === Infinity ? [0, 1] : [lo, hi];
}

/** RGBA pixels of an image of `shape` (rows, columns) or (rows, columns, 3 or 4). */
export function toPicture(values: ArrayLike<number | bigint>, shape: readonly number[], dtype: string, range?: [number, number]): Picture {
  const [height, width, channels = 1] = shape as [number, number, number?];
  const r: [number, number] = range ?? (dtype === "uint8" ? [0, 255] : valueRange(values));
  const scale = r[1] > r[0] ? 255 / (r[1] - r[0]) : 0;
  const level = (v: number | bigint) => (dtype === "uint8" && !range ? Number(v) : (Number(v) - r[0]) * scale);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const at = p * channels;
    if (channels === 1) {
      const g = level(values[at]!);
      rgba[4 * p] = g;
      rgba[4 * p + 1] = g;
      rgba[4 * p + 2] = g;
      rgba[4 * p + 3] = 255;
    } else {
      rgba[4 * p] = level(values[at]!);
      rgba[4 * p + 1] = level(values[at + 1]!);
      rgba[4 * p + 2] = level(values[at + 2]!);
      // Alpha is shown as it is stored (uint8) or scaled like the colours.
      rgba[4 * p + 3] = channels === 4 ? level(values[at + 3]!) : 255;
    }
  }
  return { rgba, width, height, range: r };
}

/** Tints in red the pixels whose mask value is not 0 (an ImageMaskSeries over the series it masks). */
export function overlayMask(picture: Picture, mask: ArrayLike<number | bigint>): Picture {
  const rgba = picture.rgba.slice();
  for (let p = 0; p < picture.width * picture.height; p++) {
    if (Number(mask[p]) === 0) continue;
    rgba[4 * p] = (rgba[4 * p]! + 255) / 2;
    rgba[4 * p + 1] = rgba[4 * p + 1]! / 2;
    rgba[4 * p + 2] = rgba[4 * p + 2]! / 2;
  }
  return { ...picture, rgba };
}
