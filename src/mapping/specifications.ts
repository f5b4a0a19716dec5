/**
 * The cached specification, as pynwb lays it out: `/specifications/<namespace>/<version>/` holds one JSON string
 * per schema file (named as the file, without `.yaml`) and `namespace`, the namespace document itself. Writing it
 * makes a file describe itself; reading it lets tsnwb read the objects of extensions it was not given.
 */
import { DatasetBuilder, GroupBuilder } from "./builders.js";
import type { NamespaceCatalog } from "../schema/catalog.js";
import { type NamespaceDocument, type NamespaceSpec, type SchemaSource, denormaliseKeys, normaliseKeys } from "../schema/language.js";
import type { LazyArray } from "../data/lazy.js";
import { FormatError, TsnwbError } from "../errors.js";
import { BUNDLED_NAMESPACES } from "../generated/schema/index.js";

/** The namespaces tsnwb bundles: a file's cache of them is not read into the bundled catalog (tsnwb's own serve). */
const BUNDLED = new Set(BUNDLED_NAMESPACES.map((d) => d.namespace.name));

function stripYaml(source: string): string {
  return source.replace(/\.ya?ml$/, "");
}

function jsonDataset(name: string, value: unknown): DatasetBuilder {
  return new DatasetBuilder(name, { data: [JSON.stringify(value)], shape: [1], dtype: "text" }, true);
}

/** The `specifications` group caching `namespaces` and every namespace they include. */
export function cachedSpecification(catalog: NamespaceCatalog, namespaces: Iterable<string>): GroupBuilder {
  const all = new Set<string>();
  for (const ns of namespaces) for (const n of catalog.closure(ns)) all.add(n);
  const root = new GroupBuilder("specifications");
  // In load order, so that each namespace comes after those it includes.
  for (const doc of catalog.namespaces) {
    const ns = doc.namespace;
    if (!all.has(ns.name)) continue;
    const version = root.group(ns.name).group(ns.version);
    const keys = doc.typeKeys ?? "neurodata_type";
    const schema = ns.schema.map((e) => ("source" in e ? { source: stripYaml(e.source) } : { namespace: e.namespace }));
    version.add(jsonDataset("namespace", { namespaces: [{ ...ns, schema }] }));
    for (const [source, content] of Object.entries(doc.sources)) version.add(jsonDataset(stripYaml(source), denormaliseKeys(content, keys)));
  }
  return root;
}

/**
 * Loads the namespaces a file caches that `catalog` does not have yet (each after those it includes). A cache that
 * is not the specification language (damaged text, or JSON of another shape) is a FormatError naming the file.
 */
