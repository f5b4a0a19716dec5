/**
 * Which backend a file the viewer opens is in, and opening it there: an HDF5 file (a URL read by range requests, or
 * a File picked or dropped) through `NWBHDF5IO`, or an NWB Zarr store (a URL, read key by key through an
 * `HttpStore`, its consolidated metadata in one request; or a folder picked or dropped) through `NWBZarrIO`.
 *
 * A URL is taken for a Zarr store by its name when its path ends in `.zarr` or in `/` (a folder: no HDF5 file is
 * named so), with or without a trailing slash, and opened as one at once, with no request spent on deciding. Any
 * other URL is opened as HDF5 first, which costs an HDF5 file nothing; only when that fails is the URL probed as a
 * folder (its `.zmetadata`, else its `.zgroup`): a store whose name says nothing (the DANDI archive's
 * `zarr/<uuid>`) opens too, and a URL that is neither keeps HDF5's error, which says why it is not an HDF5 file.
 *
 * A store by URL is read through a ConsolidatedStore over an HttpStore: its consolidated metadata is the first
 * request, and every metadata key after it (the root's `.zgroup` NWBZarrIO checks, each object's) is answered from
 * it, with no request; chunks are requests of their own, many in flight at once.
 */
import { ConsolidatedStore, HttpStore, NWBHDF5IO, NWBZarrIO, type ReadableStore, type StoreKey } from "../browser.js";
import type { FileSource, FileFormat } from "./protocol.js";
import { isZarrURL } from "./store-url.js";

/** A file open to read, in either backend, and which. */
export interface OpenedSource {
  io: NWBHDF5IO | NWBZarrIO;
  format: FileFormat;
}

/** Opens `source` to read, in the backend it is in (see the module's comment for how a URL's is decided). */
export async function openToRead(source: FileSource): Promise<OpenedSource> {
  if ("files" in source) return { io: await NWBZarrIO.open(new PickedFolderStore(source.files), "r", { name: source.name }), format: "zarr" };
  if ("blob" in source) return { io: await NWBHDF5IO.open(source.blob, "r", { name: source.name }), format: "hdf5" };
  if (isZarrURL(source.url)) return { io: await openStore(source.url, await ConsolidatedStore.open(new HttpStore(source.url))), format: "zarr" };
  try {
    return { io: await NWBHDF5IO.open(source.url, "r"), format: "hdf5" };
  } catch (hdf5Error) {
    let store: ConsolidatedStore | undefined;
    try {
      // A page a server gives for any path (200, HTML) is not consolidated metadata: ConsolidatedStore throws.
      const probed = await ConsolidatedStore.open(new HttpStore(source.url));
      if (probed.consolidated || (await probed.get("/.zgroup")) !== undefined) store = probed;
    } catch {
      store = undefined;
    }
    if (store === undefined) throw hdf5Error;
    return { io: await openStore(source.url, store), format: "zarr" };
  }
}

/** The NWB file in the store at `url`, read through `store` (its consolidated metadata read). */
function openStore(url: string, store: ConsolidatedStore): Promise<NWBZarrIO> {
  return NWBZarrIO.open(store, "r", { name: url });
}

/** The HttpStore under a store a file was opened through, if any: its requests are what reading the store cost. */
export function httpStoreOf(io: NWBHDF5IO | NWBZarrIO): HttpStore | undefined {
  if (!(io instanceof NWBZarrIO)) return undefined;
  const store = io.store instanceof ConsolidatedStore ? io.store.inner : io.store;
  return store instanceof HttpStore ? store : undefined;
}

/**
 * A Zarr store over the files of a folder the user picked (`<input webkitdirectory>`) or dropped: each file's key
 * is its path inside the folder (`webkitRelativePath` without the folder's own name, or the path the drop gave).
 * It lists its keys, so a store without consolidated metadata opens too; nothing is read until a key is asked.
 */
export class PickedFolderStore implements ReadableStore {
  private readonly byKey = new Map<StoreKey, Blob>();

  /** `files`: each file and its path inside the picked folder ("acquisition/ts/.zarray"). */
  constructor(files: readonly { path: string; file: Blob }[]) {
    for (const { path, file } of files) {
      const parts = path.split("/").filter((p) => p !== "");
      if (parts.some((p) => p === "." || p === "..")) continue;
      this.byKey.set(`/${parts.join("/")}`, file);
    }
  }

  async get(key: StoreKey): Promise<Uint8Array | undefined> {
    const file = this.byKey.get(key);
    return file === undefined ? undefined : new Uint8Array(await file.arrayBuffer());
  }

  async *list(prefix: StoreKey): AsyncIterable<StoreKey> {
    for (const key of this.byKey.keys()) if (key.startsWith(prefix)) yield key;
  }
}
