/**
 * The viewer's reading worker: the only place the file is open. The page sends it calls (open a URL or a File,
 * list the objects, describe the file, inspect it, run a view's extract on an object) and it answers each with
 * plain data, so reading (synchronous range requests, decompression) never blocks the page.
 */
import { type AbstractContainer, type NWBFile, NWBZarrIO, inspect } from "../browser.js";
import type { GroupBuilder } from "../mapping/builders.js";
import { constructFile } from "../mapping/mapper.js";
import { partOfTree, partOfTreeByLinks } from "../mapping/part-of-tree.js";
import { type OpenedSource, httpStoreOf, openToRead } from "./open-source.js";
import type { Finding, FileFormat, FileSource, Overview, ReaderAnswer, ReaderCall, ReaderCalls, ReaderMethod, TreeEntry } from "./protocol.js";
import type { ViewRequest } from "./views/view.js";
import { isHDF5ModuleMessage, startCompilingHDF5 } from "./hdf5-wasm.js";
import { sectionOf } from "./sections.js";
import { pathOf, treeOfLayout } from "./tree.js";
import { viewNamed } from "./views/registry.js";

/** The worker's side of messaging (the DOM's types describe a page, not a worker). */
interface WorkerScope {
  onmessage: ((e: MessageEvent<ReaderCall>) => void) | null;
  postMessage(message: ReaderAnswer): void;
}
const scope = globalThis as unknown as WorkerScope;
// HDF5's WebAssembly compiles from the worker's first moment on, while the page asks for a file (see hdf5-wasm.ts).
startCompilingHDF5();

/** A file open in the worker: its reader and backend, the file, its objects by path, and the tree the page lists. */
interface OpenFile extends OpenedSource {
  nwbfile: NWBFile;
  byPath: Map<string, AbstractContainer>;
  tree: TreeEntry[];
}

/**
 * The file open, or being opened (every call waits for it), and its tree (listed from the file's layout, before its
 * objects are made). `preopened`: the URL of a file `preopen` started opening before the page asked for it; the
 * page's `open` of that URL takes it over instead of opening it again.
 */
let current: (Opening & { preopened?: string }) | undefined;

/** A file being opened: its objects, and (first) its backend and tree, listed from its layout. */
interface Opening {
  file: Promise<OpenFile>;
  listing: Promise<{ format: FileFormat; tree: TreeEntry[] }>;
  /**
   * The object at a path and the file it is in, made from the part of the file's tree it needs (`partOfTree`)
   * while the rest is read: for a Zarr store (whose objects' small arrays are hundreds of requests), rejects for an
   * HDF5 file (its objects are made from metadata already fetched) or when the part cannot be made.
   */
  objectOfPart(path: string): Promise<{ obj: AbstractContainer; nwbfile: NWBFile }>;
}

/** The file open, once it is. */
async function file(): Promise<OpenFile> {
  if (!current) throw new Error("no file is open");
  return current.file;
}

/** Lets the file of `c` go, once it is open (or failed to open). */
async function closeFile(c: NonNullable<typeof current>): Promise<void> {
  await c.file.then((f) => f.io.close(), () => undefined).catch(() => undefined);
}

/**
 * The extract `open` started for the object the page's address names, as soon as the tree was answered (not once
 * the page had listed the tree and asked): the page's first `extract` of that object, view and request takes it.
 */
let ahead: { key: string; result: Promise<unknown> } | undefined;

/**
 * What the worker has done, for the page's `stats`: files opened (`openedEarly`: of those, opened by `preopen` and
 * taken over by the page's `open`) and extracts run (`extractedAhead`: of those, started by `open` for the address's
 * object; `extractedFromPart`: of those, run on the object made from the part of a store's tree it needs).
 */
const done = { opened: 0, openedEarly: 0, extracted: 0, extractedAhead: 0, extractedFromPart: 0 };

/** Runs view `view`'s extract on `obj`. */
function runExtract(view: string, obj: AbstractContainer, request: ViewRequest, nwbfile: NWBFile): Promise<unknown> {
  done.extracted++;
  return viewNamed(view).extract(obj, request, nwbfile);
}

const extractKey = (path: string, view: string, request: ViewRequest) => JSON.stringify([path, view, request]);

