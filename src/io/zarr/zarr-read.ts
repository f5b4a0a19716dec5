/**
 * Reads a Zarr store hdmf-zarr wrote (Zarr format 2) into a builder tree, as `hdf5/read.ts` reads an HDF5 file:
 * groups and their attributes, datasets as lazy handles (`lazy-zarr-array.ts`: nothing of their data is read
 * here), hdmf-zarr's links (`zarr_link` entries of a group's attributes) as links by target path, and its object
 * references (`{"zarr_dtype": "object", "value": {source, path}}` attributes) as references by path. The metadata
 * comes from the consolidated `/.zmetadata` in one read when the store has it, else from every
 * `.zgroup`/`.zarray`/`.zattrs` the store lists.
 *
 * hdmf-zarr consolidates the metadata before it writes the cached specification and the root's `.specloc`: the
 * root's `.zattrs` is therefore always read itself, and the specification group, when `.zmetadata` lacks it, is
 * listed: by the store's listing, else folder by folder (a web server's index pages, S3's listing: `listFolder`);
 * a store that lists neither is read without its cached specification, tsnwb's own schema serving.
 */
import { type AttributeBuilder, DatasetBuilder, GroupBuilder, LinkBuilder, type ReferenceValue } from "../../mapping/builders.js";
import { constructFile } from "../../mapping/mapper.js";
import type { NWBFile } from "../../containers/file.js";
import type { NDArray } from "../../data/ndarray.js";
import { FormatError } from "../../errors.js";
import { type FolderListingStore, type ReadableStore, type StoreKey, type WritableStore, canListFolders, storeName } from "./store.js";
import { type HdmfZarrDType, ZarrLazyArray } from "./lazy-zarr-array.js";
import { type ZarrCodecConfig, checkArrayMetadata, compressor } from "./zarr-decode.js";
import { ConsolidatedStore, isMetadataKey } from "./consolidated.js";
import { DEFAULT_SPEC_LOC, OBJECT_REFERENCE_TAG, RESERVED_ATTRIBUTES, SPEC_LOC_ATTR, ZARR_DTYPE_ATTR, ZARR_LINK_ATTR, referencePath } from "./layout.js";

/** The consolidated metadata's key, relative to the root (`consolidated.ts`'s CONSOLIDATED_METADATA_KEY). */
const ZMETADATA = ".zmetadata";
import { JsonFloat, parseConsolidatedJson, parseTaggedJson, untagged } from "./zarr-json.js";

/** What `readZarrTree` takes besides the store. */
export interface ZarrReadOptions {
  /** The store's name in errors and in objects' `container_source` (its folder or URL); default the store's `root` or `url`, else "Zarr store". */
  name?: string;
  /**
   * Whether the chunks of small arrays that reading a file's objects reads at once (scalars, text, references,
   * compound rows: one chunk of at most 4096 elements, outside the cached specification and not the data of a
   * typed dataset such as a table's column) are fetched together as the tree is read, as many at once as the store
   * takes (an HttpStore's `maxParallel`), rather than one after the other as the objects are made (one round trip
   * each over HTTP); default true. Numeric arrays other than scalars are never fetched ahead.
   */
  prefetchSmall?: boolean;
  /**
   * Whether the store's keys are listed (when it can list) so that datasets can tell which chunks were written
   * (`writtenChunks`, for copies of sparse arrays); default true. Listing reads no chunk.
   */
  listChunks?: boolean;
  /**
   * The root's documents as {@link readRootDocuments} read them (NWBZarrIO.open reads them to check that the store
   * is Zarr, so that the tree's reading does not ask for them again: a round trip less over HTTP).
   */
  root?: RootDocuments;
}

