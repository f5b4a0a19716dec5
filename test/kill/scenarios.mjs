/**
 * The small case of every write path, for the kill tests (`test/kill.test.ts`): `node scenarios.mjs setup DIR`
 * writes the files that exist before (not killed); `node --import ./kill-at.mjs scenarios.mjs run NAME DIR` runs
 * one write path in DIR (the part killed at each file operation); `node scenarios.mjs expect` prints, per path, what
 * each file may hold afterwards (`check.py` compares).
 *
 * Frame i of a series holds the value i + 1 in every pixel and is timed at i / 10 s, so that a file's frames say
 * which appends reached it.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const FRAME = [4, 6];
const FRAME_BYTES = FRAME[0] * FRAME[1];
/** The stream's frames: 17 of 1 MiB, whole-frame chunks, enough (16 MiB) for the side file to become the file. */
const BIG = [1024, 1024];
const BIG_FRAMES = 17;
/** Frames the files that exist before hold; frames the appends and live writes add (each flushed). */
const BEFORE_FRAMES = 2;
const ADDED_FRAMES = 3;

const frame = (i, bytes = FRAME_BYTES) => new Uint8Array(bytes).fill((i + 1) % 256);
const frames = (from, to, bytes = FRAME_BYTES) => {
  const out = new Uint8Array((to - from) * bytes);
  for (let i = from; i < to; i++) out.fill((i + 1) % 256, (i - from) * bytes, (i - from + 1) * bytes);
  return out;
};
const times = (from, to) => Array.from({ length: to - from }, (_, k) => (from + k) / 10);
const ADDED_VALUES = Float64Array.from({ length: 40 }, (_, i) => Math.sin(i));
const REDESCRIBED = "kill test, described again";

async function tsnwb() {
  return import(path.join(ROOT, "dist", "index.js"));
}

function session(t, identifier) {
  return new t.NWBFile({ session_description: "kill test", identifier, session_start_time: "2024-01-01T00:00:00+00:00", file_create_date: "2024-01-01T00:00:00+00:00" });
}

function growableCamera(t) {
  return new t.ImageSeries({ name: "camera", data: t.H5DataIO.growable(FRAME, "uint8"), timestamps: t.H5DataIO.growable([], "float64"), unit: "n.a." });
}

/** Appends frames [from, to) to `series`, one at a time, each flushed (as a camera loop would). */
function appendFrames(t, io, series, from, to) {
  const appender = t.SeriesAppender.open(io, series);
  for (let i = from; i < to; i++) {
    appender.append({ data: frame(i), shape: FRAME }, i / 10);
    appender.flush();
  }
  appender.close();
}

/** What an append adds: a gzip-chunked series (chunks put in the file at close) and trials with a boolean column. */
function addObjects(t, nwbfile) {
  nwbfile.addAcquisition(new t.TimeSeries({ name: "added", data: new t.H5DataIO({ data: { data: ADDED_VALUES, shape: [40] }, compression: "gzip", chunks: [8] }), unit: "V", rate: 100 }));
  nwbfile.addTrialColumn({ name: "correct", description: "whether the answer was right" });
  nwbfile.addTrial({ start_time: 0, stop_time: 1, correct: true });
  nwbfile.addTrial({ start_time: 1, stop_time: 2, correct: false });
}

/** Writes the files that exist before the runs: `before.nwb` (ordinary), `live-before.nwb` (a live file, closed). */
async function setup(dir) {
  const t = await tsnwb();
  for (const [name, live] of [["before.nwb", false], ["live-before.nwb", true]]) {
    const nwbfile = session(t, `kill-${name}`);
    const camera = growableCamera(t);
    nwbfile.addAcquisition(camera);
    const io = await t.NWBHDF5IO.open(path.join(dir, name), "w", { live });
    await io.write(nwbfile);
    appendFrames(t, io, camera, 0, BEFORE_FRAMES);
    await io.close();
  }
}

