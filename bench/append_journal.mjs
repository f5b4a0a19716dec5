// What the undo journal of in-place and live appends costs (src/io/journal.ts): appends frames of 512x512 uint8
// to a series of a file that already holds some, in place or live, and times the session (open, append, close),
// with the journal's size before close. Run it on two builds to compare (this one and one without the journal):
//   node bench/append_journal.mjs [--dist DIR] [--mode in-place|live] [--frames 1000] [--flush-every 1] [--runs 3] [--dir DIR]
// Prints one JSON line per run: { mode, frames, flushEvery, ms, cpuMs (this process's CPU time: steadier than ms
// on a shared machine), journalBytes }.
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const dist = path.resolve(args.dist ?? path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "dist"));
const mode = args.mode ?? "in-place";
const frames = Number(args.frames ?? 1000);
const flushEvery = Number(args["flush-every"] ?? 1);
const runs = Number(args.runs ?? 3);
const dir = args.dir ?? "/tmp/tsnwb-append-journal";
const [h, w] = [512, 512];

const t = await import(path.join(dist, "index.js"));
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const frame = (i) => new Uint8Array(h * w).fill(i % 251);

for (let run = 0; run < runs; run++) {
  // The file before: 100 frames, written live (HDF5 1.10's format, which live appends start SWMR on).
  const file = path.join(dir, `movie-${run}.nwb`);
  const nwbfile = new t.NWBFile({ session_description: "bench", identifier: `bench-${run}`, session_start_time: "2024-01-01T00:00:00+00:00" });
  const camera = new t.ImageSeries({ name: "camera", data: t.H5DataIO.growable([h, w], "uint8"), timestamps: t.H5DataIO.growable([], "float64"), unit: "n.a." });
  nwbfile.addAcquisition(camera);
  const first = await t.NWBHDF5IO.open(file, "w", { live: true });
  await first.write(nwbfile);
  const appender = t.SeriesAppender.open(first, camera);
  for (let i = 0; i < 100; i++) appender.append({ data: frame(i), shape: [h, w] }, i / 30);
  await first.close();

  const started = performance.now();
  const cpu = process.cpuUsage();
  const io = await t.NWBHDF5IO.open(file, "a", mode === "live" ? { live: true } : { inPlace: true });
  const read = await io.read();
  const more = t.SeriesAppender.open(io, read.getAcquisition("camera", t.ImageSeries));
  for (let i = 100; i < 100 + frames; i++) {
    more.append({ data: frame(i), shape: [h, w] }, i / 30);
    if ((i - 99) % flushEvery === 0) more.flush();
  }
  const journal = readdirSync(dir).find((f) => f.endsWith(".tsnwb-journal"));
  const journalBytes = journal ? statSync(path.join(dir, journal)).size : 0;
  await io.close();
  const ms = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  console.log(JSON.stringify({ mode, frames, flushEvery, ms: Math.round(ms), cpuMs: Math.round((user + system) / 1000), journalBytes }));
  rmSync(file);
}
rmSync(dir, { recursive: true, force: true });
