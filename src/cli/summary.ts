/**
 * A readable listing of what an NWB file holds, for `tsnwb demo` and `tsnwb info`.
 */
import { type AbstractContainer, DynamicTable, NWBFile, NWB_VERSION, TimeSeries, ImageSeries, OpticalSeries, IndexSeries, ImageMaskSeries, Images, Image, GenericContainer } from "../index.js";
import { childrenOf } from "../containers/file.js";
import { isLazyArray } from "../data/lazy.js";
import { isNDArray } from "../data/ndarray.js";
import type { LazyArray } from "../data/lazy.js";
import { externalLinkOf } from "../mapping/external-links.js";

/** ` (external link to PATH in FILE)` for what was read through an external link, else nothing. */
function externalInfo(x: unknown): string {
  const target = externalLinkOf(x);
  return target === undefined ? "" : ` (external link to ${target.path} in ${target.file})`;
}

/** The session's metadata that `info` shows. */
const SESSION_FIELDS = [
  "timestamps_reference_time", "file_create_date", "experimenter", "lab", "institution", "experiment_description", "session_id",
  "keywords", "related_publications", "protocol", "notes", "data_collection", "pharmacology", "surgery", "virus", "slices",
  "stimulus_notes", "source_script",
] as const;

/** `uint8[200, 50, 50, 3]`, with its chunks and compression when stored so. */
function arrayInfo(data: unknown): string {
  if (!(isLazyArray(data) || isNDArray(data))) return "stream";
  const base = `${data.dtype}[${data.shape.join(", ")}]`;
  const lazy = data as LazyArray;
  if (!lazy.chunks) return `${base}${externalInfo(data)}`;
  return `${base} chunks [${lazy.chunks.join(", ")}]${lazy.compression ? ` ${lazy.compression}` : ""}${externalInfo(data)}`;
}

/** Where a linked object is: its path in the file, or its name before it is written. */
function target(c: AbstractContainer | undefined): string {
  return c === undefined ? "?" : c.container_source?.path ?? c.name;
}

function line(c: AbstractContainer): string {
  const parts = [`${c.name} (${c.neurodata_type})${externalInfo(c)}`];
  if (c instanceof TimeSeries) {
    parts.push(`data ${arrayInfo(c.data)}`);
    if (c.rate !== undefined) parts.push(`rate ${c.rate} Hz from ${c.starting_time} s`);
    if (c.timestamps !== undefined) parts.push(`timestamps ${arrayInfo(c.timestamps)}`);
  }
  if (c instanceof ImageSeries && c.external_file) parts.push(`external ${c.external_file.join(", ")} starting_frame [${c.starting_frame?.join(", ")}]`);
  if (c instanceof ImageSeries && c.device) parts.push(`device -> ${target(c.device)}`);
  if (c instanceof OpticalSeries) parts.push(`distance ${c.distance} m, field_of_view ${c.field_of_view ? arrayInfo(c.field_of_view) : "none"}, orientation "${c.orientation}"`);
  if (c instanceof IndexSeries) parts.push(`indexes -> ${target(c.indexed_images ?? c.indexed_timeseries)}`);
  if (c instanceof ImageMaskSeries) parts.push(`masks -> ${target(c.masked_imageseries)}`);
  if (c instanceof Image) parts.push(arrayInfo(c.data));
  if (c instanceof Images && c.order_of_images) parts.push(`order: ${c.order_of_images.data.map((i) => i.name).join(", ")}`);
  if (c instanceof DynamicTable) parts.push(tableInfo(c));
  if (c instanceof GenericContainer) parts.push("(its type is in no loaded namespace: generic)");
  else if (!(c instanceof Image || c instanceof Images)) parts.push(...otherFields(c));
  return parts.join("  ");
}

