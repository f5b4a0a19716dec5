"""Writes, with pynwb, NWB files that trip the NWB Inspector's checks (for tsnwb's parity test).

Usage: oracle python inspector_trip_files.py OUT_FOLDER
Each file trips a few checks; together they trip nearly all of nwbinspector 0.5.2's. Prints the files' names.
"""
import os
import sys
import warnings
from datetime import datetime, timezone

import numpy as np
from hdmf.common import DynamicTable, VectorData
from pynwb import NWBHDF5IO, NWBFile, TimeSeries
from pynwb.base import Images
from pynwb.behavior import CompassDirection, SpatialSeries
from pynwb.file import Subject
from pynwb.image import GrayscaleImage, ImageSeries, IndexSeries
from pynwb.ogen import OptogeneticStimulusSite
from pynwb.ophys import OpticalChannel, RoiResponseSeries

warnings.filterwarnings("ignore")
out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def base(**kwargs):
    args = dict(session_description="trip", identifier="trip-file-identifier", session_start_time=datetime(2020, 1, 1, tzinfo=timezone.utc))
    args.update(kwargs)
    return NWBFile(**args)


def write(nwbfile, name):
    with NWBHDF5IO(os.path.join(out, name), "w") as io:
        io.write(nwbfile)
    print(name)


# Metadata: old date, bad experimenter, publications, subject fields, module name, description placeholder, slashes.
f = base(
    session_start_time=datetime(1970, 1, 1, tzinfo=timezone.utc), experimenter=["Ada Lovelace"], related_publications=["a paper"],
    experiment_description="", institution="", keywords=["k"],
)
f.subject = Subject(subject_id=None, age="P3D/P1D", sex="male", species="mouse", description="placeholder")
f.create_processing_module(name="my_module", description="no description")
f.add_acquisition(TimeSeries(name="neg", data=np.arange(5.0), unit="", starting_time=-1.0, rate=10.0, resolution=0.0, description="none"))
f.add_acquisition(TimeSeries(name="zero_rate", data=np.arange(5.0), unit="V", rate=0.0, description="a series"))
write(f, "metadata.nwb")

# Timestamps: irregular order, NaNs, regular, mismatched length, orientation.
f = base()
f.add_acquisition(TimeSeries(name="backwards", data=np.arange(4.0), unit="V", timestamps=[0.0, 2.0, 1.0, 3.0], description="a series"))
f.add_acquisition(TimeSeries(name="nans", data=np.arange(4.0), unit="V", timestamps=[0.0, np.nan, 1.0, 3.0], description="a series"))
f.add_acquisition(TimeSeries(name="regular", data=np.arange(4.0), unit="V", timestamps=[0.5, 0.6, 0.7, 0.8], description="a series"))
f.add_acquisition(TimeSeries(name="mismatch", data=np.arange(4.0), unit="V", timestamps=[0.0, 1.0, 2.5], description="a series"))
f.add_acquisition(TimeSeries(name="wide", data=np.zeros((3, 10)), unit="V", rate=1.0, description="a series"))
f.add_acquisition(SpatialSeries(name="pos", data=np.zeros((10, 4)), reference_frame="origin", rate=1.0, description="a series"))
f.add_acquisition(SpatialSeries(name="rad", data=np.full(10, 7.0), unit="radians", reference_frame="origin", rate=1.0, description="a series"))
f.add_acquisition(SpatialSeries(name="deg", data=np.full(10, 400.0), unit="degrees", reference_frame="origin", rate=1.0, description="a series"))
cd = CompassDirection(name="compass")
cd.add_spatial_series(SpatialSeries(name="heading", data=np.zeros(10), unit="meters", reference_frame="north", rate=1.0, description="a series"))
f.create_processing_module(name="behavior", description="behavior").add(cd)
write(f, "timeseries.nwb")

