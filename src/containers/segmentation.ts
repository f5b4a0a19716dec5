/**
 * The hand-written PlaneSegmentation: pynwb's `add_roi` (an ROI as an image mask, a pixel mask or a voxel mask)
 * and `create_roi_table_region`, for the ROI responses that point at its rows.
 */
import { PlaneSegmentationBase, type PlaneSegmentationOptions as GeneratedOptions } from "../generated/core/PlaneSegmentation.js";
import { DynamicTableRegion } from "../generated/hdmf-common/DynamicTableRegion.js";
import type { ArrayInput } from "../data/ndarray.js";
import { ValidationError } from "../errors.js";

/** What `new PlaneSegmentation` takes: the schema's fields, its name defaulting as pynwb's. */
export interface PlaneSegmentationOptions extends Omit<GeneratedOptions, "name"> {
  /** Default: the imaging plane's name, as pynwb names it. */
  name?: string;
}

/** A pixel of a pixel mask: `[x, y, weight]` or `{ x, y, weight }`. */
export type PixelMaskEntry = [number, number, number] | {
  /** The pixel's column. */
  x: number;
  /** The pixel's row. */
  y: number;
  /** Its weight in the ROI. */
  weight: number;
};
/** A voxel of a voxel mask: `[x, y, z, weight]` or `{ x, y, z, weight }`. */
export type VoxelMaskEntry = [number, number, number, number] | {
  /** The voxel's column. */
  x: number;
  /** The voxel's row. */
  y: number;
  /** The voxel's plane. */
  z: number;
  /** Its weight in the ROI. */
  weight: number;
};

/** An ROI as `addRoi` takes it: at least one mask; other keys fill the columns the table has. */
export interface RoiValues {
  /** A weight per pixel of the imaging plane, (x, y) or (x, y, z): nested arrays or `{ data, shape }`. */
  image_mask?: ArrayInput;
  /** The ROI's pixels, each with a weight. */
  pixel_mask?: PixelMaskEntry[];
  /** The ROI's voxels, each with a weight. */
  voxel_mask?: VoxelMaskEntry[];
  /** The row's id (unique in the table); default: the row's number. */
  id?: number;
  [column: string]: unknown;
}

/** Regions of interest of an imaging plane, each an image mask, a pixel mask or a voxel mask. */
export class PlaneSegmentation extends PlaneSegmentationBase {
  constructor(opts: PlaneSegmentationOptions) {
    super({ ...opts, name: opts?.name ?? opts?.imaging_plane?.name } as GeneratedOptions);
  }

  /** Adds an ROI (pynwb's `add_roi`); the mask columns are made by the first ROI that gives them. */
  addRoi(values: RoiValues): this {
    const { id, ...given } = values;
    const row: Record<string, unknown> = given;
    if (row.image_mask === undefined && row.pixel_mask === undefined && row.voxel_mask === undefined) {
      throw new ValidationError(this.describe(), "image_mask", "at least one of image_mask, pixel_mask and voxel_mask", `row ${this.length}: none`);
    }
    if (row.pixel_mask !== undefined) row.pixel_mask = this.maskRows("pixel_mask", row.pixel_mask, ["x", "y", "weight"]);
    if (row.voxel_mask !== undefined) row.voxel_mask = this.maskRows("voxel_mask", row.voxel_mask, ["x", "y", "z", "weight"]);
    return this.addRow(row, id === undefined ? {} : { id });
  }

  /** A region of this table's ROIs (pynwb's `create_roi_table_region`), for a RoiResponseSeries' `rois`. */
  createRoiTableRegion(region: number[], description: string, name = "rois"): DynamicTableRegion {
    return this.createRegion(name, region, description);
  }

  /** Mask entries as rows of the mask's compound (`[x, y, weight]` becomes `{ x, y, weight }`). */
  private maskRows(column: string, entries: unknown, members: string[]): Record<string, unknown>[] {
    if (!Array.isArray(entries)) throw new ValidationError(this.describe(), column, `a list of ${members.join(", ")} entries`, `row ${this.length}: ${JSON.stringify(entries)}`);
    return entries.map((e, i) => {
      if (Array.isArray(e) && e.length === members.length) return Object.fromEntries(members.map((m, k) => [m, e[k]]));
      if (typeof e === "object" && e !== null && members.every((m) => m in e)) return e as Record<string, unknown>;
      throw new ValidationError(this.describe(), column, `entries of ${members.join(", ")}`, `row ${this.length}, entry ${i}: ${JSON.stringify(e)}`);
    });
  }
}
