"""Writes an NWB file of about 2,000 HDF5 objects as pynwb writes them, with data between the metadata as in real
recordings, for the remote-reading benchmark and test (bench/remote-open.mjs, test/remote-latency.test.ts).
Usage: python remote_file_pynwb.py OUT.nwb [SCALE]   (SCALE 1: ~250 MB; the test uses a smaller one)
The first acquisition series, "ElectricalSeries", is 64 channels of int16 at 30 kHz, chunked (1 s x 16 channels)."""
import sys
from datetime import datetime, timezone

import h5py
import numpy as np
from hdmf.backends.hdf5.h5_utils import H5DataIO
from pynwb import NWBHDF5IO, NWBFile, TimeSeries
from pynwb.behavior import Position, SpatialSeries
from pynwb.ecephys import LFP, ElectricalSeries
from pynwb.file import Subject

out = sys.argv[1]
scale = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
rng = np.random.default_rng(20)

nwbfile = NWBFile(
    session_description="remote benchmark", identifier="remote-2000",
    session_start_time=datetime(2024, 1, 1, tzinfo=timezone.utc), experimenter=["Ada"], lab="lab", institution="inst",
    subject=Subject(subject_id="m1", species="Mus musculus", sex="F", age="P90D"),
)
device = nwbfile.create_device(name="probe", description="a 64-channel probe")
groups = [nwbfile.create_electrode_group(name=f"shank{s}", description="shank", location="CA1", device=device) for s in range(4)]
for ch in range(64):
    nwbfile.add_electrode(group=groups[ch // 16], location="CA1", x=float(ch), y=0.0, z=0.0)
region = nwbfile.create_electrode_table_region(list(range(64)), "all electrodes")

rate = 30000.0
seconds = max(2, int(20 * scale))
t = np.arange(int(rate * seconds)) / rate
raw = (np.sin(2 * np.pi * 7 * t)[:, None] * 1000 + np.arange(64)[None, :] * 10).astype(np.int16)
raw += rng.integers(-50, 50, size=raw.shape, dtype=np.int16)
nwbfile.add_acquisition(ElectricalSeries(
    name="ElectricalSeries", data=H5DataIO(raw, chunks=(30000, 16)), electrodes=region, rate=rate, starting_time=0.0,
))

ecephys = nwbfile.create_processing_module("ecephys", "LFP")
lfp = LFP()
for k in range(4):
    lfp.add_electrical_series(ElectricalSeries(
        name=f"lfp{k}", data=rng.standard_normal((int(2500 * seconds), 64)).astype(np.float32), electrodes=region, rate=1250.0,
    ))
ecephys.add(lfp)

# Many small and middling series in processing modules, each group's metadata written between their data.
values = int(60_000 * scale)
for m in range(4):
    module = nwbfile.create_processing_module(f"behavior{m}", f"behavior {m}")
    position = Position(name="Position")
    for k in range(40):
        position.add_spatial_series(SpatialSeries(
            name=f"pos{k}", data=rng.standard_normal((values // 2, 2)), reference_frame="arena", timestamps=np.arange(values // 2) / 50.0,
        ))
    module.add(position)
    for k in range(60):
        module.add(TimeSeries(name=f"signal{k}", data=rng.standard_normal(values).astype(np.float32), unit="V", rate=100.0, description=f"signal {k}"))

for k in range(180):
    nwbfile.add_acquisition(TimeSeries(name=f"sensor{k}", data=rng.standard_normal(values // 4), unit="m", timestamps=np.arange(values // 4) / 100.0))

nwbfile.add_trial_column("condition", "the trial's condition")
for i in range(500):
    nwbfile.add_trial(start_time=float(i * 2), stop_time=float(i * 2 + 1), condition=f"c{i % 4}")
for u in range(50):
    nwbfile.add_unit(spike_times=np.sort(rng.uniform(0, seconds, 200)), electrodes=[u % 64])

with NWBHDF5IO(out, "w") as io:
    io.write(nwbfile)

count = 0
def visit(name, obj):
    global count
    count += 1
with h5py.File(out, "r") as f:
    f.visititems(visit)
print(count)