/** The write paths; each runs in a folder holding what setup wrote (a copy). */
const RUNS = {
  /** A new file from memory: gzip chunks copied into it at close, a boolean column rewritten, renamed into place. */
  async new(dir) {
    const t = await tsnwb();
    const nwbfile = session(t, "kill-new");
    nwbfile.addAcquisition(new t.ImageSeries({ name: "camera", data: new t.H5DataIO({ data: { data: frames(0, 3), shape: [3, ...FRAME] }, compression: "gzip", chunks: true }), unit: "n.a.", rate: 10 }));
    addObjects(t, nwbfile);
    const io = await t.NWBHDF5IO.open(path.join(dir, "new.nwb"), "w");
    await io.write(nwbfile);
    await io.close();
  },
  /** A new file from a stream of 17 MiB: the side file of chunks becomes the file. */
  async stream(dir) {
    const t = await tsnwb();
    const nwbfile = session(t, "kill-stream");
    nwbfile.addAcquisition(new t.ImageSeries({ name: "camera", data: bigStream(), unit: "n.a.", rate: 10 }));
    const io = await t.NWBHDF5IO.open(path.join(dir, "stream.nwb"), "w");
    await io.write(nwbfile);
    await io.close();
  },
  "append-copy": (dir) => append(dir, {}),
  /** On a copy, with a change HDF5 cannot make where the file is (a scalar dataset's new value): written anew. */
  "append-rewrite": (dir) => append(dir, {}, (nwbfile) => (nwbfile.session_description = REDESCRIBED)),
  "append-in-place": (dir) => append(dir, { inPlace: true }),
  /** In place, a stream of 17 MiB added to a small file: the side file, the file's bytes copied in, replaces it. */
  async "append-in-place-stream"(dir) {
    const t = await tsnwb();
    const io = await t.NWBHDF5IO.open(path.join(dir, "before.nwb"), "a", { inPlace: true });
    const nwbfile = await io.read();
    nwbfile.addAcquisition(new t.ImageSeries({ name: "big", data: bigStream(), unit: "n.a.", rate: 10 }));
    await io.write(nwbfile);
    await io.close();
  },
  /** `tsnwb export`: the input is read only, the output written new. */
  async export(dir) {
    process.argv = [process.argv[0], path.join(ROOT, "dist", "cli", "main.js"), "export", path.join(dir, "before.nwb"), path.join(dir, "exported.nwb")];
    await import(path.join(ROOT, "dist", "cli", "main.js"));
  },
  /** A live new file: written, then grown frame by frame, each flushed, while readers may follow it. */
  async "live-new"(dir) {
    const t = await tsnwb();
    const nwbfile = session(t, "kill-live-new");
    const camera = growableCamera(t);
    nwbfile.addAcquisition(camera);
    const io = await t.NWBHDF5IO.open(path.join(dir, "live.nwb"), "w", { live: true });
    await io.write(nwbfile);
    appendFrames(t, io, camera, 0, ADDED_FRAMES);
    await io.close();
  },
  /** A live file reopened to go on: SWMR started again, frames appended and flushed one by one. */
  async "live-append"(dir) {
    const t = await tsnwb();
    const io = await t.NWBHDF5IO.open(path.join(dir, "live-before.nwb"), "a", { live: true });
    const nwbfile = await io.read();
    await io.write(nwbfile);
    appendFrames(t, io, nwbfile.getAcquisition("camera", t.ImageSeries), BEFORE_FRAMES, BEFORE_FRAMES + ADDED_FRAMES);
    await io.close();
  },
};

async function* bigStream() {
  for (let i = 0; i < BIG_FRAMES; i++) yield { data: frame(i, BIG[0] * BIG[1]), shape: BIG };
}

async function append(dir, options, change = () => {}) {
  const t = await tsnwb();
  const io = await t.NWBHDF5IO.open(path.join(dir, "before.nwb"), "a", options);
  const nwbfile = await io.read();
  change(nwbfile);
  addObjects(t, nwbfile);
  await io.write(nwbfile);
  appendFrames(t, io, nwbfile.getAcquisition("camera", t.ImageSeries), BEFORE_FRAMES, BEFORE_FRAMES + ADDED_FRAMES);
  await io.close();
}

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
const f64 = (values) => new Uint8Array(Float64Array.from(values).buffer);

