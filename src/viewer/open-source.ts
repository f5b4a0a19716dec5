/**
 * Which backend a file the viewer opens is in, and opening it there: an HDF5 file (a URL read by range requests, or
 * a File picked or dropped) through `NWBHDF5IO`, or an NWB Zarr store (a URL, read key by key through an
 * `HttpStore`, its consolidated metadata in one request; or a folder picked or dropped) through `NWBZarrIO`.
 *
 * A URL is taken for a Zarr store by its name when its path ends in `.zarr` or in `/` (a folder: no HDF5 file is
 * named so), with or without a trailing slash, and opened as one at once, with no request spent on deciding. Any
 * other URL is opened as HDF5 first, which costs an HDF5 file nothing; only when that fails is the URL probed as a
 * folder (its `.zgroup`): a store whose name says nothing (the DANDI archive's `zarr/<uuid>`) opens too, and a URL
 * that is neither keeps HDF5's error, which says why it is not an HDF5 file.
 */
import { HttpStore, NWBHDF5IO, NWBZarrIO, type ReadableStore, type StoreKey } from "../browser.js";
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
  if (isZarrURL(source.url)) return { io: await NWBZarrIO.open(source.url, "r"), format: "zarr" };
  try {
    return { io: await NWBHDF5IO.open(source.url, "r"), format: "hdf5" };
  } catch (hdf5Error) {
    let isStore = false;
    try {
      isStore = (await new HttpStore(source.url, { attempts: 1 }).get("/.zgroup")) !== undefined;
    } catch {
      isStore = false;
    }
    if (!isStore) throw hdf5Error;
    return { io: await NWBZarrIO.open(source.url, "r"), format: "zarr" };
  }
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