# Tables: empty, single row, binary column, dict strings, NaN column, duplicate ids, negative time, start order, stop before start.
f = base()
empty = DynamicTable(name="empty_table", description="a table")
f.add_acquisition(empty)
single = DynamicTable(name="single", description="a table")
single.add_row(id=0)
f.add_acquisition(single)
t = DynamicTable(name="values", description="a table", id=[0, 0, 1, 2])
t.add_column(name="flag", description="a column", data=[1.0, 0.0, 1.0, 0.0])
t.add_column(name="answer", description="a column", data=["yes", "no", "no", "yes"])
t.add_column(name="meta", description="a column", data=["{'a': 1}", '{"b": 2}', "x", "y"])
t.add_column(name="empty", description="a column", data=[np.nan] * 4)
t.add_column(name="onset_time", description="a column", data=[-1.0, 0.0, 1.0, 2.0])
f.add_acquisition(t)
f.add_trial(start_time=2.0, stop_time=1.0)
f.add_trial(start_time=1.0, stop_time=3.0)
write(f, "tables.nwb")

# ecephys: electrodes region out of range, transposed data, negative spike times, spikes outside observed intervals.
f = base()
dev = f.create_device(name="probe", description="a probe")
group = f.create_electrode_group(name="shank", description="a shank", location="CA1", device=dev)
for i in range(3):
    f.add_electrode(group=group, location="CA1")
region = f.create_electrode_table_region(region=[0, 1, 2], description="all")
from pynwb.ecephys import ElectricalSeries

f.add_acquisition(ElectricalSeries(name="transposed", data=np.zeros((3, 10)), electrodes=region, rate=1.0, description="a series"))
region2 = f.create_electrode_table_region(region=[0, 1, 2], description="all")
f.add_acquisition(ElectricalSeries(name="other", data=np.zeros((10, 5)), electrodes=region2, rate=1.0, description="a series"))
f.add_unit(spike_times=[-1.0, 0.5], obs_intervals=[[0.0, 1.0]])
f.add_unit(spike_times=[5.0], obs_intervals=[[0.0, 1.0]])
write(f, "ecephys.nwb")

# Images, IndexSeries, external files, ogen, icephys, ophys.
f = base()
img = GrayscaleImage(name="gray", data=np.zeros((4, 4), dtype=np.uint8), description="an image")
img2 = GrayscaleImage(name="gray2", data=np.zeros((4, 4), dtype=np.uint8), description="an image")
from pynwb.base import ImageReferences

images = Images(name="images", images=[img, img2], description="images", order_of_images=ImageReferences(name="order_of_images", data=[img, img]))
f.add_acquisition(images)
f.add_acquisition(ImageSeries(name="external", external_file=["missing.tiff", "/abs/file.tiff"], starting_frame=[0, 1], format="external", rate=1.0, unit="n/a", description="a movie"))
tmpl = ImageSeries(name="templates", data=np.zeros((2, 4, 4), dtype=np.uint8), unit="n/a", rate=1.0, description="stimuli")
f.add_stimulus_template(tmpl)
f.add_stimulus(IndexSeries(name="shown", data=np.array([0, 1], dtype=np.uint32), indexed_timeseries=tmpl, unit="N/A", rate=1.0, description="shown"))
odev = f.create_device(name="laser", description="a laser")
f.add_ogen_site(OptogeneticStimulusSite(name="site", device=odev, description="a site", excitation_lambda=470.0, location="VISp"))
idev = f.create_device(name="amp", description="an amplifier")
f.create_icephys_electrode(name="elec", description="an electrode", device=idev)
oc = OpticalChannel(name="chan", description="a channel", emission_lambda=0.5)
plane = f.create_imaging_plane(name="plane", optical_channel=oc, description="a plane", device=odev, excitation_lambda=0.4, indicator="GCaMP", location="V1", imaging_rate=30.0)
from pynwb.ophys import ImageSegmentation