/** The documents at a store's root that reading its tree starts from: undefined where the store has none. */
export interface RootDocuments {
  /** `/.zgroup`: the root is a Zarr group. */
  zgroup: Uint8Array | undefined;
  /** `/.zmetadata`: the consolidated metadata. */
  zmetadata: Uint8Array | undefined;
  /** `/.zattrs`: the root's attributes as they are now (hdmf-zarr writes `.specloc` after it consolidates). */
  zattrs: Uint8Array | undefined;
  /**
   * hdmf-zarr's specification group (its default place) read by listing, begun with the root's own `.zattrs` when
   * the consolidated copy was stale: used if `.specloc` names that place.
   */
  specification?: { prefix: string; meta: Promise<MetadataMap | undefined> };
}

/**
 * Reads the root's documents together: one round trip over HTTP. A ConsolidatedStore answers `/.zattrs` from the
 * consolidated metadata: when that copy lacks `.specloc` (hdmf-zarr's, consolidated before it caches the
 * specification) the root's own is read past it, one more round trip, only for such stores. `zgroup: false` leaves
 * `/.zgroup` unread (undefined): the tree's reading finds it in the metadata.
 */
export async function readRootDocuments(store: ReadableStore, { zgroup: withGroup = true } = {}): Promise<RootDocuments> {
  const [zmetadata, zattrs, zgroup] = await Promise.all([ZMETADATA, ".zattrs", ...(withGroup ? [".zgroup"] : [])].map((k) => store.get(`/${k}` as StoreKey)));
  const stale = store instanceof ConsolidatedStore && store.consolidated && !(zattrs && new TextDecoder().decode(zattrs).includes(`"${SPEC_LOC_ATTR}"`));
  if (!stale) return { zgroup, zmetadata, zattrs };
  // hdmf-zarr's store: its specification, where hdmf-zarr puts it, sought at once (the same round trip).
  const prefix = `${DEFAULT_SPEC_LOC}/`;
  const meta = canListFolders(store) ? listedFolderMetadata(store, store.inner, prefix, storeName(store)) : Promise.resolve(undefined);
  meta.catch(() => undefined); // Read when `.specloc` names it; a failure is that read's to report.
  return { zgroup, zmetadata, zattrs: await store.inner.get("/.zattrs"), specification: { prefix, meta } };
}

/** Metadata documents by key relative to the store's root, without the leading "/" ("acquisition/ts/.zarray"). */
type MetadataMap = Map<string, unknown>;


/**
 * Keys are read this many at a time from a store that does not say how many it takes (a folder: each read an open
 * file). An HttpStore says (`maxParallel`): it is given as many at once, since each wave is a round trip.
 */
const PARALLEL_READS = 32;

/** The bound on reads in flight that `store` keeps itself (an HttpStore's `maxParallel`), if it says. */
function declaredParallel(store: ReadableStore): number | undefined {
  const declared = (store as { maxParallel?: unknown }).maxParallel;
  return typeof declared === "number" && Number.isInteger(declared) && declared >= 1 ? declared : undefined;
}

/** How many reads to keep going at once on `store`. */
function parallelReads(store: ReadableStore): number {
  return declaredParallel(store) ?? PARALLEL_READS;
}

/** Whether `store` bounds and queues its own reads (then it may be given all of them at once). */
function queues(store: ReadableStore): boolean {
  return declaredParallel(store) !== undefined;
}

function canList(store: ReadableStore): store is ReadableStore & Pick<WritableStore, "list"> {
  return typeof (store as Partial<WritableStore>).list === "function";
}

/** Reads the hierarchy of `store` (hdmf-zarr's layout) into builders; array data stays in the store until read. */
export async function readZarrTree(store: ReadableStore, options: ZarrReadOptions = {}): Promise<GroupBuilder> {
  const layout = await readZarrLayout(store, options);
  await layout.fetchSmall();
  return layout.root;
}