/** The values of a file whose camera holds frames [0, n): data, timestamps, identifier. */
function camera(n, identifier, timed = true) {
  return {
    "/identifier": { value: identifier },
    "/acquisition/camera/data": { shape: [n, ...FRAME], sha256: sha256(frames(0, n)) },
    ...(timed ? { "/acquisition/camera/timestamps": { shape: [n], sha256: sha256(f64(times(0, n))) } } : {}),
  };
}
const ADDED = {
  "/acquisition/added/data": { shape: [40], sha256: sha256(f64(ADDED_VALUES)) },
  "/intervals/trials/correct": { shape: [2], sha256: sha256(Uint8Array.from([1, 0])) },
  "/intervals/trials/start_time": { shape: [2], sha256: sha256(f64([0, 1])) },
};
const ABSENT = ["/acquisition/added", "/intervals/trials"];
const range = (a, b) => Array.from({ length: b - a + 1 }, (_, k) => a + k);

/**
 * Per path, per file: whether it may be absent after a kill, and the alternatives it may hold (each a map of HDF5
 * path to value; `absent` lists paths that must not exist). `others`: files that may be left (none: `tsnwb clean`
 * removes what a killed write left).
 */
function expectations() {
  const before = { ...camera(BEFORE_FRAMES, "kill-before.nwb"), absent: ABSENT };
  const appended = { ...camera(BEFORE_FRAMES + ADDED_FRAMES, "kill-before.nwb"), ...ADDED };
  const liveBefore = camera(BEFORE_FRAMES, "kill-live-before.nwb");
  const untouched = { "before.nwb": { mayBeAbsent: false, alternatives: [before] }, "live-before.nwb": { mayBeAbsent: false, alternatives: [liveBefore] } };
  const big = { shape: [BIG_FRAMES, ...BIG], sha256: sha256(frames(0, BIG_FRAMES, BIG[0] * BIG[1])) };
  return {
    new: { ...untouched, "new.nwb": { mayBeAbsent: true, alternatives: [{ ...camera(3, "kill-new", false), ...ADDED }] } },
    stream: { ...untouched, "stream.nwb": { mayBeAbsent: true, alternatives: [{ "/identifier": { value: "kill-stream" }, "/acquisition/camera/data": big }] } },
    "append-copy": { ...untouched, "before.nwb": { mayBeAbsent: false, alternatives: [before, appended] } },
    "append-in-place": { ...untouched, "before.nwb": { mayBeAbsent: false, alternatives: [before, appended] } },
    "append-rewrite": { ...untouched, "before.nwb": { mayBeAbsent: false, alternatives: [{ ...before, "/session_description": { value: "kill test" } }, { ...appended, "/session_description": { value: REDESCRIBED } }] } },
    "append-in-place-stream": { ...untouched, "before.nwb": { mayBeAbsent: false, alternatives: [{ ...before, absent: ["/acquisition/big"] }, { ...camera(BEFORE_FRAMES, "kill-before.nwb"), "/acquisition/big/data": big }] } },
    export: { ...untouched, "exported.nwb": { mayBeAbsent: true, alternatives: [{ ...before, absent: ABSENT }] } },
    // A live file holds the frames flushed before the kill: any number of them.
    "live-new": { ...untouched, "live.nwb": { mayBeAbsent: true, alternatives: range(0, ADDED_FRAMES).map((n) => camera(n, "kill-live-new")) } },
    "live-append": { ...untouched, "live-before.nwb": { mayBeAbsent: false, alternatives: range(BEFORE_FRAMES, BEFORE_FRAMES + ADDED_FRAMES).map((n) => camera(n, "kill-live-before.nwb")) } },
  };
}

const [command, ...args] = process.argv.slice(2);
if (command === "setup") await setup(args[0]);
else if (command === "run") {
  const run = RUNS[args[0]];
  if (!run) throw new Error(`no write path ${args[0]} (${Object.keys(RUNS).join(", ")})`);
  await run(args[1]);
} else if (command === "expect") console.log(JSON.stringify(expectations()));
else if (command !== undefined) throw new Error(`usage: scenarios.mjs setup DIR | run NAME DIR | expect`);