seg = ImageSegmentation(name="seg")
ps = seg.create_plane_segmentation(name="ps", description="rois", imaging_plane=plane)
ps.add_roi(image_mask=np.ones((4, 4)))
ps.add_roi(image_mask=np.ones((4, 4)))
mod = f.create_processing_module(name="ophys", description="ophys")
mod.add(seg)
rois = ps.create_roi_table_region(region=[0, 1], description="rois")
mod.add(RoiResponseSeries(name="rrs", data=np.zeros((2, 10)), rois=rois, unit="n/a", rate=1.0, description="a series"))
write(f, "domains.nwb")

# A future session, a subject without species, a region out of range (edited with h5py: pynwb refuses to build it),
# a region into another table, ROIs of a plain table, masks of another shape than the reference frames,
# order_of_images shorter than the images, an uncompressed dataset above 50 MB, an age that is no duration, a name
# with a backslash.
import h5py
from hdmf.common import DynamicTableRegion
from pynwb.ophys import ImageSegmentation

f = base(session_start_time=datetime(2100, 1, 1, tzinfo=timezone.utc))
f.subject = Subject(subject_id="mouse-1", age="90 days", sex="F", description="a mouse")
dev = f.create_device(name="probe", description="a probe")
group = f.create_electrode_group(name="shank", description="a shank", location="CA1", device=dev)
for i in range(3):
    f.add_electrode(group=group, location="CA1")
f.add_acquisition(ElectricalSeries(name="out_of_range", data=np.zeros((10, 3)), electrodes=f.create_electrode_table_region(region=[0, 1, 2], description="all"), rate=1.0, description="a series"))
other = DynamicTable(name="channels", description="a table")
other.add_column(name="label", description="a column")
for i in range(3):
    other.add_row(label=str(i))
f.add_acquisition(other)
f.add_acquisition(ElectricalSeries(name="elsewhere", data=np.zeros((10, 3)), electrodes=DynamicTableRegion(name="electrodes", data=[0, 1, 2], description="channels", table=other), rate=1.0, description="a series"))
dev2 = f.create_device(name="scope", description="a microscope")
oc = OpticalChannel(name="chan", description="a channel", emission_lambda=520.0)
plane = f.create_imaging_plane(name="plane", optical_channel=oc, description="a plane", device=dev2, excitation_lambda=920.0, indicator="GCaMP", location="V1", imaging_rate=30.0)
ref = ImageSeries(name="mean", data=np.zeros((1, 5, 5), dtype=np.uint8), unit="n/a", rate=1.0, description="a reference frame")
f.add_acquisition(ref)
seg = ImageSegmentation(name="seg")
ps = seg.create_plane_segmentation(name="ps", description="rois", imaging_plane=plane, reference_images=ref)
ps.add_roi(image_mask=np.ones((4, 4)))
ps.add_roi(image_mask=np.ones((4, 4)))
mod = f.create_processing_module(name="ophys", description="ophys")
mod.add(seg)
mod.add(RoiResponseSeries(name="plain_rois", data=np.zeros((10, 3)), rois=DynamicTableRegion(name="rois", data=[0, 1, 2], description="channels", table=other), unit="n/a", rate=1.0, description="a series"))
a = GrayscaleImage(name="a", data=np.zeros((4, 4), dtype=np.uint8), description="an image")
b = GrayscaleImage(name="b", data=np.zeros((4, 4), dtype=np.uint8), description="an image")
f.add_acquisition(Images(name="short_order", images=[a, b], description="images", order_of_images=ImageReferences(name="order_of_images", data=[a])))
f.add_acquisition(TimeSeries(name="back\\slash", data=np.arange(3.0), unit="V", rate=1.0, description="a series"))
f.add_acquisition(TimeSeries(name="big", data=np.zeros(6_500_000), unit="V", rate=1000.0, description="a long series"))
write(f, "more.nwb")
with h5py.File(os.path.join(out, "more.nwb"), "r+") as h5:
    h5["/acquisition/out_of_range/electrodes"][:] = [0, 1, 5]

