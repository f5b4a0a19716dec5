/**
 * A file's objects written again as they were read (pynwb's export keeps a file's own form): the builder tree made
 * from them is brought back to what the file held where tsnwb's reading added to it or changed its form.
 * - Defaults taken on read (a series' `unit` "unknown", `offset` 0.0, empty `data`: `read-defaults.ts`) are left
 *   out again while the object still holds them.
 * - Objects read without an `object_id` (NWB 2.0 files) are written without one.
 * - A list field read from a scalar dataset (NWB 2.0's one-string `experimenter`) is written as a scalar again.
 * - A file of another NWB version than tsnwb's keeps its `nwb_version`, its cached specification (none if it had
 *   none; an append adds only namespaces it lacks), the values its version fixes on objects new to it, and,
 *   written anew, what tsnwb does not model of it (the root's `help`, attributes and untyped members the schema of
 *   today left out), as pynwb's export does: its objects are those of its version, judged by its version's schema.
 */
import type { AbstractContainer } from "../containers/container.js";
import { type Builder, DatasetBuilder, GroupBuilder } from "./builders.js";
import { isNDArray, product } from "../data/ndarray.js";
import { carryOver } from "./tree-diff.js";
import { layoutOf } from "../schema/fields.js";
import { type ReadSource, readBuilderOf, untouchedDefaults } from "./read-source.js";

/** Whether `source` is a file of another NWB version than `bundledVersion`, to be written again in its own. */
export function inOwnVersion(source: ReadSource, bundledVersion: string): boolean {
  return source.schema.nwbVersion !== undefined && source.schema.nwbVersion !== bundledVersion;
}

/** Brings the builders of objects read from a file (`builderOf`: each object's) back to the form they were read in. */
export function keepReadForm(builderOf: Map<AbstractContainer, Builder>): void {
  for (const [obj, built] of builderOf) {
    leaveOutDefaults(obj, built);
    const stored = readBuilderOf(obj);
    if (stored === undefined) continue;
    if (!stored.attributes.has("object_id")) built.attributes.delete("object_id");
    if (built instanceof GroupBuilder && stored instanceof GroupBuilder) keepScalars(built, stored);
  }
}

/**
 * For a file kept in its own version (`inOwnVersion`): its `nwb_version`, its cached specification as stored (or
 * none), and what it holds that tsnwb did not read into fields. Moves builders of the source tree into `root`.
 */
export function keepOwnVersion(root: GroupBuilder, source: ReadSource): void {
  root.groups.delete("specifications");
  root.attributes.delete(".specloc");
  keepVersion(root, source);
  carryOver(root, source.root);
}

/** The root's `nwb_version` as the file names it. */
export function keepVersion(root: GroupBuilder, source: ReadSource): void {
  const version = source.root.attributes.get("nwb_version");
  if (version !== undefined) root.attributes.set("nwb_version", version);
}

/**
 * Objects new to a file kept in its own version take the values its version fixes (NWB 2.0's `starting_time`
 * unit "Seconds", where 2.7 fixes "seconds"): they are written as that version says, as the rest of the file is.
 */
export function ownFixedValues(builderOf: Map<AbstractContainer, Builder>, source: ReadSource): void {
  const catalog = source.schema.catalog;
  for (const [obj, built] of builderOf) {
    if (readBuilderOf(obj) !== undefined || !catalog.has(obj.neurodata_type, catalog.namespace(obj.namespace) ? obj.namespace : undefined)) continue;
    const type = catalog.get(obj.neurodata_type, catalog.namespace(obj.namespace) ? obj.namespace : undefined);
    for (const f of layoutOf(catalog, type).fixed) {
      if (f.kind !== "attribute") continue;
      const owner = memberAt(built, f.path.slice(0, -1));
      const name = f.path[f.path.length - 1]!;
      const mine = owner?.attributes.get(name);
      if (owner === undefined || mine === undefined || "kind" in mine.value) continue;
      const values = Array.isArray(f.value) ? f.value : [f.value];
      if (mine.value.dtype !== "text" || !values.every((v) => typeof v === "string")) continue;
      owner.attributes.set(name, { ...mine, value: { data: values.map(String), shape: [values.length], dtype: "text" } });
    }
  }
}

/** NWB's own namespaces (what a reader supplies for a file that caches none). */
const NWB_NAMESPACES = new Set(["core", "hdmf-common", "hdmf-experimental"]);

/**
 * For an append to a file kept in its own version: its `nwb_version`, and the namespaces it caches stay as cached
 * (in their versions), so the built tree offers only an extension it lacks; with none, no cache is added.
 */
export function keepOwnCache(root: GroupBuilder, source: ReadSource): void {
  keepVersion(root, source);
  const built = root.groups.get("specifications");
  const stored = source.root.groups.get("specifications");
  if (built === undefined) return;
  // NWB's own namespaces are the file's, in its versions (its older core may define hdmf-common's types itself,
  // or it caches nothing at all); only an extension now in it is added.
  const kept = (name: string) => stored?.groups.has(name) === true || NWB_NAMESPACES.has(name);
  for (const name of [...built.groups.keys()]) if (kept(name)) built.groups.delete(name);
  if (built.groups.size === 0) {
    root.groups.delete("specifications");
    root.attributes.delete(".specloc");
  }
}

/** Removes from `built` the members and attributes of the defaults `obj` took on read and still holds. */
function leaveOutDefaults(obj: AbstractContainer, built: Builder): void {
  for (const key of untouchedDefaults(obj)) {
    const field = obj.layout.fields.find((f) => f.key === key);
    if (field === undefined || (field.kind !== "attribute" && field.kind !== "dataset")) continue;
    const owner = memberAt(built, field.path.slice(0, -1));
    const name = field.path[field.path.length - 1]!;
    if (field.kind === "attribute") owner?.attributes.delete(name);
    else if (owner instanceof GroupBuilder) owner.datasets.delete(name);
  }
}

/** Untyped datasets the file stored as scalars, built as one-element arrays from a list field: scalars again. */
function keepScalars(built: GroupBuilder, stored: GroupBuilder): void {
  for (const [name, ds] of built.datasets) {
    const old = stored.datasets.get(name);
    if (old === undefined || !old.scalar || ds.scalar || ds.attributes.has("neurodata_type")) continue;
    if (!isNDArray(ds.value) || product(ds.value.shape) !== 1 || ds.value.shape.length !== 1) continue;
    const scalar = new DatasetBuilder(name, { ...ds.value, shape: [1] }, true, ds.storage, ds.dtype);
    for (const [k, a] of ds.attributes) scalar.attributes.set(k, a);
    built.datasets.delete(name);
    built.add(scalar);
  }
  for (const [name, g] of built.groups) {
    const old = stored.groups.get(name);
    if (old !== undefined && !g.attributes.has("neurodata_type")) keepScalars(g, old);
  }
}

function memberAt(b: Builder, path: string[]): Builder | undefined {
  let cur: Builder | undefined = b;
  for (const name of path) cur = cur instanceof GroupBuilder ? cur.groups.get(name) ?? cur.datasets.get(name) : undefined;
  return cur;
}
