/**
 * The sections of an NWB file, as its groups make them: acquisition, stimulus (presentation, templates), each
 * processing module, intervals, units, general (devices, subject, extracellular_ephys...), analysis, scratch. The
 * tree and the overview group objects by them.
 */

/** The order sections are listed in (the file's own order of its top groups). */
const ORDER = ["acquisition", "stimulus", "processing", "intervals", "units", "general", "analysis", "scratch"];
/** Top groups whose children are sections of their own (each module, each kind of metadata). */
const SPLIT = new Set(["stimulus", "processing", "general"]);

/** The section of the object at `path`: `acquisition`, `stimulus/presentation`, `processing/behavior`, `general/devices`... */
export function sectionOf(path: string): string {
  const parts = path.split("/").filter((p) => p !== "");
  if (parts.length === 0) return "";
  if (SPLIT.has(parts[0]!) && parts.length > 1) return `${parts[0]}/${parts[1]}`;
  return parts[0]!;
}

/** Sorts sections in the file's order: acquisition first, scratch last, others (extensions' groups) after. */
export function compareSections(a: string, b: string): number {
  const rank = (s: string) => {
    const i = ORDER.indexOf(s.split("/")[0]!);
    return i < 0 ? ORDER.length : i;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}

/** A section's heading: `stimulus/presentation` as "stimulus › presentation". */
export function sectionTitle(section: string): string {
  return section.split("/").join(" › ");
}
