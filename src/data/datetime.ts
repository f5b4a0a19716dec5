/**
 * ISO 8601 date-times with a UTC offset, as NWB stores them. tsnwb keeps them as strings so that the offset a
 * caller gives is the offset written, and refuses strings without one rather than guess a zone.
 */

const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const ISO_WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/;

/** Why a value is not a zone-aware date-time, or undefined when it is one. */
export function dateTimeProblem(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "an invalid Date" : undefined;
  if (typeof value !== "string") return `a ${typeof value}`;
  if (ISO_WITHOUT_OFFSET.test(value)) return `"${value}", which has no UTC offset (tsnwb does not guess a time zone)`;
  if (!ISO_WITH_OFFSET.test(value) || Number.isNaN(Date.parse(value))) return `"${value}", which is not an ISO 8601 date-time`;
  return undefined;
}

/**
 * The ISO 8601 string written for a date-time: a string keeps its own offset (`Z` becomes `+00:00`, and
 * `+0100` becomes `+01:00`); a Date, an instant without a zone, is written in UTC.
 */
export function toISODateTime(value: Date | string): string {
  if (value instanceof Date) return value.toISOString().replace(/Z$/, "+00:00");
  const m = ISO_WITH_OFFSET.exec(value)!;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const offset = zone === "Z" ? "+00:00" : zone!.includes(":") ? zone! : `${zone!.slice(0, 3)}:${zone!.slice(3)}`;
  return `${y}-${mo}-${d}T${h}:${mi}:${s ?? "00"}${frac ?? ""}${offset}`;
}

/** The instant a stored date-time string denotes. */
export function parseISODateTime(value: string): Date {
  return new Date(value);
}
