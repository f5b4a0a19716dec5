// The Web Worker of the remote Zarr benchmark and test in Chromium (bench/zarr-remote.mjs, test/zarr-remote.test.ts),
// bundled by esbuild with tsnwb's browser entry: opens an NWB Zarr store by URL (NWBZarrIO over an HttpStore, whose
// fetch the browser schedules: 6 connections per server over HTTP/1.1, one multiplexed over HTTP/2) and reads every
// object, as the HDF5 worker (remote-worker.mjs) does for the original.
import { HttpStore, NWBZarrIO } from "../dist/browser.js";

self.onmessage = async ({ data: { url, maxParallel } }) => {
  try {
    const t0 = performance.now();
    // The store made here rather than by NWBZarrIO.open(url) only to read its counts; open(url) makes the same one.
    const store = new HttpStore(url, maxParallel ? { maxParallel } : {});
    const io = await NWBZarrIO.open(store, "r", { name: url });
    const nwbfile = await io.read();
    const seconds = (performance.now() - t0) / 1000;
    const tree = [...nwbfile.objects.values()].map((o) => [o.container_source?.path ?? o.name, o.neurodata_type]);
    postMessage({ seconds, tree, client: { ...store.stats }, maxParallel: store.maxParallel });
  } catch (e) {
    postMessage({ error: String((e && e.stack) || e) });
  }
};
