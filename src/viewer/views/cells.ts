/**
 * Values of a file as short text, for tables and summaries: numbers as they are, arrays shortened, objects by name,
 * references by their target. Runs where the file is read (it sees containers), gives plain strings.
 */

/** How many elements of an array a cell shows before "…". */
const SHOWN = 8;

/** A cell or field value as text. */
export function cellText(v: unknown, depth = 0): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (v instanceof Date) return v.toISOString();
  if (ArrayBuffer.isView(v)) return listText(Array.from(v as unknown as ArrayLike<unknown>), depth);
  if (Array.isArray(v)) return listText(v, depth);
  const o = v as Record<string, unknown>;
  // A container: by its name and type.
  if (typeof o.neurodata_type === "string" && typeof o.name === "string") return `${o.name} (${o.neurodata_type})`;
  // A TimeSeriesReference: where it starts, how many samples, of what.
  if ("idx_start" in o && "count" in o && "timeseries" in o) return `${cellText(o.timeseries, depth + 1)} [${String(o.idx_start)}, +${String(o.count)}]`;
  // A multi-dimensional cell ({data, shape, dtype}): its shape.
  if (Array.isArray(o.shape) && "data" in o && "dtype" in o) return `${String(o.dtype)} [${(o.shape as number[]).join(", ")}]`;
  if (depth > 1) return "{…}";
  return `{${Object.entries(o).slice(0, SHOWN).map(([k, x]) => `${k}: ${cellText(x, depth + 1)}`).join(", ")}}`;
}

function listText(items: unknown[], depth: number): string {
  const shown = items.slice(0, SHOWN).map((x) => cellText(x, depth + 1));
  return `[${shown.join(", ")}${items.length > SHOWN ? `, … (${items.length})` : ""}]`;
}