export async function loadCachedSpecifications(catalog: NamespaceCatalog, root: GroupBuilder, fileName: string): Promise<string[]> {
  try {
    return await loadCached(catalog, root, fileName);
  } catch (e) {
    if (e instanceof TsnwbError) throw e;
    throw new FormatError(fileName, `its cached specification (/specifications) is damaged: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/**
 * The published namespaces tsnwb bundles (core, hdmf-common, hdmf-experimental), in the other versions files cache
 * (older files), as parsed from an earlier file in this process, by the text of its namespace and schema documents:
 * a folder of files of NWB 2.5 parses it once, not once a file (parsing is most of a small file's reading). The
 * texts are still read from each file, so a copy that differs is parsed and judged on its own. Extensions are
 * parsed from each file.
 */
const publishedRead = new Map<string, { texts: string[]; doc: NamespaceDocument }[]>();

/** The document parsed before from the same `texts` (compared one by one: no key is built of some 500 KB of text). */
function parsedBefore(name: string, texts: readonly string[]): NamespaceDocument | undefined {
  return publishedRead.get(name)?.find((known) => known.texts.length === texts.length && known.texts.every((t, i) => t === texts[i]))?.doc;
}

async function loadCached(catalog: NamespaceCatalog, root: GroupBuilder, fileName: string): Promise<string[]> {
  const specs = root.groups.get("specifications");
  if (!specs) return [];
  const waiting: NamespaceDocument[] = [];
  for (const [name, byVersion] of specs.groups) {
    const loaded = catalog.namespace(name) !== undefined;
    // An extension's cache is read even when it is loaded already (from another file): a damaged cache is this
    // file's error whatever was read before it.
    if (loaded && BUNDLED.has(name)) continue;
    const latest = byVersion.groups.get(latestCachedVersion(byVersion)!)!;
    const nsDataset = latest.datasets.get("namespace");
    if (!nsDataset) throw new FormatError(fileName, `${latest.path} has no namespace document`);
    const nsText = await readText(nsDataset);
    const nsDoc = parseJsonText(nsText, nsDataset, fileName, "a JSON namespace document") as { namespaces?: NamespaceSpec[] };
    const namespace = Array.isArray(nsDoc.namespaces) ? nsDoc.namespaces.find((n) => n?.name === name) ?? nsDoc.namespaces[0] : undefined;
    if (!Array.isArray(namespace?.schema)) throw new FormatError(fileName, `${nsDataset.path} is not a namespace document (no namespace with a schema list)`);
    const documents: { source: string; ds: DatasetBuilder }[] = [];
    for (const entry of namespace.schema) {
      if (!("source" in entry)) continue;
      const ds = latest.datasets.get(entry.source) ?? latest.datasets.get(stripYaml(entry.source));
      if (!ds) throw new FormatError(fileName, `${latest.path} lacks the schema file '${entry.source}' its namespace lists`);
      documents.push({ source: entry.source, ds });
    }
    // Read together: a store or file by URL reads each document in a round trip of its own, one after the other else.
    const texts = await Promise.all(documents.map(async ({ source, ds }) => ({ source, ds, text: await readText(ds) })));
    // Keyed by every document's text: a file whose copy differs (or is damaged) is parsed, and judged, on its own.
    const publishedTexts = BUNDLED.has(name) ? [nsText, ...texts.flatMap((t) => [t.source, t.text])] : undefined;
    const known = publishedTexts === undefined ? undefined : parsedBefore(name, publishedTexts);
    if (known) {
      if (!loaded) waiting.push(known);
      continue;
    }
    const sources: Record<string, SchemaSource> = {};
    let typeKeys: "neurodata_type" | "data_type" = "neurodata_type";
    for (const { source, ds, text } of texts) {
      const parsed = normaliseKeys(parseJsonText(text, ds, fileName, "a JSON schema document") as SchemaSource);
      if (parsed.typeKeys === "data_type") typeKeys = "data_type";
      sources[source] = parsed.value;
    }
    const doc: NamespaceDocument = { namespace: normaliseKeys(namespace).value, sources, typeKeys };
    if (publishedTexts !== undefined) publishedRead.set(name, [...(publishedRead.get(name) ?? []), { texts: publishedTexts, doc }]);
    if (!loaded) waiting.push(doc);
  }
  const loaded: string[] = [];
  while (waiting.length > 0) {
    const ready = waiting.findIndex((d) => d.namespace.schema.every((e) => !("namespace" in e) || catalog.namespace(e.namespace) !== undefined));
    if (ready < 0) throw new FormatError(fileName, `cached namespaces include namespaces the file does not hold: ${waiting.map((d) => d.namespace.name).join(", ")}`);
    const [doc] = waiting.splice(ready, 1);
    catalog.add(doc!);
    loaded.push(doc!.namespace.name);
  }
  return loaded;
}

/** The newest version of a namespace the file caches (`/specifications/<namespace>/<version>`): the one read. */
export function latestCachedVersion(byVersion: GroupBuilder): string | undefined {
  const versions = [...byVersion.groups.keys()].sort(compareVersions);
  return versions[versions.length - 1];
}

/** A cached document's text, as stored (one string). */
async function readText(ds: DatasetBuilder): Promise<string> {
  return String(((await (ds.value as LazyArray).read()) as string[])[0]);
}

/**
 * A cached document's JSON: an object, or a FormatError naming the file and the dataset (a damaged cache is the
 * file's fault, not a SyntaxError of tsnwb's).
 */
function parseJsonText(text: string, ds: DatasetBuilder, fileName: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new FormatError(fileName, `${ds.path} is not ${what} (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new FormatError(fileName, `${ds.path} is not ${what} (not a JSON object)`);
  return value as Record<string, unknown>;
}

/** Orders version strings ("2.3.0" before "2.10.0"), numerically part by part. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map(Number);
  const pb = b.split(/[.-]/).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0 && !Number.isNaN(d)) return d;
  }
  return a.localeCompare(b);
}