/** A store's builder tree as its metadata gives it, before any chunk is read. */
export interface ZarrLayout {
  /** The hierarchy's builders (names, types, attributes; datasets lazy). */
  root: GroupBuilder;
  /**
   * Asks for the chunks of the small arrays that making the objects reads (`prefetchSmall`; nothing when that is
   * false), all at once, those at the paths `first` picks at the head of the queue (a browser sends six at a time
   * over HTTP/1.1: what one object needs arrives first). The first call decides; every call settles once they are
   * fetched, and never rejects (a chunk that failed is the read's to report, when its values are read).
   */
  fetchSmall(first?: (path: string) => boolean): Promise<void>;
}

/**
 * The hierarchy of `store` as builders from its metadata alone (no chunk read): a listing of its objects before they
 * are made (the viewer's tree over a slow link: one round trip rather than one more wave of hundreds of chunks).
 */
export async function readZarrLayout(store: ReadableStore, options: ZarrReadOptions = {}): Promise<ZarrLayout> {
  const name = options.name ?? storeName(store);
  const listable = canList(store);
  const listed = listable && options.listChunks !== false ? await listKeys(store) : undefined;
  const meta = await readMetadata(store, name, listed, options.root);
  if (!meta.has(".zgroup")) throw new FormatError(name, "not a Zarr hierarchy: it has no root group (/.zgroup)");
  const chunkKeys = listed === undefined ? undefined : chunkKeysByArray(listed, meta);
  const builder = new TreeBuilder(store, name, meta, chunkKeys);
  const root = builder.build();
  let fetched: Promise<void> | undefined;
  return {
    root,
    fetchSmall(first) {
      if (options.prefetchSmall === false) return Promise.resolve();
      fetched ??= prefetchSmall(store, name, builder.arrays, builder.typedArrays, root, first);
      return fetched;
    },
  };
}

/**
 * Reads the NWB file in `store` (hdmf-zarr's layout) into typed objects, as `NWBHDF5IO.read()` reads an HDF5 file:
 * the namespaces the file caches are loaded, array data stays in the store as lazy handles until read.
 */
export async function readZarrFile(store: ReadableStore, options: ZarrReadOptions = {}): Promise<NWBFile> {
  const name = options.name ?? storeName(store);
  const root = await readZarrTree(store, options);
  return constructFile(root, name);
}


async function listKeys(store: ReadableStore & Pick<WritableStore, "list">): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list("/")) keys.push(key.replace(/^\/+/, ""));
  return keys;
}


/**
 * The JSON document at `key`, or undefined when the store has none. Attributes keep whether their numbers were
 * written as floats (`zarr-json.ts`); other documents are plain. `known`: the key's bytes, already read.
 */
