/**
 * What reading a file leaves behind for writing its objects again (pynwb's export): the tree read and the schema
 * the file is in, per NWBFile; per object, the builder it was read from and the fields it took a default for
 * because the file lacked them (so that writing it again leaves out what the file left out).
 */
import type { AbstractContainer } from "../containers/container.js";
import type { Builder, GroupBuilder } from "./builders.js";
import type { FileSchema } from "./file-schema.js";

/** A file an NWBFile was read from. */
export interface ReadSource {
  /** Its path (or URL, or name in memory). */
  readonly fileName: string;
  /** Its builder tree as read (attributes read, datasets lazy). */
  readonly root: GroupBuilder;
  /** The schema it is written in. */
  readonly schema: FileSchema;
}

const sources = new WeakMap<AbstractContainer, ReadSource>();
const builders = new WeakMap<AbstractContainer, Builder>();
const defaults = new WeakMap<AbstractContainer, Map<string, unknown>>();

/** Records that `nwbfile` was read from `source`. */
export function recordSource(nwbfile: AbstractContainer, source: ReadSource): void {
  sources.set(nwbfile, source);
}

/** The file `nwbfile` was read from, if it was read from one. */
export function readSourceOf(nwbfile: AbstractContainer): ReadSource | undefined {
  return sources.get(nwbfile);
}

/** Records the builder `obj` was read from. */
export function recordBuilder(obj: AbstractContainer, b: Builder): void {
  builders.set(obj, b);
}

/** The builder `obj` was read from, if it was read from a file. */
export function readBuilderOf(obj: AbstractContainer): Builder | undefined {
  return builders.get(obj);
}

/** Records the defaults `obj` took on read, by field key. */
export function recordDefaults(obj: AbstractContainer, taken: Map<string, unknown>): void {
  if (taken.size > 0) defaults.set(obj, taken);
}

/**
 * The fields of `obj` that still hold the very default it took on read (the file lacked them): a field set since
 * is not among them.
 */
export function untouchedDefaults(obj: AbstractContainer): string[] {
  const taken = defaults.get(obj);
  if (!taken) return [];
  const o = obj as unknown as Record<string, unknown>;
  return [...taken].filter(([key, value]) => o[key] === value).map(([key]) => key);
}
