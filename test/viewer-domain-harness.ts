/**
 * A test page for the domain views (bundled by esbuild in viewer-domain-views.test.ts, run in Chromium): opens a
 * file with tsnwb's browser entry on the page's thread, runs a view's extract on an object and renders it into a
 * div, as the viewer does (there, extract runs in the reading worker; here, data goes through structuredClone to
 * stay as plain as the worker would post it). The context's time cursor and requests are recorded for the test.
 */
import { type AbstractContainer, type NWBFile, NWBHDF5IO } from "../src/browser.js";
import type { ViewContext, ViewHandle, ViewModule, ViewRequest } from "../src/viewer/views/view.js";
import { unitsView } from "../src/viewer/views/units.js";
import { roiView } from "../src/viewer/views/roi.js";
import { spatialView } from "../src/viewer/views/spatial.js";
import { intervalsView } from "../src/viewer/views/intervals.js";
import { icephysView } from "../src/viewer/views/icephys.js";
import { timeSeriesView } from "../src/viewer/views/timeseries.js";

// The TimeSeries view last (the first view whose type an object is wins): a ROI's trace is asked of it.
const VIEWS: ViewModule[] = [unitsView, roiView, spatialView, intervalsView, icephysView, timeSeriesView];
const files = new Map<string, Promise<NWBFile>>();

async function fileAt(url: string): Promise<NWBFile> {
  if (!files.has(url)) {
    files.set(url, (async () => {
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      return (await NWBHDF5IO.open(bytes, "r", { name: url })).read();
    })());
  }
  return files.get(url)!;
}

function objectAt(file: NWBFile, path: string): AbstractContainer {
  const found = [...file.objects.values()].find((o) => o.container_source?.path === path);
  if (!found) throw new Error(`no object at ${path}`);
  return found;
}

function viewFor(obj: AbstractContainer): ViewModule<unknown> {
  const view = VIEWS.find((v) => v.types.some((t) => obj.isA(t)));
  if (!view) throw new Error(`no view for ${obj.neurodata_type}`);
  return view;
}

const state = {
  /** Times the views set (context.setTime), in order. */
  times: [] as number[],
  /** Objects the views asked to show (context.select), in order. */
  selected: [] as string[],
  /** Requests the views made (context.request, and context.requestOther), in order. */
  requests: [] as ViewRequest[],
  /** Requests of other objects' views (context.requestOther), in order, with what they answered. */
  others: [] as { path: string; request: ViewRequest; result?: unknown }[],
  handle: undefined as ViewHandle | undefined,
  /** A failure the next context.request gives (a read error, as the reading worker would report it). */
  failNext: undefined as string | undefined,
  /** How long the last view's extract and render took, in ms. */
  timings: { extract: 0, render: 0 },
  time: undefined as number | undefined,
};

async function show(url: string, path: string, request: ViewRequest = {}): Promise<string> {
  const file = await fileAt(url);
  const obj = objectAt(file, path);
  const view = viewFor(obj);
  const extract = async (o: AbstractContainer, r: ViewRequest) => structuredClone(await viewFor(o).extract(o, r, file));
  state.handle?.dispose?.();
  const element = document.getElementById("view")!;
  const fresh = document.createElement("div");
  fresh.id = "view";
  fresh.dataset.view = view.name;
  element.replaceWith(fresh);
  const context: ViewContext<unknown> = {
    async request(r) {
      state.requests.push(r);
      if (state.failNext !== undefined) {
        const message = state.failNext;
        state.failNext = undefined;
        throw new Error(message);
      }
      const data = await extract(obj, r);
      document.body.dataset.requests = String(state.requests.length);
      return data;
    },
    async requestOther(other, r) {
      state.requests.push(r);
      const record: (typeof state.others)[number] = { path: other, request: r };
      state.others.push(record);
      if (state.failNext !== undefined) {
        const message = state.failNext;
        state.failNext = undefined;
        throw new Error(message);
      }
      record.result = await extract(objectAt(file, other), r);
      document.body.dataset.requests = String(state.requests.length);
      return record.result as never;
    },
    get time() {
      return state.time;
    },
    setTime(t) {
      state.times.push(t);
      state.time = t;
      state.handle?.setTime?.(t);
    },
    select(other) {
      state.selected.push(other);
    },
  };
  const began = performance.now();
  const data = await extract(obj, request);
  const extracted = performance.now();
  state.handle = view.render(fresh, data, context);
  state.timings = { extract: extracted - began, render: performance.now() - extracted };
  return view.name;
}

(window as unknown as { harness: unknown }).harness = {
  show,
  state,
  setTime(t: number) {
    state.time = t;
    state.handle?.setTime?.(t);
  },
};
document.body.dataset.ready = "true";