/** A table's rows and columns: `6 rows; columns start_time float64, tags text (ragged), ...`. */
function tableInfo(t: DynamicTable): string {
  const all = t.allColumns;
  const ragged = new Set([...all.values()].filter((c) => c.isA("VectorIndex")).map((c) => (c as unknown as { target?: { name: string } }).target?.name));
  const columns = t.colnames.map((name) => {
    const column = all.get(name);
    const dims = column && column.data.shape.length > 1 ? ` [${column.data.shape.slice(1).join(", ")}]` : "";
    return `${name} ${column?.data.dtype ?? "?"}${dims}${ragged.has(name) ? " (ragged)" : ""}${column?.isA("DynamicTableRegion") ? " (region)" : ""}`;
  });
  return `${t.length} rows; columns ${columns.join(", ")}`;
}

/** Fields the lines above already show. */
const SHOWN = new Set(["data", "timestamps", "device", "indexed_images", "indexed_timeseries", "masked_imageseries", "field_of_view"]);

/** The other fields: arrays by dtype and shape, linked objects by name. */
function otherFields(c: AbstractContainer): string[] {
  const values = c as unknown as Record<string, unknown>;
  const parts: string[] = [];
  for (const f of c.layout.fields) {
    const v = values[f.key];
    if (v === undefined || f.kind === "children" || f.kind === "child" || (c instanceof TimeSeries && SHOWN.has(f.key))) continue;
    if (f.kind === "link" || (typeof v === "object" && v !== null && "object_id" in v)) parts.push(`${f.key} -> ${target(v as AbstractContainer)}`);
    else if (isLazyArray(v) || isNDArray(v)) parts.push(`${f.key} ${arrayInfo(v)}`);
  }
  return parts;
}

/** Lines describing `nwbfile`, indented by nesting. */
export function summarize(nwbfile: NWBFile): string[] {
  const out = [
    `NWB file ${nwbfile.identifier}`,
    `  session_description: ${nwbfile.session_description}`,
    `  session_start_time: ${nwbfile.session_start_time}`,
  ];
  // A file of another NWB version says so: it is validated and exported in its own version.
  if (nwbfile.nwb_version !== NWB_VERSION) out.push(`  nwb_version: ${nwbfile.nwb_version}`);
  for (const key of SESSION_FIELDS) {
    const v = nwbfile[key];
    if (v !== undefined) out.push(`  ${key}: ${Array.isArray(v) ? v.join("; ") : v}`);
  }
  const walk = (c: AbstractContainer, depth: number) => {
    out.push(`${"  ".repeat(depth)}${line(c)}`);
    if (c instanceof Images) return walkImages(c, depth + 1);
    // A table's columns are on its line.
    if (c instanceof DynamicTable) return;
    for (const child of childrenOf(c)) walk(child, depth + 1);
  };
  const walkImages = (c: Images, depth: number) => {
    for (const image of c.images.values()) out.push(`${"  ".repeat(depth)}${line(image)}`);
  };
  // Every location of the file's schema, under pynwb's names (acquisition, devices, electrodes, trials...).
  const values = nwbfile as unknown as Record<string, unknown>;
  for (const f of nwbfile.layout.fields) {
    const v = values[f.key];
    if (f.key === "subject") continue;
    if (f.kind === "children" && v instanceof Map && v.size > 0) {
      out.push(`  ${f.key}:`);
      for (const c of v.values()) walk(c as AbstractContainer, 2);
    } else if (f.kind === "child" && v !== undefined) {
      out.push(`  ${f.key}:`);
      walk(v as AbstractContainer, 2);
    }
  }
  if (nwbfile.other.size > 0) {
    out.push("  other (typed objects outside the schema's locations):");
    for (const [path, c] of nwbfile.other) out.push(`    ${path}  ${line(c)}`);
  }
  if (nwbfile.subject) out.push(`  subject: ${nwbfile.subject.subject_id ?? ""} ${nwbfile.subject.species ?? ""} ${nwbfile.subject.age ?? ""}`.trimEnd());
  return out;
}
