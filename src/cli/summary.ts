/**
 * A readable listing of what an NWB file holds, for `tsnwb demo` and `tsnwb info`.
 */
import { type AbstractContainer, NWBFile, TimeSeries, ImageSeries, OpticalSeries, IndexSeries, ImageMaskSeries, Images, Image, GenericContainer } from "../index.js";
import { childrenOf } from "../containers/file.js";
import { isLazyArray } from "../data/lazy.js";
import { isNDArray } from "../data/ndarray.js";

function arrayInfo(data: unknown): string {
  if (isLazyArray(data) || isNDArray(data)) return `${data.dtype}[${data.shape.join(", ")}]`;
  return "stream";
}

function line(c: AbstractContainer): string {
  const parts = [`${c.name} (${c.neurodata_type})`];
  if (c instanceof TimeSeries) {
    parts.push(`data ${arrayInfo(c.data)}`);
    if (c.rate !== undefined) parts.push(`rate ${c.rate} Hz from ${c.starting_time} s`);
    if (c.timestamps !== undefined) parts.push(`timestamps ${arrayInfo(c.timestamps)}`);
  }
  if (c instanceof ImageSeries && c.external_file) parts.push(`external ${c.external_file.join(", ")} starting_frame [${c.starting_frame?.join(", ")}]`);
  if (c instanceof ImageSeries && c.device) parts.push(`device -> ${c.device.name}`);
  if (c instanceof OpticalSeries) parts.push(`distance ${c.distance} m, field_of_view ${c.field_of_view ? arrayInfo(c.field_of_view) : "none"}, orientation "${c.orientation}"`);
  if (c instanceof IndexSeries) parts.push(`indexes -> ${(c.indexed_images ?? c.indexed_timeseries)?.name}`);
  if (c instanceof ImageMaskSeries) parts.push(`masks -> ${c.masked_imageseries?.name}`);
  if (c instanceof Image) parts.push(arrayInfo(c.data));
  if (c instanceof Images && c.order_of_images) parts.push(`order: ${c.order_of_images.data.map((i) => i.name).join(", ")}`);
  if (c instanceof GenericContainer) parts.push("(not modelled by tsnwb yet: generic)");
  return parts.join("  ");
}

/** Lines describing `nwbfile`, indented by nesting. */
export function summarize(nwbfile: NWBFile): string[] {
  const out = [
    `NWB file ${nwbfile.identifier}`,
    `  session_description: ${nwbfile.session_description}`,
    `  session_start_time: ${nwbfile.session_start_time}`,
  ];
  for (const key of ["experimenter", "lab", "institution", "experiment_description", "session_id"] as const) {
    const v = nwbfile[key];
    if (v !== undefined) out.push(`  ${key}: ${Array.isArray(v) ? v.join("; ") : v}`);
  }
  const groups: [string, Map<string, AbstractContainer>][] = [
    ["acquisition", nwbfile.acquisition], ["stimulus", nwbfile.stimulus], ["stimulus_template", nwbfile.stimulus_template],
    ["processing", nwbfile.processing], ["analysis", nwbfile.analysis], ["scratch", nwbfile.scratch], ["intervals", nwbfile.intervals], ["devices", nwbfile.devices],
  ];
  const walk = (c: AbstractContainer, depth: number) => {
    out.push(`${"  ".repeat(depth)}${line(c)}`);
    if (c instanceof Images) return walkImages(c, depth + 1);
    for (const child of childrenOf(c)) walk(child, depth + 1);
  };
  const walkImages = (c: Images, depth: number) => {
    for (const image of c.images.values()) out.push(`${"  ".repeat(depth)}${line(image)}`);
  };
  for (const [name, map] of groups) {
    if (map.size === 0) continue;
    out.push(`  ${name}:`);
    for (const c of map.values()) walk(c, 2);
  }
  if (nwbfile.other.size > 0) {
    out.push("  other (typed objects at paths tsnwb does not model yet):");
    for (const [path, c] of nwbfile.other) out.push(`    ${path}  ${line(c)}`);
  }
  if (nwbfile.subject) out.push(`  subject: ${nwbfile.subject.subject_id ?? ""} ${nwbfile.subject.species ?? ""} ${nwbfile.subject.age ?? ""}`.trimEnd());
  return out;
}