async function getJSON(store: ReadableStore, key: string, name: string, known?: { bytes: Uint8Array | undefined }): Promise<unknown> {
  const bytes = known !== undefined ? known.bytes : await store.get(`/${key}` as StoreKey);
  if (bytes === undefined) return undefined;
  try {
    const text = new TextDecoder().decode(bytes);
    // Megabytes for a file of thousands of objects: the engine's JSON.parse, its floats marked (zarr-json.ts).
    if (key === ZMETADATA) return parseConsolidatedJson(text);
    const doc = parseTaggedJson(text);
    if (key === ".zattrs" || key.endsWith("/.zattrs")) return doc;
    return untagged(doc);
  } catch (e) {
    throw new FormatError(name, `/${key} is not JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Fetches `keys` (metadata documents) into `into`, several at a time. */
async function fetchAll(store: ReadableStore, keys: string[], name: string, into: MetadataMap): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const key = keys[next++]!;
      const doc = await getJSON(store, key, name);
      if (doc !== undefined) into.set(key, doc);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelReads(store), keys.length) }, worker));
}

/** Every metadata document of the hierarchy: consolidated when the store has `/.zmetadata`, else as listed. */
async function readMetadata(store: ReadableStore, name: string, listed: string[] | undefined, given: RootDocuments | undefined): Promise<MetadataMap> {
  const meta: MetadataMap = new Map();
  const root = given ?? (await readRootDocuments(store, { zgroup: false }));
  const [consolidated, rootAttrs] = await Promise.all([
    getJSON(store, ZMETADATA, name, { bytes: root.zmetadata }),
    getJSON(store, ".zattrs", name, { bytes: root.zattrs }),
  ]);
  if (consolidated !== undefined) {
    const docs = (consolidated as { metadata?: Record<string, unknown> }).metadata;
    if (typeof docs !== "object" || docs === null) throw new FormatError(name, "/.zmetadata has no 'metadata' object");
    for (const [key, doc] of Object.entries(docs)) meta.set(key.replace(/^\/+/, ""), doc);
    // The root's attributes as they are now (hdmf-zarr adds `.specloc` after it consolidates).
    if (rootAttrs !== undefined) meta.set(".zattrs", rootAttrs);
    const specloc = (rootAttrs as Record<string, unknown> | undefined)?.[SPEC_LOC_ATTR];
    if (typeof specloc === "string" && !meta.has(`${trimSlashes(specloc)}/.zgroup`)) {
      const keys = listed ?? (canList(store) ? await listKeys(store) : undefined);
      const prefix = `${trimSlashes(specloc)}/`;
      // Past the consolidated metadata, which answers what it does not list as missing.
      const direct = store instanceof ConsolidatedStore ? store.inner : store;
      if (keys !== undefined) await fetchAll(direct, keys.filter((k) => k.startsWith(prefix) && isMetadataKey(k)), name, meta);
      else if (canListFolders(store)) {
        const begun = root.specification?.prefix === prefix ? root.specification.meta : undefined;
        const found = await (begun ?? listedFolderMetadata(store, direct, prefix, name));
        for (const [k, doc] of found ?? []) meta.set(k, doc);
      }
    }
    return meta;
  }
  const keys = listed ?? (canList(store) ? await listKeys(store) : undefined);
  if (keys === undefined) {
    throw new FormatError(name, "the store has no consolidated metadata (/.zmetadata) and cannot list its keys, so its hierarchy cannot be found: consolidate it (zarr.consolidate_metadata), or open it through a store that lists");
  }
  await fetchAll(store, keys.filter(isMetadataKey), name, meta);
  return meta;
}

/**
 * The metadata of the folder `prefix` and below as `readFolderMetadata` reads it, or undefined when the store does
 * not list it (an empty specification group would hide tsnwb's own schema).
 */
async function listedFolderMetadata(store: FolderListingStore, direct: ReadableStore, prefix: string, name: string): Promise<MetadataMap | undefined> {
  const found: MetadataMap = new Map();
  return (await readFolderMetadata(store, direct, prefix, name, found)) ? found : undefined;
}

/**
 * Reads into `meta` the metadata of the folder `prefix` (relative, ending in "/") and of every folder below it,
 * found by listing folder by folder (`store`) and read past consolidation (`direct`). A folder's three metadata
 * names are asked for while it is listed (the listing of a folder that turns out to be an array is the price), so
 * a hierarchy costs a round trip per level: hdmf-zarr's specification (namespace, version, document) four. An
 * index page that hides names starting with "." (nginx's) hides them only from the listing. Whether the folder was
 * listed.
 */
async function readFolderMetadata(store: FolderListingStore, direct: ReadableStore, prefix: string, name: string, meta: MetadataMap): Promise<boolean> {
  const [entries] = await Promise.all([
    store.listFolder(`/${prefix}`),
    fetchAll(direct, [".zgroup", ".zarray", ".zattrs"].map((k) => `${prefix}${k}`), name, meta),
  ]);
  if (entries === undefined) return false;
  if (meta.has(`${prefix}.zgroup`)) await Promise.all(entries.folders.map((f) => readFolderMetadata(store, direct, `${prefix}${f}/`, name, meta)));
  return true;
}

function trimSlashes(p: string): string {
  return p.replace(/^\/+|\/+$/g, "");
}

/** The chunk keys listed under each array (by its path relative to the root, "" for a root array). */
function chunkKeysByArray(listed: string[], meta: MetadataMap): Map<string, Set<string>> {
  const arrays = new Map<string, Set<string>>();
  for (const key of meta.keys()) if (key === ".zarray" || key.endsWith("/.zarray")) arrays.set(key.slice(0, -".zarray".length).replace(/\/$/, ""), new Set());
  for (const key of listed) {
    if (isMetadataKey(key)) continue;
    // A chunk's key is its array's path and the chunk's name ("data/0.0", or "data/0/0" with "/" separators):
    // the longest array path it starts with.
    const parts = key.split("/");
    for (let i = parts.length - 1; i >= 0; i--) {
      const array = parts.slice(0, i).join("/");
      const keys = arrays.get(array);
      if (keys !== undefined) {
        keys.add(parts.slice(i).join("/"));
        break;
      }
    }
  }
  return arrays;
}

/** Arrays of at most this many elements, in one chunk, are fetched ahead (see `prefetchSmall`). */
const PREFETCH_ELEMENTS = 4096;

/**
 * Fetches the chunks of the small arrays the objects' construction reads, all at once (as many as the store takes).
 * The mapper reads eagerly the datasets that are fields of their parent with a scalar or text value, references
 * and compound rows (`mapper.ts`, valueOf); the data of a typed dataset (a table's column, an index) stays lazy
 * unless it is a scalar, so typed arrays are left out. What is fetched only fills the arrays' chunk caches: a guess
 * too many costs a request in the same wave, one too few a round trip when construction reads it, and neither
 * changes a value.
 */
async function prefetchSmall(store: ReadableStore, name: string, arrays: ZarrLazyArray[], typed: ReadonlySet<ZarrLazyArray>, root: GroupBuilder, first?: (path: string) => boolean): Promise<void> {
  const specloc = root.attributes.get(SPEC_LOC_ATTR)?.value;
  const specs = specloc !== undefined && "kind" in specloc && specloc.kind === "reference" ? `${String(specloc.targets[0])}/` : undefined;
  let small = arrays.filter((a) => {
    if (specs !== undefined && a.path.startsWith(specs)) return false;
    if (typed.has(a) && !a.scalar) return false;
    const elements = a.meta.shape.reduce((x, n) => x * n, 1);
    const eager = a.scalar || a.dtype === "text" || a.dtype === "reference" || a.dtype === "compound" || a.dtype === "bool";
    return eager && a.chunkCount === 1 && elements <= PREFETCH_ELEMENTS;
  });
  // With `first`: those it picks asked for first, the others at low priority (after any read of the objects made
  // from them meanwhile: the viewer's first view).
  const low = new Set(first === undefined ? [] : small.filter((a) => !first(a.path)));
  if (first !== undefined) small = [...small.filter((a) => !low.has(a)), ...low];
  // The decompressors' modules (WebAssembly, compiled on first use) loaded while the chunks are on their way; a
  // failure is the read's to report, as when it loads them itself.
  const codecs = new Map<string, ZarrCodecConfig>();
  for (const a of small) if (a.meta.compressor !== null) codecs.set(JSON.stringify(a.meta.compressor), a.meta.compressor);
  for (const config of codecs.values()) compressor(config, name).catch(() => undefined);
  if (queues(store)) {
    // All asked for at once: the store sends what it may and queues the rest, so a chunk's decoding never holds back
    // the next request (from 256 workers, the 257th request waited for a chunk's decoding, the first one's for the
    // decompressor's compiling: round trips on a busy machine).
    await Promise.all(small.map((a) => a.prefetch(low.has(a) ? "low" : undefined)));
    return;
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < small.length) {
      const a = small[next++]!;
      await a.prefetch(low.has(a) ? "low" : undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelReads(store), small.length) }, worker));
}

/** Builds the builder tree from the metadata documents. */
class TreeBuilder {
  /** Every array read, in the order met. */
  readonly arrays: ZarrLazyArray[] = [];
  /** Those of them that are typed (a `neurodata_type` attribute): objects of their own, their data read lazily. */
  readonly typedArrays = new Set<ZarrLazyArray>();
  /** Each group's and array's children's names, by the parent's relative path. */
  private readonly children = new Map<string, { groups: Set<string>; arrays: Set<string> }>();

  constructor(
    private readonly store: ReadableStore,
    private readonly name: string,
    private readonly meta: MetadataMap,
    private readonly chunkKeys: Map<string, Set<string>> | undefined,
  ) {
    for (const key of meta.keys()) {
      const m = /^(?:(.*)\/)?\.z(group|array)$/.exec(key);
      if (!m || m[1] === undefined) continue;
      const path = m[1];
      const slash = path.lastIndexOf("/");
      const parent = slash < 0 ? "" : path.slice(0, slash);
      const entry = this.childrenOf(parent);
      (m[2] === "group" ? entry.groups : entry.arrays).add(path.slice(slash + 1));
    }
  }

  private childrenOf(path: string): { groups: Set<string>; arrays: Set<string> } {
    let entry = this.children.get(path);
    if (entry === undefined) {
      entry = { groups: new Set(), arrays: new Set() };
      this.children.set(path, entry);
    }
    return entry;
  }

  build(): GroupBuilder {
    const root = new GroupBuilder("root");
    this.readGroupInto(root, "");
    return root;
  }

  private absolute(path: string): string {
    return `/${path}`;
  }

  private readGroupInto(g: GroupBuilder, path: string): void {
    const attrs = this.attributesOf(path);
    this.readAttributes(attrs, g.attributes, path);
    const specloc = attrs[SPEC_LOC_ATTR];
    if (path === "" && typeof specloc === "string") {
      // hdmf-zarr stores `.specloc` as the group's relative path; HDF5 (and tsnwb's builders) as a reference.
      g.attributes.set(SPEC_LOC_ATTR, { value: { kind: "reference", targets: [`/${trimSlashes(specloc)}`] }, scalar: true });
    }
    const entry = this.children.get(path);
    // In name order, as zarr lists them (and HDF5 keeps them).
    for (const child of [...(entry?.groups ?? [])].sort()) {
      const sub = new GroupBuilder(child);
      g.add(sub);
      this.readGroupInto(sub, path === "" ? child : `${path}/${child}`);
    }
    for (const child of [...(entry?.arrays ?? [])].sort()) g.add(this.readDataset(child, path === "" ? child : `${path}/${child}`));
    const links = attrs[ZARR_LINK_ATTR];
    if (links !== undefined) {
      if (!Array.isArray(links)) throw new FormatError(this.name, `${this.absolute(path)}: zarr_link is not a list of links`);
      for (const link of links as { name?: unknown; source?: unknown; path?: unknown }[]) {
        if (typeof link?.name !== "string") throw new FormatError(this.name, `${this.absolute(path)}: a zarr_link entry has no name: ${JSON.stringify(link)}`);
        const source = link.source;
        if (source === undefined || source === null || source === "." || source === "./" || source === "") {
          g.add(new LinkBuilder(link.name, referencePath(link, `${this.name}: ${this.absolute(path)}/${link.name}`)));
        } else {
          // Into another store (hdmf-zarr's links to other files): kept as an external link, not followed.
          const target = typeof link.path === "string" ? (link.path.startsWith("/") ? link.path : `/${link.path}`) : "/";
          g.add(new LinkBuilder(link.name, target, { file: String(source) }));
        }
      }
    }
  }

  private attributesOf(path: string): Record<string, unknown> {
    const doc = this.meta.get(path === "" ? ".zattrs" : `${path}/.zattrs`);
    if (doc === undefined) return {};
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new FormatError(this.name, `${this.absolute(path)}/.zattrs is not a JSON object`);
    return doc as Record<string, unknown>;
  }

  private readDataset(name: string, path: string): DatasetBuilder {
    const attrs = this.attributesOf(path);
    const meta = checkArrayMetadata(this.meta.get(`${path}/.zarray`), `${this.name}: /${path}/.zarray`);
    const zarrDType = attrs[ZARR_DTYPE_ATTR] as HdmfZarrDType | undefined;
    const lazy = new ZarrLazyArray(this.store, this.absolute(path), meta, zarrDType, this.name, this.chunkKeys?.get(path));
    this.arrays.push(lazy);
    if (attrs.neurodata_type !== undefined) this.typedArrays.add(lazy);
    const builder = new DatasetBuilder(name, lazy, lazy.scalar);
    this.readAttributes(attrs, builder.attributes, path);
    return builder;
  }

  private readAttributes(attrs: Record<string, unknown>, into: Map<string, AttributeBuilder>, path: string): void {
    for (const [key, value] of Object.entries(attrs)) {
      if (RESERVED_ATTRIBUTES.has(key) || key === SPEC_LOC_ATTR) continue;
      into.set(key, this.attribute(value, `${this.name}: ${this.absolute(path)} attribute '${key}'`));
    }
  }

  /** An attribute's JSON value as a builder attribute: references, text, numbers, booleans, lists of them. */
  private attribute(value: unknown, where: string): AttributeBuilder {
    if (typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof JsonFloat)) {
      const v = value as { zarr_dtype?: unknown; value?: unknown };
      if (v.zarr_dtype === OBJECT_REFERENCE_TAG) {
        const refs = Array.isArray(v.value) ? v.value : [v.value];
        const reference: ReferenceValue = { kind: "reference", targets: refs.map((r) => referencePath(r, where)) };
        return { value: reference, scalar: !Array.isArray(v.value) };
      }
      throw new FormatError(where, `an object attribute tsnwb does not read (hdmf-zarr's are {"zarr_dtype": "object", "value": ...}): ${JSON.stringify(value).slice(0, 200)}`);
    }
    if (!Array.isArray(value)) return { value: jsonArray([value], [], where), scalar: true };
    const shape: number[] = [];
    let level: unknown = value;
    while (Array.isArray(level)) {
      shape.push(level.length);
      level = level[0];
    }
    return { value: jsonArray(value.flat(Infinity), shape, where), scalar: false };
  }
}

/**
 * JSON values as an array. JSON does not keep the numpy dtype an attribute was written with: numbers written as
 * integers are int64 (Python's int), those written as floats float64 (Python's float), as hdmf-zarr reads them.
 */
function jsonArray(values: unknown[], shape: number[], where: string): NDArray {
  if (values.every((v) => typeof v === "string")) return { data: values as string[], shape, dtype: "text" };
  if (values.every((v) => typeof v === "number" || v instanceof JsonFloat)) {
    const numbers = values.map((v) => (v instanceof JsonFloat ? v.value : (v as number)));
    if (values.every((v) => typeof v === "number" && Number.isSafeInteger(v))) return { data: BigInt64Array.from(numbers, (n) => BigInt(n)), shape, dtype: "int64" };
    return { data: Float64Array.from(numbers), shape, dtype: "float64" };
  }
  if (values.every((v) => typeof v === "boolean")) return { data: Uint8Array.from(values as boolean[], (b) => (b ? 1 : 0)), shape, dtype: "uint8" };
  if (values.some((v) => typeof v === "object" && v !== null && !(v instanceof JsonFloat))) throw new FormatError(where, `a list attribute of objects tsnwb does not read: ${JSON.stringify(values).slice(0, 200)}`);
  // Mixed scalars (numpy would have made them one type: text).
  return { data: values.map((v) => (v === null ? "" : String(v instanceof JsonFloat ? v.value : v))), shape, dtype: "text" };
}

