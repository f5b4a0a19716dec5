/**
 * What the page and the reading worker say to each other: the page asks (open a file, list it, describe it, inspect
 * it, run a view's extract), the worker answers with plain data. Only types live here, so both sides import it
 * without pulling in anything else.
 */
import type { ViewRequest } from "./views/view.js";

/**
 * Where a file comes from: a URL (an HDF5 file read by range requests, or an NWB Zarr store read key by key: see
 * `open-source.ts`), a File the user picked or dropped (HDF5), or the files of a folder picked or dropped (an NWB
 * Zarr store), each with its path inside the folder.
 */
export type FileSource = { url: string } | { blob: Blob; name: string } | { files: { path: string; file: Blob }[]; name: string };

/** The backend a file is in: an HDF5 file or an NWB Zarr store. */
export type FileFormat = "hdf5" | "zarr";

/** One object of the file, as the tree lists it. */
export interface TreeEntry {
  /** Its HDF5 path (`/acquisition/lfp`). */
  path: string;
  name: string;
  neurodata_type: string;
  /** Its type and every type it extends, nearest first (`["ElectricalSeries", "TimeSeries", "NWBDataInterface", ...]`). */
  ancestry: string[];
  /** The view that shows it (the registry's choice, by type inheritance). */
  view: string;
  /** For a column of a table (its VectorData, VectorIndex, ids): the table's path. The tree lists it under the table when that is selected. */
  table?: string;
}

/** The file on one page: its session, subject, devices and what each section holds. */
export interface Overview {
  /** Session metadata, field by field (only those set), values as text. */
  session: [field: string, value: string][];
  /** The subject's fields (empty when the file has no subject). */
  subject: [field: string, value: string][];
  devices: { name: string; path: string; description?: string; manufacturer?: string }[];
  /** Per section (`acquisition`, `processing/behavior`...), objects by type: how many, and their datasets' bytes. */
  sections: { section: string; types: { type: string; count: number; bytes: number }[] }[];
}

/** One best-practice finding, as `tsnwb inspect` gives it. */
export interface Finding {
  importance: string;
  check_function_name: string;
  path: string;
  message: string;
}

/** The calls the page makes, each with its arguments and its answer. */
export interface ReaderCalls {
  /**
   * Starts opening a URL before the page's code has loaded (`index.html` does, for the file its address names): the
   * page's `open` of the same URL then takes the file over, half fetched, instead of opening it again. `first`: the
   * path of the object the page will show first (a store's small arrays that making it needs are fetched first).
   */
  preopen: { args: [source: { url: string }, first?: string]; result: null };
  /**
   * Opens a file and lists its objects, sorted by path. `target`: the object the page shows first (the address's),
   * whose extract starts at once after this answer, before the page asks for it with the same view and request.
   */
  open: { args: [source: FileSource, target?: { path: string; request: ViewRequest }]; result: { name: string; format: FileFormat; tree: TreeEntry[] } };
  overview: { args: []; result: Overview };
  inspect: { args: []; result: Finding[] };
  extract: { args: [path: string, view: string, request: ViewRequest]; result: unknown };
  /**
   * What reading has cost so far: for a File picked or dropped (read lazily), its reads and their bytes; for a Zarr
   * store by URL, its requests; the files the worker opened (of those, started by `preopen` and taken over by `open`)
   * and the extracts it ran (of those, started by `open` for the address's object, before the page asked; of those,
   * run on the object made from the part of a store's tree it needs).
   */
  stats: {
    args: [];
    result: {
      blob?: { reads: number; bytes: number };
      /** For a Zarr store read by URL: its requests, the bytes they brought, and their sequential round trips (`HttpStoreStats`). */
      store?: { requests: number; bytes: number; roundTrips: number };
      opened: number; openedEarly: number; extracted: number; extractedAhead: number;
      /** Of the extracts started ahead: those run on the object made from the part of a store's tree it needs. */
      extractedFromPart: number;
    };
  };
}

export type ReaderMethod = keyof ReaderCalls;

/** A call, page to worker. */
export interface ReaderCall<M extends ReaderMethod = ReaderMethod> {
  id: number;
  method: M;
  args: ReaderCalls[M]["args"];
}

/** An answer, worker to page: the result, or why there is none. */
export type ReaderAnswer = { id: number; result: unknown } | { id: number; error: string };
