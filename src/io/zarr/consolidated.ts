/**
 * Zarr v2 consolidated metadata, as zarr-python's `consolidate_metadata` writes it and hdmf-zarr leaves in every
 * store it closes: one key, `/.zmetadata`, holding every `.zgroup`, `.zarray` and `.zattrs` of the hierarchy:
 * `{"metadata": {".zgroup": {...}, "acquisition/ts/data/.zarray": {...}, ...}, "zarr_consolidated_format": 1}`.
 *
 * Read through a ConsolidatedStore, a hierarchy's metadata costs one request instead of up to three per object
 * (each a round trip over a network), and a metadata key it does not list is known to be missing without asking.
 * `consolidateMetadata` writes the key after a write, the same JSON as zarr-python (NWBZarrIO's writer uses it).
 */
import { FormatError } from "../../errors.js";
import { PythonNumber, type PythonJSON, parsePythonJSON, stringifyPythonJSON, toPlainJSON } from "./python-json.js";
import { canListFolders, type FolderEntries, type FolderListingStore, type ReadableStore, type StoreKey, type WritableStore } from "./store.js";
import type { RangeQuery } from "./http-store.js";

/** Where zarr-python and hdmf-zarr keep consolidated metadata. */
export const CONSOLIDATED_METADATA_KEY: StoreKey = "/.zmetadata";

/** The names of Zarr v2's metadata keys. */
const METADATA_SUFFIXES = [".zgroup", ".zarray", ".zattrs"] as const;

/** Whether `key` is a metadata key, as zarr-python's consolidation tells them (by how the key ends). */
export function isMetadataKey(key: string): boolean {
  return METADATA_SUFFIXES.some((suffix) => key.endsWith(suffix));
}

/** A metadata key as the store answers it: its bytes (as zarr-python writes them) and its JSON. */
interface MetadataEntry {
  bytes: Uint8Array;
  json: unknown;
}

/** What a ConsolidatedStore opens with. */
export interface ConsolidatedStoreOptions {
  /** The key of the consolidated metadata (default "/.zmetadata"). */
  metadataKey?: StoreKey;
  /**
   * What a metadata key the consolidated metadata does not list gets: "missing" (the default, as zarr-python's
   * `open_consolidated`: no request), or "inner", read from the inner store (a request; for hdmf-zarr's cached spec).
   */
  unlisted?: "missing" | "inner";
}

/**
 * A store that answers metadata keys from the consolidated metadata, and every other key (chunks) from the store it
 * wraps. A store without consolidated metadata is read as it is (every key from the inner store). Read-only: the
 * consolidated metadata would no longer tell the truth after a write.
 *
 * As zarr-python's `open_consolidated`, it answers a metadata key the consolidated metadata does not list as
 * missing (option `unlisted: "inner"` asks the inner store instead). hdmf-zarr consolidates before it caches the
 * specifications: in its stores `/.zattrs` as listed lacks `.specloc` and `/specifications` is not listed; a reader
 * that wants the cached spec reads those keys from `inner`.
 */
export class ConsolidatedStore implements FolderListingStore {
  private constructor(
    /** The store wrapped. */
    readonly inner: ReadableStore,
    private readonly entries: Map<StoreKey, MetadataEntry> | undefined,
    private readonly metadataKey: StoreKey,
    private readonly consolidatedBytes: Uint8Array | undefined,
    private readonly unlisted: "missing" | "inner",
  ) {}

