/**
 * What a view of the viewer is: a module that shows one kind of neurodata type. It has two halves that run in
 * different places, because the file is read off the page's thread (a Web Worker) so the page never freezes while
 * chunks arrive:
 * - `extract` runs where the file is open (the reading worker): from the container it reads only what the request
 *   asks for (a time window, a row range, a decimation to so many pixels) and returns plain data that survives
 *   `structuredClone` (numbers, strings, typed arrays, plain objects and arrays: no containers, no functions);
 * - `render` runs on the page: it draws that data into the element it is given, and asks for more through the
 *   context (zoom, pan, scroll) without knowing where the file is.
 * The registry (`registry.ts`) picks, for an object, the view whose `types` names its type or its nearest ancestor.
 */
import type { AbstractContainer, NWBFile } from "../../browser.js";

/** What a view asks its extract for: a window of time, a range of rows, a size in pixels, or its own fields. */
export interface ViewRequest {
  /** Start and end of the time window, in seconds (undefined: the view's default window). */
  t0?: number;
  t1?: number;
  /** How many columns of pixels the drawing has: a trace is decimated to min/max pairs per pixel column. */
  pixels?: number;
  /**
   * The shared time cursor when the view opens (the address's `&t=`): a view showing a window of time opens on one
   * that holds it.
   */
  time?: number;
  /** Rows `[start, end)` of a table or channels of a series. */
  start?: number;
  end?: number;
  /** Anything else a view needs (a selected ROI, a sort column...): plain data only. */
  [key: string]: unknown;
}

/** What a rendered view is given to talk to the rest of the viewer. */
export interface ViewContext<Data> {
  /** Runs the view's `extract` again (where the file is read) with another request: zoom, pan, scroll. */
  request(request: ViewRequest): Promise<Data>;
  /** Runs another view's extract on another object (a ROI's trace from a RoiResponseSeries, a table's rows). */
  requestOther<Other>(path: string, request: ViewRequest): Promise<Other>;
  /** The shared time cursor, in seconds (undefined: none set). */
  readonly time: number | undefined;
  /** Moves the shared time cursor: every open view that shows time follows, and the address keeps it (`&t=`). */
  setTime(t: number): void;
  /** Shows another object of the file (by its HDF5 path), as a click in the tree would. */
  select(path: string): void;
  /**
   * Where the page reaches an external file the object names (a video's `external_file`, as stored): under the
   * server's `/external/`, or beside the file's URL; undefined when it cannot (a file opened from disk).
   */
  externalURL?(path: string): string | undefined;
}

/** A view on the page, as `render` returns it. */
export interface ViewHandle {
  /** The shared time cursor moved (by another view, the address or the user). */
  setTime?(t: number): void;
  /** The view is closed: stop timers, let go of listeners. */
  dispose?(): void;
}

/** One view: the types it shows, how it reads, how it draws. */
export interface ViewModule<Data = unknown> {
  /** A short name, for the page's `data-view` attribute and the tests (`"timeseries"`, `"units"`...). */
  name: string;
  /** The neurodata types it shows: the view of the type nearest an object's type (by inheritance) is used. */
  types: readonly string[];
  /**
   * Whether `extract` looks through the whole file for objects that refer to this one (a segmentation's movie, the
   * icephys tables): it is then never run on the objects made from part of a file (`src/mapping/part-of-tree.ts`),
   * which the viewer's first view of a store by URL is, but only once the whole file is made.
   */
  searchesFile?: boolean;
  /** Reads what `render` needs, where the file is open. `file` is the whole file, for objects this one refers to. */
  extract(obj: AbstractContainer, request: ViewRequest, file: NWBFile): Promise<Data>;
  /** Draws `data` into `element` (empty, attached to the page). */
  render(element: HTMLElement, data: Data, context: ViewContext<Data>): ViewHandle;
}
