/**
 * Where a Zarr hierarchy's keys live (a folder, memory, a web server, an object store). The shape is zarrita's
 * (`@zarrita/storage`): keys are absolute ("/acquisition/ts/.zarray", "/acquisition/ts/data/0.0"), values bytes, and
 * `get` answers undefined for a key the store does not hold. A store of another kind (an object store's client)
 * implements these few methods and NWBZarrIO reads and writes through it; zarrita's own stores fit as they are.
 */

/** A key of a store: absolute, "/" separated. */
export type StoreKey = `/${string}`;

/** A store that can be read: every store. */
export interface ReadableStore {
  /** The bytes under `key`, or undefined when the store has no such key. */
  get(key: StoreKey): Promise<Uint8Array | undefined>;
}

/** A store that can be written too (NWBZarrIO modes "w" and "a"). */
export interface WritableStore extends ReadableStore {
  /** Puts `value` under `key`, replacing what was there. */
  set(key: StoreKey, value: Uint8Array): Promise<void>;
  /** Removes `key` (nothing happens when it is missing). */
  delete(key: StoreKey): Promise<void>;
  /** Every key that starts with `prefix` (used to clear a hierarchy before mode "w" writes it anew). */
  list(prefix: StoreKey): AsyncIterable<StoreKey>;
}

/** What one folder of a store holds directly: the last parts of its keys, and the names of its sub-folders. */
export interface FolderEntries {
  /** Keys directly in the folder, by their last part (".zarray", "0.0"). */
  keys: string[];
  /** Sub-folders, by name (without "/"). */
  folders: string[];
}

/**
 * A store that can tell what one folder holds though it cannot list every key (a web server's index pages, an object
 * store's delimited listing): enough to find what consolidated metadata leaves out (hdmf-zarr's cached specification).
 */
export interface FolderListingStore extends ReadableStore {
  /** What the folder `prefix` (a key prefix ending in "/", "/" for the root) holds, or undefined when the store cannot tell. */
  listFolder(prefix: StoreKey): Promise<FolderEntries | undefined>;
}

/** Whether `store` can list a folder's entries. */
export function canListFolders(store: ReadableStore): store is FolderListingStore {
  return typeof (store as Partial<FolderListingStore>).listFolder === "function";
}

/** A store's name in messages: its folder (a FolderStore's `root`) or URL (an HttpStore's `url`) when it has one. */
export function storeName(store: ReadableStore): string {
  const { root, url } = store as { root?: unknown; url?: unknown };
  if (typeof root === "string") return root;
  if (typeof url === "string" || url instanceof URL) return String(url);
  return "Zarr store";
}

/** Whether `store` can be written. */
export function isWritable(store: ReadableStore): store is WritableStore {
  const s = store as Partial<WritableStore>;
  return typeof s.set === "function" && typeof s.delete === "function" && typeof s.list === "function";
}

/** A store in memory: for browsers, tests, and hierarchies built before they are uploaded. */
export class MemoryStore implements WritableStore {
  /** The keys and their bytes. */
  readonly entries = new Map<StoreKey, Uint8Array>();

  async get(key: StoreKey): Promise<Uint8Array | undefined> {
    return this.entries.get(key);
  }

  async set(key: StoreKey, value: Uint8Array): Promise<void> {
    this.entries.set(key, value);
  }

  async delete(key: StoreKey): Promise<void> {
    this.entries.delete(key);
  }

  async *list(prefix: StoreKey): AsyncIterable<StoreKey> {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) yield key;
  }
}
