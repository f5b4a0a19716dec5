/**
 * The movie benchmark: writes one ImageSeries of uint8 frames, then opens the file, reads one frame from the
 * middle and reads the whole dataset. Prints the figures, the last line as one JSON object.
 *
 *   npm run bench -- --frames 1000 --height 512 --width 512 --mode raw|gzip|stream [--shuffle] [--skip-read] --out FILE
 *
 * `raw` writes contiguous data from memory, `gzip` chunked gzip level 4 from memory, `stream` from an async
 * iterable of single frames taken in turn from a ring of 16 made beforehand (as a camera's buffers: memory does not
 * hold the movie, and the source costs nothing; bench/h5py_baseline.py streams the same way). Before the timing
 * starts, the library is loaded and a file of one frame is written and read once, as h5py is imported and its C code
 * needs no warming: what is measured is the cost per byte, not the ~0.1 s a process spends once on WebAssembly
 * and JIT warm-up. MB = 10^6 bytes.
 */
import { closeSync, fsyncSync, openSync, rmSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { H5DataIO, ImageSeries, type LazyArray, NWBFile, NWBHDF5IO } from "../index.js";
import { h5 } from "../io/hdf5/h5-node.js";

type Mode = "raw" | "gzip" | "stream";

const { values } = parseArgs({
  options: {
    frames: { type: "string", default: "1000" },
    height: { type: "string", default: "512" },
    width: { type: "string", default: "512" },
    mode: { type: "string", default: "raw" },
    "skip-read": { type: "boolean", default: false },
    /** gzip with the byte shuffle before it, as pynwb users pass to H5DataIO. */
    shuffle: { type: "boolean", default: false },
    out: { type: "string", default: "bench.nwb" },
    keep: { type: "boolean", default: false },
  },
});

const frames = Number(values.frames), height = Number(values.height), width = Number(values.width);
const mode = values.mode as Mode;
if (!["raw", "gzip", "stream"].includes(mode)) throw new Error(`--mode must be raw, gzip or stream, got ${mode}`);
const shuffle = values.shuffle === true;
if (shuffle && mode !== "gzip") throw new Error("--shuffle goes with --mode gzip");
/** The mode as results name it. */
const label = shuffle ? "gzip+shuffle" : mode;
for (const [name, v] of [["frames", frames], ["height", height], ["width", width]] as const) {
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
}
const frameSize = height * width;
const totalBytes = frames * frameSize;
const MB = 1e6;

/** A diagonal gradient, plus small noise (8 patterns, cycled), plus the frame index: gzip has work to do. */
function makePatterns(): Uint8Array[] {
  const patterns: Uint8Array[] = [];
  let seed = 0x9e3779b9;
  for (let p = 0; p < 8; p++) {
    const frame = new Uint8Array(frameSize);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
        frame[y * width + x] = (Math.floor(((x + y) * 255) / (height + width)) + ((seed >>> 0) & 3)) & 255;
      }
    }
    patterns.push(frame);
  }
  return patterns;
}
const patterns = makePatterns();

/** out = pattern + k per byte (mod 256), four bytes at a time (SWAR), so generating frames costs little. */
function fillFrame(k: number, out: Uint8Array): void {
  const p = patterns[k % patterns.length]!;
  const add = (k & 255) * 0x01010101;
  const words = frameSize >>> 2;
  const src = new Uint32Array(p.buffer, p.byteOffset, words);
  const dst = new Uint32Array(out.buffer, out.byteOffset, words);
  for (let i = 0; i < words; i++) {
    const x = src[i]!;
    dst[i] = (((x & 0x7f7f7f7f) + (add & 0x7f7f7f7f)) ^ ((x ^ add) & 0x80808080)) >>> 0;
  }
  for (let i = words << 2; i < frameSize; i++) out[i] = (p[i]! + k) & 255;
}

/** The stream's source: frames from a ring of 16, as a camera hands out its buffers in turn. */
function frameStream(): AsyncGenerator<{ data: Uint8Array; shape: number[] }> {
  const ring = Array.from({ length: Math.min(16, frames) }, (_, k) => {
    const frame = new Uint8Array(frameSize);
    fillFrame(k, frame);
    return frame;
  });
  return (async function* () {
    for (let k = 0; k < frames; k++) yield { data: ring[k % ring.length]!, shape: [height, width] };
  })();
}

function inMemoryMovie(): Uint8Array {
  const movie = new Uint8Array(totalBytes);
  for (let k = 0; k < frames; k++) fillFrame(k, movie.subarray(k * frameSize, (k + 1) * frameSize));
  return movie;
}

