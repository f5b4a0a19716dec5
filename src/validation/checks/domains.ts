/**
 * The NWB Inspector's checks of one domain's types each (nwbinspector/checks/_ecephys.py, _behavior.py,
 * _image_series.py, _images.py, _icephys.py, _ogen.py, _ophys.py), with its names and importances.
 */
import type { AbstractContainer, ArrayData } from "../../containers/container.js";
import type { TimeSeries } from "../../containers/base.js";
import type { ImageSeries, IndexSeries } from "../../containers/image.js";
import type { DynamicTable } from "../../containers/table.js";
import { type Check, type Finding, NELEMS, field, head, numbers, readable, when } from "./support.js";
import { pyFloat } from "../python-format.js";

/** A wavelength below this is not in nanometers. */
const MIN_LAMBDA = 10;
/** ImageSeries data above this (20 GB) is better in external files. */
const IMAGE_SERIES_EXTERNAL_BYTES = 20e9;

interface Region extends AbstractContainer {
  data: ArrayData;
  table?: DynamicTable;
}

/** `len(region.data)`. */
const regionLength = (region: Region | undefined): number | undefined => (region && readable(region.data) ? region.data.shape[0] : undefined);

/** The second axis of 2-D data against a region's length: the NWB Inspector's electrodes / rois orientation check. */
function secondAxisMatches(data: unknown, region: Region | undefined, what: string): Finding[] {
  const length = regionLength(region);
  if (!readable(data) || data.shape.length !== 2 || length === undefined || data.shape[1] === length) return [];
  if (data.shape[0] === length) {
    return [`The second dimension of data does not match the length of ${what}, but instead the first does. Data is oriented incorrectly and should be transposed.`];
  }
  return [what === "rois" ? "The second dimension of data does not match the length of rois. Your data may be transposed." : `The second dimension of data does not match the length of ${what}. Your data may be transposed.`];
}

/** Absolute as POSIX takes it (`Path.is_absolute` where the NWB Inspector runs): only these are not looked for. */
const isPosixAbsolute = (path: string): boolean => path.startsWith("/");

/** Absolute on POSIX or Windows (`ntpath.isabs`): "/x", "\x", "C:\x", "C:/x", "\\server\x". */
const isAnyAbsolute = (path: string): boolean => path.startsWith("/") || path.startsWith("\\") || /^[A-Za-z]:[\\/]/.test(path);

/** A spatial series' first values, when its unit is one of `units`, as numbers. */
async function headIfUnit(obj: AbstractContainer, units: string[]): Promise<number[] | undefined> {
  const { unit, data } = obj as TimeSeries;
  if (!units.includes(unit) || !readable(data)) return undefined;
  return numbers(await head(data, NELEMS));
}

