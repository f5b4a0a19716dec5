/**
 * Values of objects read, in a form that compares by JSON: objects by path, arrays by their values, bigints as
 * numbers (two reads of one file, by two backends or from two parts of its tree, give equal forms).
 */
import type { AbstractContainer } from "../src/index.js";
import { isLazyArray } from "../src/data/lazy.js";

/** Array values with bigints as numbers (compound rows' too). */
export function plain(values: ArrayLike<unknown>): unknown[] {
  return Array.from(values, (x) => (typeof x === "bigint" ? Number(x) : x instanceof Object && !Array.isArray(x) ? plainRecord(x as Record<string, unknown>) : x));
}

/** A compound row with its bigints as numbers. */
function plainRecord(r: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v]));
}

/** A field's value in comparable form: objects by path, arrays by values, collections by their members. */
export async function comparable(v: unknown, depth = 0): Promise<unknown> {
  if (v === null || v === undefined || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "function") return "function";
  if (v instanceof Date) return v.toISOString();
  if (isLazyArray(v)) return { shape: v.shape, dtype: v.dtype, values: plain((await v.read()) as ArrayLike<unknown>) };
  if (ArrayBuffer.isView(v)) return plain(v as unknown as ArrayLike<unknown>);
  if (typeof v === "object" && "container_source" in v && "name" in v && "neurodata_type" in (v as object)) {
    return { object: (v as AbstractContainer).container_source?.path ?? (v as AbstractContainer).name };
  }
  if (depth > 5) return "...";
  if (Array.isArray(v)) return Promise.all(v.map((x) => comparable(x, depth + 1)));
  if (v instanceof Map) return Promise.all([...v.entries()].map(async ([k, x]) => [k, await comparable(x, depth + 1)]));
  if (v instanceof Set) return Promise.all([...v].map((x) => comparable(x, depth + 1)));
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    if (k === "container_source" || k === "parent") continue;
    o[k] = await comparable((v as Record<string, unknown>)[k], depth + 1);
  }
  return o;
}