# Empty strings in optional text arguments of several types (check_empty_string_for_optional_attribute reads pynwb's
# constructors: NWBFile's lab, Subject's description, Device's manufacturer, TimeSeries' continuity are reported; an
# ElectricalSeries' continuity, not among its constructor's arguments, is not). And an age range in fractional years,
# on which the NWB Inspector's check_subject_proper_age_range fails (isodate counts no fractional years back from a
# date): reported as ERROR, the other checks going on.
f = base(lab="", notes="", experiment_description="", surgery="", experimenter=["Doe, Jane"], keywords=["k"], institution="inst")
f.subject = Subject(subject_id="m1", age="P1.5Y/P2Y", sex="F", species="Mus musculus", description="", genotype="", strain="")
dev = f.create_device(name="probe", description="", manufacturer="")
group = f.create_electrode_group(name="shank", description="a shank", location="CA1", device=dev)
for i in range(2):
    f.add_electrode(group=group, location="CA1")
f.add_acquisition(ElectricalSeries(name="es", data=np.zeros((10, 2)), electrodes=f.create_electrode_table_region(region=[0, 1], description="all"), rate=1.0, description="a series", filtering=""))
f.add_acquisition(TimeSeries(name="ts", data=np.arange(3.0), unit="V", rate=1.0, description="a series", comments=""))
write(f, "empty_strings.nwb")
with h5py.File(os.path.join(out, "empty_strings.nwb"), "r+") as h5:
    h5["/acquisition/es/data"].attrs["continuity"] = ""

# A folder of files inspected together: two pairs share an identifier (check_unique_identifiers), one is unique;
# the messages name files in natural order (session2 before session10), by name only (not their folder).
os.makedirs(os.path.join(out, "folder", "nested"), exist_ok=True)
for name, identifier in [("session10.nwb", "shared-id"), ("session2.nwb", "shared-id"), ("nested/unique.nwb", "unique-id"), ("nested/other.nwb", "other-id"), ("x.nwb", "other-id")]:
    write(base(identifier=identifier, experimenter=["Doe, Jane"], keywords=["k"], institution="inst", experiment_description="e"), os.path.join("folder", name))

# An extension's types (classes hdmf generates): check_empty_string_for_optional_attribute looks at their pynwb
# ancestor's optional text arguments and their own optional text fields without a default ("kept" has one).
from pynwb import get_class, load_namespaces
from pynwb.spec import NWBAttributeSpec, NWBDatasetSpec, NWBGroupSpec, NWBNamespaceBuilder

builder = NWBNamespaceBuilder("tsnwb's inspector test extension", "emptyext", version="0.1.0", author="tsnwb", contact="tsnwb@example.com")
builder.include_type("TimeSeries", namespace="core")
builder.include_type("Device", namespace="core")
builder.add_spec("emptyext.extensions.yaml", NWBGroupSpec(
    neurodata_type_def="NotedSeries", neurodata_type_inc="TimeSeries", doc="a series with notes",
    attributes=[NWBAttributeSpec("note", "a note", "text", required=False), NWBAttributeSpec("kept", "a note with a default", "text", required=False, default_value="x")],
    datasets=[NWBDatasetSpec(name="remark", doc="a remark", dtype="text", quantity="?")]))
builder.add_spec("emptyext.extensions.yaml", NWBGroupSpec(
    neurodata_type_def="ModelDevice", neurodata_type_inc="Device", doc="a device with a model", attributes=[NWBAttributeSpec("model_id", "its model", "text", required=False)]))
builder.export("emptyext.namespace.yaml", outdir=out)
load_namespaces(os.path.join(out, "emptyext.namespace.yaml"))
f = base(identifier="extension-identifier")
f.add_acquisition(get_class("NotedSeries", "emptyext")(name="noted", data=np.arange(3.0), unit="V", rate=1.0, description="a series", note="", kept="", remark=""))
f.add_device(get_class("ModelDevice", "emptyext")(name="rig", description="a rig", manufacturer="", model_id=""))
write(f, "extension.nwb")
