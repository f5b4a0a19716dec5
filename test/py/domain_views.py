"""Files for the domain views tests (test/viewer-domain-*.test.ts), written by pynwb: Units with columns, trials with
categories, epochs, invalid times, another interval table; 3-D and 1-D spatial series; pixel and voxel masks with an
Images reference and a DfOverF; icephys recordings and a sweep table. Then expected.json: the values the views must
show, read back with h5py. Usage: domain_views.py OUT_DIR FIXTURE_OPHYS_NWB"""
import sys, numpy as np
from datetime import datetime, timezone
from pynwb import NWBFile, NWBHDF5IO, TimeSeries
from pynwb.ophys import ImageSegmentation, OpticalChannel, TwoPhotonSeries, Fluorescence, RoiResponseSeries
from pynwb.base import Images
from pynwb.image import GrayscaleImage
from pynwb.icephys import CurrentClampSeries, CurrentClampStimulusSeries, VoltageClampSeries, VoltageClampStimulusSeries
from pynwb.behavior import SpatialSeries, Position, CompassDirection
out = sys.argv[1]
def nwb(ident):
    return NWBFile(session_description="views test", identifier=ident, session_start_time=datetime(2024,1,2,3,4,5,tzinfo=timezone.utc))
rng = np.random.default_rng(7)
# units + trials with categories
f = nwb("units-1")
f.add_unit_column("quality", "sorting quality")
f.add_unit_column("labels", "labels of the unit", index=True)
f.add_unit_column("depth", "depth in um")
for u in range(12):
    n = int(rng.integers(5, 40))
    st = np.sort(rng.uniform(0, 20, n)).round(4)
    f.add_unit(spike_times=st, quality=["good", "mua", "noise"][u % 3], depth=float(rng.uniform(0, 1000)).__round__(1), id=100 + u,
               labels=["a", "b"][: u % 3], obs_intervals=[[0.0, 10.0], [12.0, 20.0]][: 1 + u % 2])
# A dense unit: more spikes than a raster row has pixels.
f.add_unit(spike_times=np.sort(rng.uniform(0, 20, 5000)).round(5), quality="mua", depth=500.0, id=200, labels=["dense"], obs_intervals=[[0.0, 20.0]] * 20)
f.add_trial_column("stimulus", "the stimulus shown")
f.add_trial_column("correct", "whether the answer was right")
t = 0.0
for i in range(10):
    d = float(rng.uniform(0.5, 1.5)).__round__(3)
    f.add_trial(start_time=round(t, 3), stop_time=round(t + d, 3), stimulus=["left", "right", "catch"][i % 3], correct=bool(i % 2))
    t += d + 0.25
f.add_epoch(start_time=0.0, stop_time=5.0, tags=["rest"])
f.add_epoch(start_time=5.0, stop_time=12.0, tags=["task", "go"])
f.add_invalid_time_interval(start_time=3.0, stop_time=3.5)
ti = f.create_time_intervals("sleep", "sleep stages")
ti.add_column("stage", "stage")
for i, st in enumerate(["wake", "nrem", "rem", "nrem", "wake"]):
    ti.add_interval(start_time=i * 2.0, stop_time=i * 2.0 + 1.5, stage=st)
# A large interval table (more bars than an SVG draws, more rows than get tooltips at once), made from columns.
import pandas as pd
from pynwb.epoch import TimeIntervals
starts = np.arange(6000) * 0.2 + rng.uniform(0, 0.05, 6000).round(4)
many = TimeIntervals.from_dataframe(pd.DataFrame({"start_time": starts, "stop_time": starts + 0.1, "kind": np.array(["a", "b", "c"])[np.arange(6000) % 3]}),
                                    name="many", table_description="many intervals")
f.add_time_intervals(many)
# behavior: 3-D and 1-D spatial series, compass direction
beh = f.create_processing_module("behavior", "behaviour")
ts = np.arange(40) / 10.0
pos = Position(spatial_series=SpatialSeries(name="head", data=np.stack([np.cos(ts), np.sin(ts), ts / 4], axis=1), timestamps=ts, reference_frame="arena centre"))
beh.add(pos)
cd = CompassDirection(spatial_series=SpatialSeries(name="heading", data=(ts * 30.0) % 360, rate=10.0, reference_frame="north", unit="degrees"))
beh.add(cd)
with NWBHDF5IO(out + "/units.nwb", "w") as io:
    io.write(f)

