"""pynwb's side of bench/tables.mjs: the same trials and units, added row by row, written, read; figures as JSON."""
import json
import sys
import time
from datetime import datetime, timezone

import numpy as np
from pynwb import NWBHDF5IO, NWBFile

path, trials, units, spikes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
out = {"cpu": {}}
f = NWBFile(session_description="bench", identifier="bench", session_start_time=datetime(2026, 1, 1, tzinfo=timezone.utc))
t0, c0 = time.perf_counter(), time.process_time()
for i in range(trials):
    f.add_trial(start_time=float(i), stop_time=i + 0.5)
out["add_trial"] = time.perf_counter() - t0
out["cpu"]["add_trial"] = time.process_time() - c0
ramp = np.arange(spikes) * 0.01
unit_times = [u * 0.001 + ramp for u in range(units)]  # made before the clock starts, as tsnwb's are
t0, c0 = time.perf_counter(), time.process_time()
for u in range(units):
    f.add_unit(spike_times=unit_times[u])
out["add_unit"] = time.perf_counter() - t0
out["cpu"]["add_unit"] = time.process_time() - c0
t0, c0 = time.perf_counter(), time.process_time()
with NWBHDF5IO(path, "w") as io:
    io.write(f)
out["write"] = time.perf_counter() - t0
out["cpu"]["write"] = time.process_time() - c0
with NWBHDF5IO(path, "r") as io:
    r = io.read()
    t0, c0 = time.perf_counter(), time.process_time()
    starts = r.trials["start_time"][:]
    out["read_trials"] = time.perf_counter() - t0
    out["cpu"]["read_trials"] = time.process_time() - c0
    assert len(starts) == trials
    t0, c0 = time.perf_counter(), time.process_time()
    all_times = r.units["spike_times"][:]
    out["read_units"] = time.perf_counter() - t0
    out["cpu"]["read_units"] = time.process_time() - c0
    assert len(all_times) == units
    picks = [(k * 7919) % units for k in range(200)]
    t0, c0 = time.perf_counter(), time.process_time()
    for u in picks:
        r.units.get_unit_spike_times(u)
    out["one_unit_ms"] = (time.perf_counter() - t0) * 1000 / len(picks)
print(json.dumps(out))
