// Writes, with tsnwb, an NWB file of about 2,000 HDF5 objects shaped as bench/remote_file_pynwb.py's (a 64-channel
// int16 ElectricalSeries at 30 kHz first, LFP, processing modules of many series, trials, units), for the
// remote-reading benchmark. Usage: node bench/remote_file_tsnwb.mjs OUT.nwb [SCALE]   (needs `npx tsc -p .` first)
import { H5DataIO, ElectricalSeries, LFP, NWBFile, NWBHDF5IO, Position, SpatialSeries, TimeSeries } from "../dist/index.js";

/** A deterministic stream of numbers in [-1, 1). */
function noise(n, seed) {
  const out = new Float64Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x / 2 ** 31 - 1;
  }
  return out;
}

export async function writeTsnwbFile(out, scale = 1) {
  const nwbfile = new NWBFile({ session_description: "remote benchmark", identifier: "remote-2000-tsnwb", session_start_time: "2024-01-01T00:00:00+00:00" });
  const device = nwbfile.createDevice({ name: "probe", description: "a 64-channel probe" });
  const groups = [0, 1, 2, 3].map((s) => nwbfile.createElectrodeGroup({ name: `shank${s}`, description: "shank", location: "CA1", device }));
  for (let ch = 0; ch < 64; ch++) nwbfile.addElectrode({ group: groups[ch >> 4], location: "CA1", x: ch, y: 0, z: 0 });
  const region = nwbfile.createElectrodeTableRegion(Array.from({ length: 64 }, (_, i) => i), "all electrodes");
  const seconds = Math.max(2, Math.floor(20 * scale));
  const samples = 30000 * seconds;
  const raw = new Int16Array(samples * 64);
  const jitter = noise(samples, 7);
  for (let i = 0; i < samples; i++) for (let c = 0; c < 64; c++) raw[i * 64 + c] = Math.round(Math.sin((2 * Math.PI * 7 * i) / 30000) * 1000 + c * 10 + jitter[i] * 50);
  nwbfile.addAcquisition(new ElectricalSeries({
    name: "ElectricalSeries", data: new H5DataIO({ data: { data: raw, shape: [samples, 64] }, chunks: [30000, 16] }), electrodes: region, rate: 30000, starting_time: 0,
  }));
  const ecephys = nwbfile.createProcessingModule({ name: "ecephys", description: "LFP" });
  const lfp = new LFP({ name: "LFP" });
  for (let k = 0; k < 4; k++) {
    lfp.addElectricalSeries(new ElectricalSeries({ name: `lfp${k}`, data: { data: Float32Array.from(noise(2500 * seconds * 64, 100 + k)), shape: [2500 * seconds, 64] }, electrodes: region, rate: 1250 }));
  }
  ecephys.add(lfp);
  const values = Math.floor(60000 * scale);
  for (let m = 0; m < 4; m++) {
    const module = nwbfile.createProcessingModule({ name: `behavior${m}`, description: `behavior ${m}` });
    const position = new Position({ name: "Position" });
    for (let k = 0; k < 40; k++) {
      const n = values >> 1;
      position.addSpatialSeries(new SpatialSeries({
        name: `pos${k}`, data: { data: noise(n * 2, 1000 + m * 100 + k), shape: [n, 2] }, reference_frame: "arena", timestamps: Float64Array.from({ length: n }, (_, i) => i / 50),
      }));
    }
    module.add(position);
    for (let k = 0; k < 60; k++) module.add(new TimeSeries({ name: `signal${k}`, data: Float32Array.from(noise(values, 5000 + m * 100 + k)), unit: "V", rate: 100, description: `signal ${k}` }));
  }
  for (let k = 0; k < 180; k++) {
    const n = values >> 2;
    nwbfile.addAcquisition(new TimeSeries({ name: `sensor${k}`, data: noise(n, 9000 + k), unit: "m", timestamps: Float64Array.from({ length: n }, (_, i) => i / 100) }));
  }
  nwbfile.addTrialColumn({ name: "condition", description: "the trial's condition" });
  for (let i = 0; i < 500; i++) nwbfile.addTrial({ start_time: i * 2, stop_time: i * 2 + 1, condition: `c${i % 4}` });
  for (let u = 0; u < 50; u++) {
    const spikes = noise(200, 20000 + u).map((v) => (v + 1) * seconds / 2).sort();
    nwbfile.addUnit({ spike_times: Array.from(spikes), electrodes: [u % 64] });
  }
  const io = await NWBHDF5IO.open(out, "w");
  await io.write(nwbfile);
  await io.close();
}

if (import.meta.url === `file://${process.argv[1]}`) await writeTsnwbFile(process.argv[2], Number(process.argv[3] ?? 1));