  /**
   * Reads `inner`'s consolidated metadata (one request) and wraps it. Throws a FormatError naming the key when that
   * metadata is not JSON of zarr's consolidated format 1.
   */
  static async open(inner: ReadableStore, options: ConsolidatedStoreOptions = {}): Promise<ConsolidatedStore> {
    const metadataKey = options.metadataKey ?? CONSOLIDATED_METADATA_KEY;
    const unlisted = options.unlisted ?? "missing";
    if (unlisted !== "missing" && unlisted !== "inner") throw new TypeError(`ConsolidatedStore: option 'unlisted': expected "missing" or "inner", got ${JSON.stringify(unlisted)}`);
    const bytes = await inner.get(metadataKey);
    if (bytes === undefined) return new ConsolidatedStore(inner, undefined, metadataKey, undefined, unlisted);
    const where = `consolidated metadata ${metadataKey}`;
    let parsed: PythonJSON;
    try {
      parsed = parsePythonJSON(new TextDecoder("utf-8", { fatal: true }).decode(bytes), where);
    } catch (e) {
      throw new FormatError(metadataKey, `not JSON: ${(e as Error).message}`, { cause: e });
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed) || !("metadata" in parsed)) {
      throw new FormatError(metadataKey, `expected {"zarr_consolidated_format": 1, "metadata": {...}}, got ${describe(parsed)}`);
    }
    const format = toPlainJSON(parsed.zarr_consolidated_format ?? null);
    if (format !== 1) throw new FormatError(metadataKey, `expected zarr_consolidated_format 1, got ${JSON.stringify(format) ?? "none"}`);
    const metadata = parsed.metadata;
    if (metadata === null || typeof metadata !== "object" || Array.isArray(metadata)) throw new FormatError(metadataKey, `"metadata": expected an object of keys, got ${describe(metadata)}`);
    const entries = new Map<StoreKey, MetadataEntry>();
    const encoder = new TextEncoder();
    for (const [name, value] of Object.entries(metadata)) {
      // Listed relative to the hierarchy's root ("acquisition/.zgroup"); a store's keys are absolute.
      const key = `/${name.replace(/^\/+/, "")}` as StoreKey;
      entries.set(key, { bytes: encoder.encode(stringifyPythonJSON(value)), json: toPlainJSON(value) });
    }
    return new ConsolidatedStore(inner, entries, metadataKey, bytes, unlisted);
  }

  /** Whether the store had consolidated metadata (else every key is read from the inner store). */
  get consolidated(): boolean {
    return this.entries !== undefined;
  }

  /**
   * Every metadata key the consolidated metadata lists, sorted (the hierarchy's groups and arrays, without listing
   * the store, which HTTP cannot), or undefined when the store has none.
   */
  metadataKeys(): StoreKey[] | undefined {
    return this.entries && [...this.entries.keys()].sort();
  }

  /** The JSON of a metadata key as the consolidated metadata holds it; undefined when it does not list it (or there is none). */
  metadata(key: StoreKey): unknown {
    return this.entries?.get(key)?.json;
  }

  /** The bytes under `key`: a metadata key from the consolidated metadata (no request), any other from the inner store. */
  async get(key: StoreKey, options?: unknown): Promise<Uint8Array | undefined> {
    if (this.entries) {
      if (key === this.metadataKey) return this.consolidatedBytes!.slice();
      if (isMetadataKey(key)) {
        const entry = this.entries.get(key);
        if (entry || this.unlisted === "missing") return entry?.bytes.slice();
      }
    }
    return (this.inner.get as (key: StoreKey, options?: unknown) => Promise<Uint8Array | undefined>)(key, options);
  }

  /** What a folder holds, as the inner store lists it (undefined when it cannot): listings are not consolidated. */
  async listFolder(prefix: StoreKey): Promise<FolderEntries | undefined> {
    return canListFolders(this.inner) ? this.inner.listFolder(prefix) : undefined;
  }

  /** Part of the bytes under `key`: through the inner store's `getRange` when it has one, else cut from `get`. */
  async getRange(key: StoreKey, range: RangeQuery, options?: unknown): Promise<Uint8Array | undefined> {
    const inner = this.inner as ReadableStore & { getRange?: (key: StoreKey, range: RangeQuery, options?: unknown) => Promise<Uint8Array | undefined> };
    const answeredHere = this.entries !== undefined && (key === this.metadataKey || (isMetadataKey(key) && (this.entries.has(key) || this.unlisted === "missing")));
    if (typeof inner.getRange === "function" && !answeredHere) return inner.getRange(key, range, options);
    const whole = await this.get(key, options);
    if (whole === undefined) return undefined;
    return "suffixLength" in range ? whole.slice(Math.max(0, whole.length - range.suffixLength)) : whole.slice(range.offset, range.offset + range.length);
  }
}

function describe(value: PythonJSON | undefined): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (value instanceof PythonNumber) return value.text;
  return typeof value === "object" ? 'an object without "metadata"' : JSON.stringify(value);
}

/**
 * The bytes of consolidated metadata holding `entries` (metadata keys and their bytes), exactly as zarr-python's
 * `consolidate_metadata` writes them: each value parsed and embedded as JSON, keys relative to the root, sorted,
 * indented by 4, ASCII. For a writer that has the metadata at hand; `consolidateMetadata` reads it from a store.
 */
export function encodeConsolidatedMetadata(entries: Iterable<readonly [StoreKey, Uint8Array]>): Uint8Array {
  const metadata: { [key: string]: PythonJSON } = {};
  const decoder = new TextDecoder("utf-8", { fatal: true });
  for (const [key, bytes] of entries) {
    if (!isMetadataKey(key)) throw new TypeError(`consolidated metadata: ${key} is not a metadata key (.zgroup, .zarray, .zattrs)`);
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch (e) {
      throw new FormatError(key, "not UTF-8 text", { cause: e });
    }
    let value: PythonJSON;
    try {
      value = parsePythonJSON(text, key);
    } catch (e) {
      throw new FormatError(key, `not JSON: ${(e as Error).message}`, { cause: e });
    }
    Object.defineProperty(metadata, key.replace(/^\/+/, ""), { value, enumerable: true, writable: true, configurable: true });
  }
  const out: PythonJSON = { zarr_consolidated_format: PYTHON_ONE, metadata };
  return new TextEncoder().encode(stringifyPythonJSON(out));
}

/** The int 1, as Python writes it. */
const PYTHON_ONE = new PythonNumber(false, 1, "1");

/** What `consolidateMetadata` did. */
export interface ConsolidationResult {
  /** The metadata keys gathered, sorted. */
  keys: StoreKey[];
  /** The bytes written under the metadata key. */
  bytes: Uint8Array;
}

/**
 * Gathers every metadata key of `store` (`.zgroup`, `.zarray`, `.zattrs`, found by listing it) into its consolidated
 * metadata key ("/.zmetadata"), as zarr-python's `consolidate_metadata` (which hdmf-zarr calls when it closes a
 * store) does, so that `zarr.open_consolidated` and a ConsolidatedStore read the hierarchy's metadata at once.
 * Call it after the last write of metadata: what is written later is not in it.
 */
export async function consolidateMetadata(store: WritableStore, options: { metadataKey?: StoreKey; parallel?: number } = {}): Promise<ConsolidationResult> {
  const keys: StoreKey[] = [];
  for await (const key of store.list("/")) if (isMetadataKey(key)) keys.push(key);
  keys.sort();
  const values = new Array<Uint8Array>(keys.length);
  // Many stores answer faster several at a time (a network store), none slower.
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const i = next++;
      const bytes = await store.get(keys[i]!);
      if (bytes === undefined) throw new FormatError(keys[i]!, "listed by the store but not found when read (written to at the same time?)");
      values[i] = bytes;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel ?? 16, keys.length)) }, worker));
  const bytes = encodeConsolidatedMetadata(keys.map((k, i) => [k, values[i]!] as const));
  await store.set(options.metadataKey ?? CONSOLIDATED_METADATA_KEY, bytes);
  return { keys, bytes };
}
