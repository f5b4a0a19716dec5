// The Web Worker of the remote-reading benchmark and test in Chromium, bundled by esbuild with tsnwb's browser entry
// (bench/remote-open.mjs, test/remote-latency.test.ts): reads by synchronous XMLHttpRequests (XHRTransport).
import { NWBHDF5IO } from "../dist/browser.js";
import { readRemote } from "./remote-read.mjs";

self.onmessage = async ({ data: { url, prefetch } }) => {
  try {
    postMessage(await readRemote(NWBHDF5IO, url, prefetch));
  } catch (e) {
    postMessage({ error: String((e && e.stack) || e) });
  }
};