/** Bytes an array holds: its elements times their size (0 for text, references and compound data). */
function bytesOf(v: unknown): number {
  if (typeof v !== "object" || v === null) return 0;
  const { shape, dtype, read } = v as { shape?: unknown; dtype?: unknown; read?: unknown };
  if (!Array.isArray(shape) || typeof dtype !== "string" || typeof read !== "function") return 0;
  const bits = dtype === "bool" ? 8 : Number(/(\d+)$/.exec(dtype)?.[1] ?? 0);
  return (shape as number[]).reduce((a, b) => a * b, 1) * (bits / 8);
}

/** Field values as text, for the overview (set fields only). */
function fieldsOf(obj: object | undefined, names: readonly string[]): [string, string][] {
  if (!obj) return [];
  const out: [string, string][] = [];
  for (const name of names) {
    const v = (obj as Record<string, unknown>)[name];
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) continue;
    out.push([name, Array.isArray(v) ? v.map(String).join("; ") : v instanceof Date ? v.toISOString() : String(v)]);
  }
  return out;
}

const SESSION_FIELDS = [
  "identifier", "session_description", "session_start_time", "timestamps_reference_time", "file_create_date", "experimenter", "lab", "institution",
  "experiment_description", "session_id", "keywords", "related_publications", "protocol", "notes", "pharmacology", "surgery", "virus", "stimulus_notes",
  "data_collection", "source_script",
];
const SUBJECT_FIELDS = ["subject_id", "species", "strain", "sex", "age", "age__reference", "date_of_birth", "genotype", "weight", "description"];

/**
 * Opens a file: its tree, listed from its layout as soon as that is read, then the file, its objects made from the
 * same layout (after the tree is answered: the page lists it meanwhile). `first`: the object the page shows first.
 */
function openFile(source: FileSource, first?: string): Opening {
  done.opened++;
  const name = "url" in source ? source.url : source.name;
  const listed = (async () => {
    const { io, format } = await openToRead(source);
    try {
      // The tree comes from the file's layout before the objects are made (a store's from its consolidated metadata,
      // while the chunks its objects read arrive: over HTTP/1.1 in a browser, hundreds of requests six at a time,
      // those the first object needs first).
      const layout = io instanceof NWBZarrIO ? await io._layout((root) => partCovering(root, first)) : io._layout();
      const tree = await treeOfLayout(layout, name);
      return { io, format, tree, layout };
    } catch (e) {
      await io.close().catch(() => undefined);
      throw e;
    }
  })();
  const file = listed.then(async ({ io, format, tree }) => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    const nwbfile = await io.read().catch(async (e: unknown) => {
      await io.close().catch(() => undefined);
      throw e;
    });
    const byPath = new Map<string, AbstractContainer>();
    for (const obj of nwbfile.objects.values()) if (obj !== (nwbfile as AbstractContainer)) byPath.set(pathOf(obj), obj);
    return { io, format, nwbfile, byPath, tree };
  });
  const objectOfPart = async (path: string) => {
    const { io, layout } = await listed;
    if (!(io instanceof NWBZarrIO)) throw new Error("an HDF5 file's objects are made whole");
    return madeFromPart(layout, path, name);
  };
  return { file, listing: listed.then(({ format, tree }) => ({ format, tree })), objectOfPart };
}

/** Which paths the part of the tree making the object at `path` needs holds (none is put first without a path). */
function partCovering(root: GroupBuilder, path: string | undefined): ((p: string) => boolean) | undefined {
  if (path === undefined) return undefined;
  try {
    return partOfTreeByLinks(root, path).covers;
  } catch {
    // No object there: the page says so when it asks.
    return undefined;
  }
}

/** The object at `path`, made with its file from the part of the tree it needs. */
async function madeFromPart(layout: GroupBuilder, path: string, name: string): Promise<{ obj: AbstractContainer; nwbfile: NWBFile }> {
  const nwbfile = await constructFile((await partOfTree(layout, path)).root, name);
  for (const obj of nwbfile.objects.values()) if (pathOf(obj) === path) return { obj, nwbfile };
  throw new Error(`the part of the file made has no object at ${path}`);
}