# ophys: pixel masks and voxel masks, Images reference, DfOverF
f = nwb("ophys-masks")
dev = f.create_device("scope")
ch = OpticalChannel("green", "green", 510.0)
plane = f.create_imaging_plane(name="plane0", optical_channel=ch, description="plane", device=dev, excitation_lambda=920.0, imaging_rate=30.0, indicator="GCaMP6f", location="V1")
plane3 = f.create_imaging_plane(name="volume0", optical_channel=ch, description="volume", device=dev, excitation_lambda=920.0, imaging_rate=30.0, indicator="GCaMP6f", location="V1")
frames = rng.integers(0, 4000, (6, 20, 16)).astype(np.uint16)
tps = TwoPhotonSeries(name="tps", data=frames, imaging_plane=plane, rate=30.0, unit="n.a.")
f.add_acquisition(tps)
oph = f.create_processing_module("ophys", "ophys")
seg = ImageSegmentation()
oph.add(seg)
ps = seg.create_plane_segmentation("pixel rois", plane, "pix", reference_images=tps)
for r in range(4):
    x0, y0 = int(rng.integers(0, 15)), int(rng.integers(0, 11))
    ps.add_roi(pixel_mask=[(x, y, 0.5 + 0.1 * r) for x in range(x0, x0 + 5) for y in range(y0, y0 + 4)])
vs = seg.create_plane_segmentation("voxel rois", plane3, "vox")
for r in range(3):
    vs.add_roi(voxel_mask=[(x, y, z, 1.0) for x in range(2 + 4 * r, 5 + 4 * r) for y in range(3, 6 + r) for z in ([0, 1] if r != 2 else [1, 2])])
vm = seg.create_plane_segmentation("3-D image masks", plane3, "volmask")
for r in range(2):
    m = np.zeros((10, 12, 3))
    m[1 + 3 * r:4 + 3 * r, 2:6 + r, r:r + 2] = 0.25 + r * 0.5
    vm.add_roi(image_mask=m)
img = Images("SummaryImages", images=[GrayscaleImage(name="mean", data=frames.mean(axis=0))])
oph.add(img)
from pynwb.ophys import DfOverF
region = ps.create_roi_table_region("all", region=[0, 1, 2, 3])
dff = DfOverF(roi_response_series=RoiResponseSeries(name="dff", data=rng.normal(size=(30, 4)).astype(np.float32), rois=region, unit="n.a.", rate=30.0))
oph.add(dff)
with NWBHDF5IO(out + "/ophys-masks.nwb", "w") as io:
    io.write(f)

# icephys
f = nwb("icephys-1")
dev = f.create_device("amp")
el = f.create_icephys_electrode(name="elec0", description="patch", device=dev)
for s in range(3):
    stim = CurrentClampStimulusSeries(name=f"ccss{s}", data=np.concatenate([np.zeros(20), np.full(60, 1e-10 * (s + 1)), np.zeros(20)]), starting_time=s * 1.0, rate=1000.0, electrode=el, gain=1.0, sweep_number=np.uint32(s))
    resp = CurrentClampSeries(name=f"ccs{s}", data=-0.07 + 0.01 * (s + 1) * np.sin(np.arange(100) / 10), starting_time=s * 1.0, rate=1000.0, electrode=el, gain=1.0, sweep_number=np.uint32(s))
    f.add_stimulus(stim)
    f.add_acquisition(resp)
    f.add_intracellular_recording(electrode=el, stimulus=stim, response=resp, id=10 + s)
with NWBHDF5IO(out + "/icephys.nwb", "w") as io:
    io.write(f)

# icephys with the (deprecated) sweep table
f = nwb("icephys-sweeps")
dev = f.create_device("amp")
el = f.create_icephys_electrode(name="elec0", description="patch", device=dev)
for s in range(2):
    stim = VoltageClampStimulusSeries(name=f"vcss{s}", data=np.concatenate([np.full(10, -0.07), np.full(30, -0.02 * s), np.full(10, -0.07)]), starting_time=s * 1.0, rate=500.0, electrode=el, gain=1.0, sweep_number=np.uint32(s))
    resp = VoltageClampSeries(name=f"vcs{s}", data=1e-10 * np.cos(np.arange(50) / 5) * (s + 1), starting_time=s * 1.0, rate=500.0, electrode=el, gain=1.0, sweep_number=np.uint32(s))
    f.add_stimulus(stim, use_sweep_table=True)
    f.add_acquisition(resp, use_sweep_table=True)
