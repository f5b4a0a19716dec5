"""Files with links, as pynwb writes them (for test/links.test.ts): run with `oracle python links_files.py OUTDIR`.

- ecephys.nwb: pynwb's ecephys tutorial layout (a device, two electrode groups, an electrodes table whose `group`
  column holds object references, an ElectricalSeries over a region of it).
- shared.nwb: two ElectricalSeries made with the SAME DynamicTableRegion (pynwb writes the second's `electrodes` as
  a soft link to the first's dataset), and a TimeSeries whose `timestamps` is another TimeSeries (a soft link to
  the other's timestamps dataset).
- pynwb's linking tutorial (docs/gallery/advanced_io/plot_linking_data.py): data/ts1.nwb and data/ts2.nwb hold a
  TimeSeries each; links/data_link.nwb holds a TimeSeries whose `data` is an external link to ts1's data;
  links/container_link.nwb holds ts2's whole TimeSeries as an external link (relative paths: ../data/...).
Prints a JSON object of the values the test compares with.
"""
import json
import os
import sys
from datetime import datetime, timezone

import numpy as np
from pynwb import NWBFile, NWBHDF5IO, TimeSeries
from pynwb.ecephys import ElectricalSeries

out = sys.argv[1]
os.makedirs(os.path.join(out, "data"), exist_ok=True)
os.makedirs(os.path.join(out, "links"), exist_ok=True)
start = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)


def new_file(identifier):
    return NWBFile(session_description="links", identifier=identifier, session_start_time=start)


def electrodes_file(identifier):
    nwbfile = new_file(identifier)
    device = nwbfile.create_device(name="array", description="the best array", manufacturer="Probe Company 9000")
    nwbfile.add_electrode_column(name="label", description="label of electrode")
    for shank in range(2):
        group = nwbfile.create_electrode_group(
            name=f"shank{shank}", description=f"electrode group for shank {shank}", device=device, location="brain area"
        )
        for electrode in range(3):
            nwbfile.add_electrode(group=group, label=f"shank{shank}elec{electrode}", location="brain area")
    return nwbfile


# The ecephys tutorial.
nwbfile = electrodes_file("ecephys")
region = nwbfile.create_electrode_table_region(region=list(range(6)), description="all electrodes")
raw = np.arange(50 * 6, dtype=np.float64).reshape(50, 6) / 7
nwbfile.add_acquisition(ElectricalSeries(name="ElectricalSeries", data=raw, electrodes=region, starting_time=0.0, rate=20000.0))
with NWBHDF5IO(os.path.join(out, "ecephys.nwb"), "w") as io:
    io.write(nwbfile)

# One region shared by two series; timestamps shared by two series.
nwbfile = electrodes_file("shared")
region = nwbfile.create_electrode_table_region(region=[1, 2, 4], description="three electrodes")
nwbfile.add_acquisition(ElectricalSeries(name="first", data=np.arange(30, dtype=np.int16).reshape(10, 3), electrodes=region, rate=100.0))
nwbfile.add_acquisition(ElectricalSeries(name="second", data=np.arange(30, 60, dtype=np.int16).reshape(10, 3), electrodes=region, rate=100.0))
clock = TimeSeries(name="clock", data=np.arange(5, dtype=np.float64), unit="s", timestamps=np.array([0.5, 1.0, 1.5, 2.5, 3.0]))
nwbfile.add_acquisition(clock)
nwbfile.add_acquisition(TimeSeries(name="follower", data=np.arange(5, 10, dtype=np.int32), unit="m", timestamps=clock))
with NWBHDF5IO(os.path.join(out, "shared.nwb"), "w") as io:
    io.write(nwbfile)

# The linking tutorial.
data = np.arange(100, 200, 10, dtype=np.float64)
timestamps = np.arange(10, dtype=np.float64) / 10
for i, scale in ((1, 1), (2, 2)):
    f = new_file(f"ts{i}")
    f.add_acquisition(TimeSeries(name=f"test_timeseries{i}", data=data * scale, unit="SIunit", timestamps=timestamps + i))
    with NWBHDF5IO(os.path.join(out, "data", f"ts{i}.nwb"), "w") as io:
        io.write(f)

io1 = NWBHDF5IO(os.path.join(out, "data", "ts1.nwb"), "r")
ts1 = io1.read().get_acquisition("test_timeseries1")
f = new_file("data_link")
f.add_acquisition(TimeSeries(name="test_timeseries4", data=ts1.data, unit="SIunit", timestamps=timestamps))
with NWBHDF5IO(os.path.join(out, "links", "data_link.nwb"), "w") as io:
    io.write(f, link_data=True)
io1.close()

io2 = NWBHDF5IO(os.path.join(out, "data", "ts2.nwb"), "r")
ts2 = io2.read().get_acquisition("test_timeseries2")
f = new_file("container_link")
f.add_acquisition(ts2)
# As the tutorial: the file linking a container is written with the manager of the file that holds it.
with NWBHDF5IO(os.path.join(out, "links", "container_link.nwb"), "w", manager=io2.manager) as io:
    io.write(f, link_data=True)
io2.close()

print(json.dumps({
    "data": data.tolist(),
    "timestamps": timestamps.tolist(),
    "raw_row_3": raw[3].tolist(),
}))
