/**
 * pynwb's values for what a file (an older one, mostly) leaves out, as pynwb reads it: its mappers
 * (pynwb/io/base.py's TimeSeriesMap, io/file.py's SubjectMap) and the constructors it runs on read. A series
 * without `data` has an empty uint8 array (3-D for an ImageSeries or DecompositionSeries, 1-D otherwise), one
 * without a `unit` "unknown"; attributes left out take their defaults (`conversion` 1.0, `resolution` -1.0,
 * `offset` 0.0, `description` "no description"...); an ImageSeries of one external file without
 * `starting_frame` starts at frame 0, one of external files with no frames and no `format` is "external"; a
 * Subject of a file older than NWB 2.6 has no `age__reference` (pynwb's "unspecified": not "birth").
 */
import type { AbstractContainer } from "../containers/container.js";
import { fieldValue } from "../containers/fields.js";
import { InMemoryArray } from "../data/arrays.js";
import { type Builder, GroupBuilder } from "./builders.js";
import { compareVersions } from "./specifications.js";

type Fields = Record<string, unknown>;

/** pynwb's `DEFAULT_UNIT` of a TimeSeries read without one. */
const DEFAULT_UNIT = "unknown";

/**
 * Sets the fields of `obj` (read from `b`, of a file naming `nwbVersion`) that the file lacks and pynwb gives a
 * value; returns the values set, by field key.
 */
export function applyReadDefaults(obj: AbstractContainer, b: Builder, nwbVersion: string | undefined): Map<string, unknown> {
  const o = obj as unknown as Fields;
  const taken = new Map<string, unknown>();
  const take = (key: string, value: unknown) => {
    o[key] = value;
    taken.set(key, value);
  };
  const has = (name: string) => b instanceof GroupBuilder && (b.datasets.has(name) || b.links.has(name) || b.groups.has(name));
  const fields = obj.layout.fields;
  if (obj.isA("TimeSeries")) {
    if (o.data === undefined && !has("data")) {
      const frames = obj.isA("ImageSeries") || obj.isA("DecompositionSeries");
      take("data", new InMemoryArray(new Uint8Array(0), frames ? [0, 0, 0] : [0], "uint8"));
    }
    // pynwb gives "unknown" whatever the type's own default (its mapper passes it to the constructor).
    if (o.unit === undefined && fields.some((f) => f.key === "unit")) take("unit", DEFAULT_UNIT);
  }
  if (obj.isA("ImageSeries")) {
    const files = o.external_file as unknown[] | undefined;
    if (files !== undefined && files.length === 1 && o.starting_frame === undefined) take("starting_frame", [0]);
    const data = o.data as { shape?: number[] } | undefined;
    if (files !== undefined && o.format === undefined && (data?.shape?.[0] ?? 0) === 0) take("format", "external");
  }
  // Asked of Subjects only (once a field): the versions compared for every object read cost more than the rest here.
  const beforeAgeReference = () => nwbVersion !== undefined && compareVersions(nwbVersion, "2.6.0") < 0;
  for (const f of fields) {
    if (f.kind !== "attribute" || f.default === undefined || o[f.key] !== undefined) continue;
    if (obj.isA("Subject") && f.key === "age__reference" && beforeAgeReference()) continue;
    // An attribute of a member applies where that member is (read, or given a default above).
    const owner = f.path.slice(0, -1);
    const present = f.within !== undefined ? o[f.within] !== undefined : owner.length === 0 || memberExists(b, owner);
    if (!present) continue;
    const value = typeof f.default === "function" ? f.default(o) : f.default;
    if (value !== undefined) take(f.key, fieldValue(obj, f, value));
  }
  return taken;
}

function memberExists(b: Builder, path: string[]): boolean {
  let cur: Builder | undefined = b;
  for (const name of path) cur = cur instanceof GroupBuilder ? cur.groups.get(name) ?? cur.datasets.get(name) : undefined;
  return cur !== undefined;
}