with NWBHDF5IO(out + "/sweeps.nwb", "w") as io:
    io.write(f)

# What the views must show, read back with h5py (independent of tsnwb), for the tests.
import json, h5py
expected = {}
with h5py.File(out + "/units.nwb", "r") as h:
    ends = h["units/spike_times_index"][:]
    st = h["units/spike_times"][:]
    expected["units"] = {
        "ids": h["units/id"][:].tolist(),
        "spike_times": [st[(0 if i == 0 else ends[i - 1]):ends[i]].tolist() for i in range(len(ends))],
        "quality": [q.decode() if isinstance(q, bytes) else q for q in h["units/quality"][:]],
        "depth": h["units/depth"][:].tolist(),
    }
    for name in ["trials", "epochs", "invalid_times", "sleep", "many"]:
        g = h["intervals/" + name]
        expected[name] = {"start": g["start_time"][:].tolist(), "stop": g["stop_time"][:].tolist(), "id": g["id"][:].tolist()}
    expected["trials"]["stimulus"] = [s.decode() for s in h["intervals/trials/stimulus"][:]]
    expected["sleep"]["stage"] = [s.decode() for s in h["intervals/sleep/stage"][:]]
    expected["many"]["kind"] = [s.decode() for s in h["intervals/many/kind"][:]]
    p = h["processing/behavior/Position/head"]
    expected["head"] = {"t": p["timestamps"][:].tolist(), "data": p["data"][:].tolist()}
    c = h["processing/behavior/CompassDirection/heading"]
    expected["heading"] = {"data": c["data"][:].tolist(), "rate": float(c["starting_time"].attrs["rate"]), "start": float(c["starting_time"][()])}
with h5py.File(out + "/ophys-masks.nwb", "r") as h:
    def ragged(g, col):
        ends = g[col + "_index"][:]
        rows = g[col][:]
        return [[list(map(float, e)) for e in rows[(0 if i == 0 else ends[i - 1]):ends[i]]] for i in range(len(ends))]
    expected["pix"] = {"masks": ragged(h["processing/ophys/ImageSegmentation/pix"], "pixel_mask"), "reference": h["processing/ophys/SummaryImages/mean"][:].tolist()}
    expected["volmask"] = h["processing/ophys/ImageSegmentation/volmask/image_mask"][:].tolist()
    expected["vox"] = {"masks": ragged(h["processing/ophys/ImageSegmentation/vox"], "voxel_mask"),
                       "reference": None}
    d = h["processing/ophys/DfOverF/dff"]
    expected["dff"] = {"data": d["data"][:].tolist(), "rois": d["rois"][:].tolist(), "rate": float(d["starting_time"].attrs["rate"])}
with h5py.File(sys.argv[2], "r") as h:
    frames = h["acquisition/TwoPhotonSeries/data"][:8].astype(float)
    tps = h["acquisition/TwoPhotonSeries"]
    expected["fixture_movie"] = {"frames": tps["data"][:].astype(float).tolist(), "rate": float(tps["starting_time"].attrs["rate"]), "start": float(tps["starting_time"][()])}
    expected["fixture_ophys"] = {"image_mask": h["processing/ophys/ImageSegmentation/PlaneSegmentation/image_mask"][:].tolist(),
                                 "reference": frames.mean(axis=0).tolist(),
                                 "trace": h["processing/ophys/Fluorescence/RoiResponseSeries/data"][:].tolist(),
                                 "rate": float(h["processing/ophys/Fluorescence/RoiResponseSeries/starting_time"].attrs["rate"]),
                                 "start": float(h["processing/ophys/Fluorescence/RoiResponseSeries/starting_time"][()])}
for name, series in [("icephys", ["ccs0", "ccs1", "ccs2", "ccss0", "ccss1", "ccss2"]), ("sweeps", ["vcs0", "vcs1", "vcss0", "vcss1"])]:
    with h5py.File(out + f"/{name}.nwb", "r") as h:
        for s in series:
            g = h[("acquisition/" if not s.endswith(tuple("0123")) or "ss" not in s else "stimulus/presentation/") + s]
            expected[s] = {"data": (g["data"][:] * g["data"].attrs["conversion"] + g["data"].attrs.get("offset", 0.0)).tolist(),
                           "start": float(g["starting_time"][()]), "rate": float(g["starting_time"].attrs["rate"])}
with open(out + "/expected.json", "w") as f:
    json.dump(expected, f)