/** Writes the movie; returns the seconds it took. The movie in memory is garbage once this returns. */
async function writeMovie(out: string): Promise<number> {
  const nwbfile = new NWBFile({ session_description: "benchmark", identifier: `bench-${label}`, session_start_time: new Date() });
  const movie = mode === "stream" ? undefined : { data: inMemoryMovie(), shape: [frames, height, width] };
  const data = mode === "stream" ? frameStream() : mode === "gzip" ? new H5DataIO({ data: movie!, compression: "gzip", compression_opts: 4, chunks: true, shuffle }) : movie!;
  nwbfile.addAcquisition(new ImageSeries({ name: "movie", data, rate: 30, unit: "n.a." }));
  const t0 = performance.now();
  const writer = await NWBHDF5IO.open(out, "w");
  await writer.write(nwbfile);
  await writer.close();
  return (performance.now() - t0) / 1000;
}

/** Opens the file, reads one frame from the middle (first read, then the median of 9 more), then everything. */
async function readMovie(out: string, result: Record<string, unknown>): Promise<void> {
  const t1 = performance.now();
  const reader = await NWBHDF5IO.open(out, "r");
  const file = await reader.read();
  result.open_ms = round(performance.now() - t1, 3);
  const handle = (file.acquisition.get("movie") as ImageSeries).data as LazyArray;
  const mid = Math.floor(frames / 2);
  const latencies: number[] = [];
  for (let i = 0; i < 10; i++) {
    const frame = Math.min(frames - 1, mid + i * 7);
    const t2 = performance.now();
    const one = await handle.read([[frame, frame + 1]]);
    latencies.push(performance.now() - t2);
    if (one.length !== frameSize) throw new Error("read returned the wrong size");
  }
  result.one_frame_ms = round(latencies[0]!, 3);
  result.one_frame_median_ms = round([...latencies.slice(1)].sort((a, b) => a - b)[4]!, 3);
  // The same frames read into one reused array (h5py's read_direct), as a playback loop reads them.
  const into = new Uint8Array(frameSize);
  const intoLatencies: number[] = [];
  for (let i = 0; i < 10; i++) {
    const frame = Math.min(frames - 1, mid + i * 7);
    const t2 = performance.now();
    await handle.readInto!([[frame, frame + 1]], into);
    intoLatencies.push(performance.now() - t2);
  }
  result.one_frame_into_median_ms = round([...intoLatencies.slice(1)].sort((a, b) => a - b)[4]!, 3);
  const t3 = performance.now();
  const all = await handle.read();
  result.read_all_MBps = round(totalBytes / MB / ((performance.now() - t3) / 1000));
  if (all.length !== totalBytes) throw new Error("read returned the wrong size");
  await reader.close();
}

/** Loads the library and runs each code path of the benchmark once on one small frame. */
async function warmUp(out: string): Promise<void> {
  await h5();
  const nwbfile = new NWBFile({ session_description: "warm-up", identifier: "warm-up", session_start_time: new Date() });
  const frame = { data: new Uint8Array(16), shape: [1, 4, 4] };
  const data = mode === "stream" ? (async function* () { yield { data: frame.data, shape: [4, 4] }; })() : mode === "gzip" ? new H5DataIO({ data: frame, compression: "gzip", shuffle, chunks: true }) : frame;
  nwbfile.addAcquisition(new ImageSeries({ name: "movie", data, rate: 30, unit: "n.a." }));
  const writer = await NWBHDF5IO.open(out, "w");
  await writer.write(nwbfile);
  await writer.close();
  const reader = await NWBHDF5IO.open(out, "r");
  await (((await reader.read()).acquisition.get("movie") as ImageSeries).data as LazyArray).read([[0, 1]]);
  await reader.close();
  rmSync(out, { force: true });
}

async function main(): Promise<void> {
  const out = values.out!;
  rmSync(out, { force: true });
  await warmUp(`${out}.warm-up`);
  const writeSeconds = await writeMovie(out);
  const result: Record<string, unknown> = {
    impl: "tsnwb", mode: label, frames, height, width,
    MB: round(totalBytes / MB), write_MBps: round(totalBytes / MB / writeSeconds),
  };
  // The file's dirty pages go to disk before the read phase (outside any timing), so the kernel's writeback of
  // what was just written does not slow the reads; bench/h5py_baseline.py does the same.
  const fd = openSync(out, "r");
  fsyncSync(fd);
  closeSync(fd);
  // The movie written from memory is freed before the read phase, as the baseline's is (`movie = None`): with
  // --expose-gc (npm run bench), rather than by a collection that the read's own allocation would set off.
  (globalThis as { gc?: () => void }).gc?.();
  if (!values["skip-read"]) await readMovie(out, result);
  result.peak_rss_MB = round(process.resourceUsage().maxRSS / 1024);
  result.file_MB = round(statSync(out).size / MB);
  if (!values.keep) rmSync(out, { force: true });
  console.log(`wrote ${frames} frames of ${height}x${width} (${result.MB} MB) in mode ${mode} to ${out}`);
  console.log(JSON.stringify(result));
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