export const DOMAIN_CHECKS: readonly Check[] = [
  // --- ecephys ---------------------------------------------------------------------------------------------------
  {
    id: "check_negative_spike_times", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "Units",
    what: "no spike time is negative (reads all spike times)",
    run: async (obj) => {
      const column = (obj as DynamicTable).allColumns.get("spike_times") as Region | undefined;
      if (!column || !readable(column.data)) return [];
      const values = numbers(Array.from((await column.data.read()) as ArrayLike<unknown>));
      return when(values.some((v) => v < 0), () => "This Units table contains negative spike times. Time should generally be aligned to the earliest time reference in the NWBFile.");
    },
  },
  {
    id: "check_electrical_series_dims", importance: "CRITICAL", appliesTo: "ElectricalSeries",
    what: "2-D data has one column per electrode of its region",
    run: (obj) => secondAxisMatches(field(obj, "data"), field<Region>(obj, "electrodes"), "electrodes"),
  },
  {
    id: "check_electrical_series_reference_electrodes_table", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "ElectricalSeries",
    what: "electrodes points at the electrodes table",
    run: (obj) => {
      const table = field<Region>(obj, "electrodes")?.table;
      return when(table !== undefined && table.name !== "electrodes", () => "electrodes does not  reference an electrodes table.");
    },
  },
  {
    id: "check_spike_times_not_in_unobserved_interval", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "Units",
    what: "the first 4 units' spike times fall in their observed intervals",
    run: async (obj) => {
      const units = obj as DynamicTable;
      const obs = units.allColumns.get("obs_intervals") as Region | undefined;
      if (!obs || !readable(obs.data) || (obs.data.shape[0] ?? 0) === 0 || !units.allColumns.has("spike_times")) return [];
      const n = Math.min(4, units.length);
      const spikes = await units.readColumn("spike_times", [0, n]);
      const intervals = await units.readColumn("obs_intervals", [0, n]);
      for (let u = 0; u < n; u++) {
        const times = numbers(cellValues(spikes[u]));
        const bounds = numbers(cellValues(intervals[u]));
        const inSome = (t: number) => { for (let k = 0; k + 1 < bounds.length; k += 2) if (bounds[k]! <= t && t <= bounds[k + 1]!) return true; return false; };
        if (!times.every(inSome)) return ["This Units table contains spike times that occur during periods of time not labeled as being observed intervals."];
      }
      return [];
    },
  },
  // --- behavior --------------------------------------------------------------------------------------------------
  {
    id: "check_spatial_series_dims", importance: "CRITICAL", appliesTo: "SpatialSeries",
    what: "a SpatialSeries has 1 to 3 columns (x, y, z)",
    run: (obj) => {
      const data = field(obj, "data");
      return when(readable(data) && data.shape.length > 1 && data.shape[1]! > 3, () => "SpatialSeries should have 1 column (x), 2 columns (x, y), or 3 columns (x, y, z).");
    },
  },
  {
    id: "check_compass_direction_unit", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "CompassDirection",
    what: "the SpatialSeries of a CompassDirection are in degrees or radians",
    run: (obj) => [...(field<Map<string, TimeSeries>>(obj, "spatial_series") ?? new Map<string, TimeSeries>()).values()]
      .filter((s) => s.unit !== "degrees" && s.unit !== "radians")
      .map((s) => `SpatialSeries objects inside a CompassDirection object should be angular and should have a unit of 'degrees' or 'radians', but '${s.name}' has units '${s.unit}'.`),
  },
  {
    id: "check_spatial_series_radians_magnitude", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "SpatialSeries",
    what: `a SpatialSeries in radians has its first ${NELEMS} values between -2π and 2π`,
    run: async (obj) => {
      const values = await headIfUnit(obj, ["radian", "radians"]);
      return when(values !== undefined && values.some((v) => v > 2 * Math.PI || v < -2 * Math.PI), () => "SpatialSeries with units of radians must have values between -2pi and 2pi.");
    },
  },
  {
    id: "check_spatial_series_degrees_magnitude", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "SpatialSeries",
    what: `a SpatialSeries in degrees has its first ${NELEMS} values between -360 and 360`,
    run: async (obj) => {
      const values = await headIfUnit(obj, ["degree", "degrees"]);
      return when(values !== undefined && values.some((v) => v > 360 || v < -360), () => "SpatialSeries with units of degrees must have values between -360 and 360.");
    },
  },
  // --- image series ----------------------------------------------------------------------------------------------
  {
    id: "check_image_series_external_file_valid", importance: "CRITICAL", appliesTo: "ImageSeries",
    what: "each relative external file exists beside the NWB file (not checked where there is no file system)",
    run: async (obj, context) => {
      const files = (obj as ImageSeries).external_file;
      const { nwbFolder, fileExists } = context;
      if (!files || nwbFolder === undefined || !fileExists) return [];
      const missing: Finding[] = [];
      for (const file of files) {
        if (isPosixAbsolute(file)) continue;
        if (!(await fileExists(`${nwbFolder}/${file}`))) missing.push(`The external file '${file}' does not exist. Please confirm the relative location to the NWBFile.`);
      }
      return missing;
    },
  },
  {
    id: "check_image_series_external_file_relative", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "ImageSeries",
    what: "external files are given relative to the NWB file's folder, so the two can move together",
    run: (obj) => ((obj as ImageSeries).external_file ?? []).filter(isAnyAbsolute).map((file) =>
      `The external file '${file}' is not a relative path. Please adjust the absolute path to be relative to the location of the NWBFile.`),
  },
  {
    id: "check_image_series_data_size", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "ImageSeries",
    what: "an ImageSeries (not a TwoPhotonSeries) of more than 20 GB uncompressed is better in external files",
    run: (obj) => {
      if (obj.isA("TwoPhotonSeries")) return [];
      const data = field(obj, "data");
      if (!readable(data) || typeof data.dtype !== "string" || !/\d+$/.test(data.dtype)) return [];
      // Compressed data's stored size is not known here: measured uncompressed (the NWB Inspector takes the stored size).
      if ((data as { compression?: string | null }).compression) return [];
      const bytes = data.shape.reduce((a, b) => a * b, 1) * (Number(/(\d+)$/.exec(data.dtype)![1]) / 8);
      return when(bytes > IMAGE_SERIES_EXTERNAL_BYTES, () => "ImageSeries is very large. Consider using external mode for better storage.");
    },
  },
  // --- images ----------------------------------------------------------------------------------------------------
  {
    id: "check_order_of_images_unique", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "Images",
    what: "order_of_images names each image once",
    run: async (obj, context) => {
      // References read from a file are the targets' paths; built in memory, the objects.
      const order = (await orderOfImages(obj))?.map((t) => (typeof t === "string" ? t : typeof t === "object" && t !== null && "layout" in t ? context.pathOf(t as AbstractContainer) : JSON.stringify(t)));
      return when(order !== undefined && new Set(order).size !== order.length, () => "order_of_images should have unique values.");
    },
  },
  {
    id: "check_order_of_images_len", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "Images",
    what: "order_of_images has as many entries as there are images",
    run: async (obj) => {
      const order = await orderOfImages(obj);
      const count = field<Map<string, unknown>>(obj, "images")?.size ?? 0;
      return when(order !== undefined && order.length !== count, () => `Length of order_of_images (${order!.length}) does not match the number of images (${count}).`);
    },
  },
  {
    id: "check_index_series_points_to_image", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "IndexSeries",
    what: "an IndexSeries indexes an Images (indexed_images), not an ImageSeries (indexed_timeseries, deprecated)",
    run: (obj) => when((obj as IndexSeries).indexed_timeseries !== undefined, () =>
      "Pointing an IndexSeries to a TimeSeries will be deprecated. Please point to an Images container instead."),
  },
  // --- icephys, ogen ---------------------------------------------------------------------------------------------
  {
    id: "check_intracellular_electrode_cell_id_exists", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "IntracellularElectrode",
    what: "an IntracellularElectrode has a cell_id",
    run: (obj) => when(field(obj, "cell_id") === undefined, () => "Please include a unique cell_id associated with this IntracellularElectrode."),
  },
  {
    id: "check_optogenetic_stimulus_site_has_optogenetic_series", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "OptogeneticStimulusSite",
    what: "an OptogeneticStimulusSite is the site of some OptogeneticSeries",
    run: (obj, context) => when(!context.objects.some((o) => o.isA("OptogeneticSeries") && field(o, "site") === obj), () =>
      "OptogeneticStimulusSite is not referenced by any OptogeneticStimulusSite."),
  },
  // --- ophys -----------------------------------------------------------------------------------------------------
  {
    id: "check_roi_response_series_dims", importance: "CRITICAL", appliesTo: "RoiResponseSeries",
    what: "2-D data has one column per ROI of its region",
    run: (obj) => secondAxisMatches(field(obj, "data"), field<Region>(obj, "rois"), "rois"),
  },
  {
    id: "check_roi_response_series_link_to_plane_segmentation", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "RoiResponseSeries",
    what: "rois points at a PlaneSegmentation",
    run: (obj) => {
      const table = field<Region>(obj, "rois")?.table;
      return when(table !== undefined && !table.isA("PlaneSegmentation"), () => "rois field does not point to a PlaneSegmentation table.");
    },
  },
  {
    id: "check_emission_lambda_in_nm", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "OpticalChannel",
    what: `emission_lambda is in nanometers (${MIN_LAMBDA} or more)`,
    run: (obj) => {
      const lambda = field<number>(obj, "emission_lambda");
      return when(lambda !== undefined && lambda < MIN_LAMBDA, () => `emission lambda of ${pyFloat(lambda!)} should be in units of nm.`);
    },
  },
  {
    id: "check_excitation_lambda_in_nm", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "ImagingPlane",
    what: `excitation_lambda is in nanometers (${MIN_LAMBDA} or more)`,
    run: (obj) => {
      const lambda = field<number>(obj, "excitation_lambda");
      return when(lambda !== undefined && lambda < MIN_LAMBDA, () => `excitation lambda of ${pyFloat(lambda!)} should be in units of nm.`);
    },
  },
  {
    id: "check_plane_segmentation_image_mask_shape_against_ref_images", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "PlaneSegmentation",
    what: "image masks have the shape of the reference images' frames",
    run: (obj) => {
      const references = field<Map<string, ImageSeries>>(obj, "reference_images");
      const mask = (obj as DynamicTable).allColumns.get("image_mask") as Region | undefined;
      if (!references || references.size === 0 || !mask || !readable(mask.data)) return [];
      const maskShape = mask.data.shape.slice(1);
      const findings: Finding[] = [];
      for (const ref of references.values()) {
        const refData = field(ref, "data");
        const refShape = readable(refData) ? refData.shape.slice(1) : [];
        if (refShape.join(",") !== maskShape.join(",")) {
          findings.push(`image_mask of shape (${maskShape.join(", ")}) does not match reference image ${ref.name} with shape (${refShape.join(", ")}).`);
        }
      }
      return findings;
    },
  },
];

/** The values of an Images' order_of_images (references, as paths or objects), or undefined when it has none. */
export async function orderOfImages(obj: AbstractContainer): Promise<unknown[] | undefined> {
  const order = field<{ data: unknown }>(obj, "order_of_images");
  if (order && Array.isArray(order.data)) return order.data as unknown[];
  if (!order || !readable(order.data)) return undefined;
  return Array.from((await order.data.read()) as ArrayLike<unknown>);
}

/** A table cell's values as a flat list (a ragged cell is an array, or an array of arrays). */
function cellValues(cell: unknown): unknown[] {
  if (Array.isArray(cell)) return cell.flatMap((c) => cellValues(c));
  if (ArrayBuffer.isView(cell)) return Array.from(cell as unknown as ArrayLike<unknown>);
  if (typeof cell === "object" && cell !== null && "data" in cell) return Array.from((cell as { data: ArrayLike<unknown> }).data);
  return [cell];
}
