/**
 * The tree the page lists: every typed object of a file but the file itself, sorted by path, each with its type's
 * ancestry, the view that shows it and, for a table's column, the table. Made in the reading worker from the file's
 * layout (its builders: names, types and attributes as stored), before the objects are constructed from it, so that
 * the page lists a file while its objects are made (on the 2,000-object files of bench/viewer-remote.mjs, ~0.1-0.15 s
 * sooner); `treeOfObjects` makes the same from the objects, and a test checks the two agree.
 */
import type { AbstractContainer } from "../browser.js";
import { type Builder, GroupBuilder } from "../mapping/builders.js";
import { attributeValue, checkNWBRoot } from "../mapping/mapper.js";
import { loadCachedSpecifications } from "../mapping/specifications.js";
import { typeCatalog } from "../schema/bundled.js";
import type { TreeEntry } from "./protocol.js";
import { viewFor } from "./views/registry.js";

/** Paths in the order the tree lists them (a collator made once: `localeCompare` per call is many times slower). */
const byPath = new Intl.Collator();
const sortTree = (tree: TreeEntry[]) => tree.sort((a, b) => byPath.compare(a.path, b.path));

/** A type's name, then each type it extends, nearest first (the type alone when the schema does not know it). */
function typeAncestry(neurodata_type: string, namespace: string | undefined): string[] {
  const out: string[] = [];
  try {
    for (let t: { name: string; parent?: unknown } | undefined = typeCatalog.get(neurodata_type, namespace); t; t = t.parent as typeof t) out.push(t.name);
  } catch {
    out.push(neurodata_type);
  }
  return out;
}

/** An object's type, then each type it extends, nearest first. */
function ancestry(obj: AbstractContainer): string[] {
  return typeAncestry(obj.neurodata_type, obj.namespace);
}

/** Where an object is in its file. */
export const pathOf = (obj: AbstractContainer) => obj.container_source?.path ?? `/${obj.name}`;

/** The tree of the objects of a file read (`byPath`: every object but the file, by path). */
export function treeOfObjects(byPath: Map<string, AbstractContainer>): TreeEntry[] {
  const tree: TreeEntry[] = [];
  for (const [path, obj] of byPath) {
    const types = ancestry(obj);
    const parent = obj.parent as AbstractContainer | undefined;
    const table = parent && isTableType(parent.neurodata_type, parent.namespace) && !types.includes("DynamicTable") ? pathOf(parent) : undefined;
    tree.push({ path, name: obj.name, neurodata_type: obj.neurodata_type, ancestry: types, view: viewFor(types).name, ...(table ? { table } : {}) });
  }
  return sortTree(tree);
}

/** Whether a type is, or extends, DynamicTable. */
function isTableType(neurodata_type: string, namespace: string | undefined): boolean {
  return typeAncestry(neurodata_type, namespace).includes("DynamicTable");
}

/**
 * The tree of a file's layout, as `treeOfObjects` makes it of the objects read from it: typed groups and datasets
 * (links are the objects they lead to, listed where those are), each typed as the reader types it (the namespace
 * its `namespace` attribute names when tsnwb has it, loading the extensions the file caches first), its parent the
 * nearest typed group above it. Throws what reading the file would throw first (not an NWB file, a damaged cache).
 */
export async function treeOfLayout(root: GroupBuilder, fileName: string): Promise<TreeEntry[]> {
  // What reading the file would say first, said now: the page's open fails as it did when the tree came after it.
  checkNWBRoot(root, fileName);
  await loadCachedSpecifications(typeCatalog, root, fileName);
  const tree: TreeEntry[] = [];
  const typeOf = (b: Builder) => {
    // As the reader takes them (mapper.ts, construct).
    if (!b.attributes.has("neurodata_type")) return undefined;
    const type = String(attributeValue(b.attributes.get("neurodata_type")));
    const namespace = String(attributeValue(b.attributes.get("namespace")) ?? "core");
    const known = typeCatalog.namespace(namespace) ? namespace : undefined;
    const types = typeAncestry(type, known);
    // The reader's class for the type is the schema's (its name as the schema spells it), else a generic one.
    return { neurodata_type: types[0]!, types };
  };
  const visit = (b: Builder, table: string | undefined) => {
    const typed = b === root ? undefined : typeOf(b);
    let below = table;
    if (typed) {
      const column = table !== undefined && !typed.types.includes("DynamicTable");
      tree.push({ path: b.path, name: b.name, neurodata_type: typed.neurodata_type, ancestry: typed.types, view: viewFor(typed.types).name, ...(column ? { table } : {}) });
      below = typed.types.includes("DynamicTable") ? b.path : undefined;
    }
    if (b instanceof GroupBuilder) for (const child of [...b.groups.values(), ...b.datasets.values()]) visit(child, below);
  };
  visit(root, undefined);
  return sortTree(tree);
}
