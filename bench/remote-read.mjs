// What the remote-reading benchmark and test time, the same in Node and in a browser's Web Worker: open a URL, list
// the tree (every object's path and type), read the first second of the first acquisition series' data (all
// channels). Times are from the call to NWBHDF5IO.open (the library loaded, HDF5's WebAssembly not yet); the
// server's counts are taken after the tree and after the trace (the time that costs is left out).
export async function readRemote(NWBHDF5IO, url, prefetch) {
  const stats = async () => (await fetch(new URL("/stats", url))).json();
  const t0 = performance.now();
  const io = await NWBHDF5IO.open(url, "r", { remote: { prefetch } });
  const openTime = performance.now() - t0;
  const nwbfile = await io.read();
  const tree = [...nwbfile.objects.values()].map((o) => [o.container_source?.path ?? o.name, o.neurodata_type]);
  const treeTime = performance.now() - t0;
  const s = performance.now();
  const atTree = await stats();
  // The reader's own counts (a private field, looked at for the benchmark only).
  const client = { prefetch: io.remote?.prefetch, atTree: { ...io.remote?.reader.stats } };
  const statsTime = performance.now() - s;
  const series = [...nwbfile.acquisition.values()][0];
  const samples = Math.min(series.data.shape[0], Math.round(series.rate ?? 1));
  const trace = await series.data.read([[0, samples]]);
  const traceTime = performance.now() - t0 - statsTime;
  const atTrace = await stats();
  client.atTrace = { ...io.remote?.reader.stats };
  await io.close();
  // The trace's digest (sha256 of its values as float64 little-endian bytes), not its 2 million values.
  const f64 = Float64Array.from(trace);
  const traceSha = [...new Uint8Array(await crypto.subtle.digest("SHA-256", f64))].map((b) => b.toString(16).padStart(2, "0")).join("");
  return { client, openTime, treeTime, traceTime, atTree, atTrace, tree, series: series.name, shape: series.data.shape, traceLength: f64.length, traceSha };
}