const calls: { [M in ReaderMethod]: (...args: ReaderCalls[M]["args"]) => Promise<ReaderCalls[M]["result"]> } = {
  async preopen(source, first) {
    if (current) await closeFile(current);
    ahead = undefined;
    current = { ...openFile(source, first), preopened: source.url };
    // A failure is answered to the page's own `open` of the URL.
    current.file.catch(() => undefined);
    current.listing.catch(() => undefined);
    return null;
  },

  async open(source, target) {
    ahead = undefined;
    let c = current;
    if (c?.preopened !== undefined && "url" in source && source.url === c.preopened) {
      c.preopened = undefined;
      done.openedEarly++;
    }
    else {
      current = undefined;
      if (c) await closeFile(c);
      c = current = { ...openFile(source, target?.path) };
    }
    const { format, tree } = await c.listing;
    const entry = target && current === c ? tree.find((e) => e.path === target.path) : undefined;
    if (target && entry) {
      // Started once the objects are made (after the tree is answered: the page lists the tree meanwhile); for a
      // store, on the object made from the part of the file it needs, unless its view looks through the whole file
      // (or the part could not be made, or its extract failed: then on the whole file's, as for an HDF5 file).
      const opening = c;
      const fromWhole = () => opening.file.then((opened) => {
        const obj = opened.byPath.get(target.path);
        if (!obj) throw new Error(`the file has no object at ${target.path}`);
        return runExtract(entry.view, obj, target.request, opened.nwbfile);
      });
      const result = viewNamed(entry.view).searchesFile
        ? fromWhole()
        : opening.objectOfPart(target.path).then(async ({ obj, nwbfile }) => {
          const data = await runExtract(entry.view, obj, target.request, nwbfile);
          done.extractedFromPart++;
          return data;
        }).catch(fromWhole);
      done.extractedAhead++;
      result.catch(() => undefined);
      ahead = { key: extractKey(target.path, entry.view, target.request), result };
    }
    return { name: "url" in source ? source.url : source.name, format, tree };
  },

  async overview() {
    const { nwbfile, byPath } = await file();
    const sections = new Map<string, Map<string, { count: number; bytes: number }>>();
    for (const [path, obj] of byPath) {
      const section = sectionOf(path);
      const types = sections.get(section) ?? new Map<string, { count: number; bytes: number }>();
      sections.set(section, types);
      const entry = types.get(obj.neurodata_type) ?? { count: 0, bytes: 0 };
      entry.count++;
      for (const [name, v] of Object.entries(obj)) if (name !== "parent") entry.bytes += bytesOf(v);
      types.set(obj.neurodata_type, entry);
    }
    const devices = [...(nwbfile.devices?.values() ?? [])].map((d) => ({
      name: d.name, path: pathOf(d), description: d.description ?? undefined, manufacturer: d.manufacturer ?? undefined,
    }));
    return {
      session: fieldsOf(nwbfile, SESSION_FIELDS),
      subject: fieldsOf(nwbfile.subject, SUBJECT_FIELDS),
      devices,
      sections: [...sections].map(([section, types]) => ({ section, types: [...types].map(([type, t]) => ({ type, ...t })).sort((a, b) => b.bytes - a.bytes || b.count - a.count) })),
    } satisfies Overview;
  },

  async inspect() {
    // In the inspector's order (most important first); external files are not looked for (no file system here).
    const messages = await inspect((await file()).nwbfile);
    return messages.map((m): Finding => ({ importance: m.importance, check_function_name: m.check_function_name, path: m.path, message: m.message }));
  },

  async stats() {
    const { io } = await file();
    const blob = "blobReads" in io ? io.blobReads : undefined;
    const store = httpStoreOf(io)?.stats;
    return { ...done, ...(blob ? { blob } : {}), ...(store ? { store: { requests: store.requests, bytes: store.bytes, roundTrips: store.roundTrips } } : {}) };
  },

  async extract(path, view, request) {
    // The extract started ahead is the page's first request's; once another is asked, it is not wanted.
    const started = ahead;
    ahead = undefined;
    if (started?.key === extractKey(path, view, request)) return started.result;
    const { nwbfile, byPath } = await file();
    const obj = byPath.get(path);
    if (!obj) throw new Error(`the file has no object at ${path}`);
    return runExtract(view, obj, request, nwbfile);
  },
};

scope.onmessage = (e) => {
  // The page's compiled HDF5 module is taken by hdf5-wasm.ts.
  if (isHDF5ModuleMessage(e.data)) return;
  const { id, method, args } = e.data;
  const run = calls[method] as (...a: unknown[]) => Promise<unknown>;
  run(...args).then(
    (result) => scope.postMessage({ id, result }),
    (err: unknown) => scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) }),
  );
};
