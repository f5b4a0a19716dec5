// Tables where pynwb is slow: 100,000 trials added with addTrial and 10,000 units of 1,000 spike times each added
// with addUnit, written; then read back whole and one unit at a time. The same in pynwb (bench/tables_pynwb.py,
// through ../shared/tools/oracle python), figures side by side, with the targets (writes at least 10x
// pynwb, reads at least 2x, one unit's spike times in under 1 ms).
// Usage: node bench/tables.mjs [trials=100000] [units=10000] [spikes=1000] [pynwbTrials=min(trials, 20000)]
// pynwb's add_trial takes milliseconds a row (85 s for 20,000 on 2 cores; 100,000 did not finish in 8 minutes), so
// pynwb adds pynwbTrials trials: its add-trials time is then scaled to `trials` linearly (an extrapolation, marked
// as such), and its write and trial read are of a file with pynwbTrials trials (measured, on fewer rows than
// tsnwb's: in pynwb's favour). The spike times are made before the clock starts, on both sides.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { NWBFile, NWBHDF5IO } from "../dist/index.js";

const [trials, units, spikes] = [Number(process.argv[2] ?? 100_000), Number(process.argv[3] ?? 10_000), Number(process.argv[4] ?? 1_000)];
const pynwbTrials = Number(process.argv[5] ?? Math.min(trials, 20_000));
const here = path.dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), "tsnwb-bench-tables-"));
// Wall time, and the process's own CPU time (user + system, all its threads): the machine is shared, so wall times
// also count waiting for a core; CPU times do not.
let cpu0 = process.cpuUsage();
const start = () => ((cpu0 = process.cpuUsage()), performance.now());
const seconds = (t0) => (performance.now() - t0) / 1000;
const cpuSeconds = () => {
  const c = process.cpuUsage(cpu0);
  return (c.user + c.system) / 1e6;
};
const cpu = {};

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
  let t0 = start();
  for (let i = 0; i < trials; i++) nwbfile.addTrial({ start_time: i, stop_time: i + 0.5 });
  figures.addTrial = seconds(t0);
  cpu.addTrial = cpuSeconds();
  const unitTimes = Array.from({ length: units }, (_, u) => spikeTimes(u));
  t0 = start();
  for (let u = 0; u < units; u++) nwbfile.addUnit({ spike_times: unitTimes[u] });
  figures.addUnit = seconds(t0);
  cpu.addUnit = cpuSeconds();
  t0 = start();
  const io = await NWBHDF5IO.open(file, "w");
  await io.write(nwbfile);
  await io.close();
  figures.write = seconds(t0);
  cpu.write = cpuSeconds();
  figures.size_MB = statSync(file).size / 1e6;

  const reader = await NWBHDF5IO.open(file, "r");
  const read = await reader.read();
  t0 = start();
  const starts = await read.trials.readColumn("start_time");
  figures.read_trials = seconds(t0);
  cpu.read_trials = cpuSeconds();
  if (starts.length !== trials || starts[trials - 1] !== trials - 1) throw new Error("trials read back wrong");
  // The same column as the dataset's typed array, as pynwb's `trials["start_time"][:]` gives a numpy array
  // (readColumn gives a JS number per row).
  t0 = start();
  const startsTyped = await read.trials.getColumn("start_time").data.read();
  figures.read_trials_typed = seconds(t0);
  cpu.read_trials_typed = cpuSeconds();
  if (startsTyped.length !== trials || startsTyped[trials - 1] !== trials - 1) throw new Error("trials read back wrong");
  t0 = start();
  const all = await read.units.readColumn("spike_times");
  figures.read_units = seconds(t0);
  cpu.read_units = cpuSeconds();
  if (all.length !== units || all[units - 1].length !== spikes) throw new Error("units read back wrong");
  const picks = Array.from({ length: 200 }, (_, k) => Math.floor((k * 7919) % units));
  t0 = start();
  for (const u of picks) {
    const times = await read.units.getUnitSpikeTimes(u);
    if (times.length !== spikes || times[1] !== unitTimes[u][1]) throw new Error(`unit ${u} read back wrong`);
  }
  figures.one_unit_ms = (seconds(t0) * 1000) / picks.length;
  await reader.close();

  const py = JSON.parse(execFileSync(path.join(here, "..", "..", "shared", "tools", "oracle"),
    ["python", path.join(here, "tables_pynwb.py"), path.join(dir, "pynwb.nwb"), String(pynwbTrials), String(units), String(spikes)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }));
  const fewer = pynwbTrials !== trials;
  // [step, tsnwb s, pynwb s, tsnwb CPU s, pynwb CPU s, how pynwb's figures were had, target ratio pynwb/tsnwb]
  const scale = trials / pynwbTrials;
  const rows = [
    ["add trials", figures.addTrial, py.add_trial * scale, cpu.addTrial, py.cpu.add_trial * scale, fewer ? "x" : "", 10],
    ["add units", figures.addUnit, py.add_unit, cpu.addUnit, py.cpu.add_unit, "", 10],
    ["write", figures.write, py.write, cpu.write, py.cpu.write, fewer ? "f" : "", 10],
    ["read trials' start_time", figures.read_trials, py.read_trials, cpu.read_trials, py.cpu.read_trials, fewer ? "f" : "", 2],
    ["  the same, as a typed array", figures.read_trials_typed, py.read_trials, cpu.read_trials_typed, py.cpu.read_trials, fewer ? "f" : "", 2],
    ["read all spike times", figures.read_units, py.read_units, cpu.read_units, py.cpu.read_units, "", 2],
  ];
  const f = (x) => x.toFixed(4).padStart(9);
  const ratio = (p, ts) => `${(p / ts).toFixed(1).padStart(7)}x`;
  console.log(`${trials} trials, ${units} units x ${spikes} spike times (tsnwb's file ${figures.size_MB.toFixed(1)} MB); load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  console.log("step                            wall s: tsnwb     pynwb    ratio   CPU s: tsnwb     pynwb    ratio   target (wall ratio)");
  for (const [name, ts, p, tsCpu, pCpu, how, target] of rows) {
    const mark = how ? `(${how})` : "   ";
    console.log(`${name.padEnd(30)} ${f(ts)} ${f(p)}${mark} ${ratio(p, ts)}   ${f(tsCpu)} ${f(pCpu)}${mark} ${ratio(pCpu, tsCpu)}   >= ${target}x ${p / ts >= target ? "met" : "NOT MET"}`);
  }
  console.log(`one unit's spike times       ${figures.one_unit_ms.toFixed(3).padStart(5)} ms ${py.one_unit_ms.toFixed(3).padStart(7)} ms   ${(py.one_unit_ms / figures.one_unit_ms).toFixed(1).padStart(9)}x   < 1 ms ${figures.one_unit_ms < 1 ? "met" : "NOT MET"}`);
  console.log(fewer ? "Every figure measured, except those marked:" : "Every figure measured.");
  if (fewer) {
    console.log(`(x) extrapolated, not measured: pynwb added ${pynwbTrials} trials in ${py.add_trial.toFixed(3)} s, scaled linearly to ${trials}.`);
    console.log(`(f) measured on pynwb's file of ${pynwbTrials} trials (tsnwb's has ${trials}): in pynwb's favour.`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
