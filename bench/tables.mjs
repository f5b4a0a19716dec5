// Tables where pynwb is slow: 100,000 trials added with addTrial and 10,000 units of 1,000 spike times each added
// with addUnit, written; then read back whole and one unit at a time. The same in pynwb (bench/tables_pynwb.py,
// through ../shared/tools/oracle python), figures side by side.
// Usage: node bench/tables.mjs [trials=100000] [units=10000] [spikes=1000]
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { NWBFile, NWBHDF5IO } from "../dist/index.js";

const [trials, units, spikes] = [Number(process.argv[2] ?? 100_000), Number(process.argv[3] ?? 10_000), Number(process.argv[4] ?? 1_000)];
const here = path.dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), "tsnwb-bench-tables-"));
const seconds = (t0) => (performance.now() - t0) / 1000;

/** Spike times of unit u: the same in both (a deterministic ramp with a per-unit offset). */
function spikeTimes(u) {
  const out = new Float64Array(spikes);
  for (let k = 0; k < spikes; k++) out[k] = u * 0.001 + k * 0.01;
  return out;
}

const figures = {};
try {
  const file = path.join(dir, "tables.nwb");
  const nwbfile = new NWBFile({ session_description: "bench", identifier: "bench", session_start_time: new Date("2026-01-01T00:00:00Z") });
  let t0 = performance.now();
  for (let i = 0; i < trials; i++) nwbfile.addTrial({ start_time: i, stop_time: i + 0.5 });
  figures.addTrial = seconds(t0);
  t0 = performance.now();
  for (let u = 0; u < units; u++) nwbfile.addUnit({ spike_times: spikeTimes(u) });
  figures.addUnit = seconds(t0);
  t0 = performance.now();
  const io = await NWBHDF5IO.open(file, "w");
  await io.write(nwbfile);
  await io.close();
  figures.write = seconds(t0);
  figures.size_MB = statSync(file).size / 1e6;

  const reader = await NWBHDF5IO.open(file, "r");
  const read = await reader.read();
  t0 = performance.now();
  const starts = await read.trials.readColumn("start_time");
  figures.read_trials = seconds(t0);
  if (starts.length !== trials || starts[trials - 1] !== trials - 1) throw new Error("trials read back wrong");
  t0 = performance.now();
  const all = await read.units.readColumn("spike_times");
  figures.read_units = seconds(t0);
  if (all.length !== units || all[units - 1].length !== spikes) throw new Error("units read back wrong");
  const picks = Array.from({ length: 200 }, (_, k) => Math.floor((k * 7919) % units));
  t0 = performance.now();
  for (const u of picks) {
    const times = await read.units.getUnitSpikeTimes(u);
    if (times.length !== spikes || times[1] !== spikeTimes(u)[1]) throw new Error(`unit ${u} read back wrong`);
  }
  figures.one_unit_ms = (seconds(t0) * 1000) / picks.length;
  await reader.close();

  const py = JSON.parse(execFileSync(path.join(here, "..", "..", "shared", "tools", "oracle"),
    ["python", path.join(here, "tables_pynwb.py"), path.join(dir, "pynwb.nwb"), String(trials), String(units), String(spikes)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }));
  const rows = [
    ["add trials", figures.addTrial, py.add_trial], ["add units", figures.addUnit, py.add_unit], ["write", figures.write, py.write],
    ["read trials' start_time", figures.read_trials, py.read_trials], ["read all spike times", figures.read_units, py.read_units],
  ];
  console.log(`${trials} trials, ${units} units x ${spikes} spike times (file ${figures.size_MB.toFixed(1)} MB)`);
  console.log("step                         tsnwb s   pynwb s   pynwb/tsnwb");
  for (const [name, ts, p] of rows) console.log(`${name.padEnd(28)} ${ts.toFixed(3).padStart(8)} ${p.toFixed(3).padStart(9)} ${(p / ts).toFixed(1).padStart(10)}x`);
  console.log(`one unit's spike times       ${figures.one_unit_ms.toFixed(3).padStart(8)} ms ${py.one_unit_ms.toFixed(3).padStart(6)} ms ${(py.one_unit_ms / figures.one_unit_ms).toFixed(1).padStart(8)}x`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
