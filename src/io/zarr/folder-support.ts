/**
 * Stores in folders on disk, for NWBZarrIO: Node only. NWBZarrIO itself runs in browsers too (on store objects);
 * the Node entry installs this support (`folders-node.ts`), so that a path names a folder there, while the browser
 * entry carries no file system code.
 */
import type { ReadableStore, WritableStore } from "./store.js";

/** A store opened at a path. */
export interface FolderTarget {
  /** The store to read, or to write into (mode "w": a temporary folder beside the path). */
  store: ReadableStore | WritableStore;
  /** The path, absolute. */
  path: string;
  /** The folder the store's folder is in: external file paths are stored relative to it. */
  folder: string;
  /** Mode "w": the temporary folder written into, put at `path` by `putInPlace`. */
  workFolder?: string;
}

/** What NWBZarrIO does with folders. */
export interface FolderSupport {
  /** Checks `path` for `mode` (an existing store to read; a parent folder, and nothing but a store or an empty folder, to write) and opens it. */
  open(path: string, mode: "r" | "w"): Promise<FolderTarget>;
  /** Puts the written `work` folder at `path`, replacing what is there. */
  putInPlace(work: string, path: string): Promise<void>;
  /** Removes a folder and everything in it. */
  remove(folder: string): Promise<void>;
  /** A file path as stored in a file whose folder is `folder`: relative to it, with forward slashes. */
  storedFilePath(folder: string, file: string): string;
}

let installed: FolderSupport | undefined;

/** Installs folder support (the Node entry does, on import). */
export function installFolderSupport(support: FolderSupport): void {
  installed = support;
}

/** The folder support installed, if any (none in a browser). */
export function folderSupport(): FolderSupport | undefined {
  return installed;
}
