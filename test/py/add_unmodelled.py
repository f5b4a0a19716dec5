"""Copy an NWB file and add objects of types tsnwb does not model: an ElectricalSeries, a DynamicTable, an extension type."""
import shutil, sys, uuid
import h5py
import numpy as np

src, dst = sys.argv[1], sys.argv[2]
shutil.copyfile(src, dst)
f = h5py.File(dst, "a")


def typed(obj, t, ns="core"):
    obj.attrs["neurodata_type"] = t
    obj.attrs["namespace"] = ns
    obj.attrs["object_id"] = str(uuid.uuid4())
    return obj


trials = typed(f.require_group("intervals").create_group("trials"), "TimeIntervals")
trials.attrs["description"] = "experimental trials"
trials.attrs["colnames"] = np.array(["start_time", "stop_time"], dtype=object)
for name, values in (("start_time", [0.0, 1.0, 2.0]), ("stop_time", [0.5, 1.5, 2.5])):
    col = typed(trials.create_dataset(name, data=np.array(values)), "VectorData", "hdmf-common")
    col.attrs["description"] = name
typed(trials.create_dataset("id", data=np.arange(3)), "ElementIdentifiers", "hdmf-common")

ephys = typed(f["acquisition"].create_group("ephys"), "ElectricalSeries")
ephys.attrs["description"] = "raw voltage"
data = ephys.create_dataset("data", data=np.arange(40, dtype=np.float32).reshape(10, 4))
data.attrs["unit"] = "volts"
st = ephys.create_dataset("starting_time", data=0.0)
st.attrs["rate"] = 30000.0
region = typed(ephys.create_dataset("electrodes", data=np.arange(4)), "DynamicTableRegion", "hdmf-common")
region.attrs["table"] = trials.ref
region.attrs["description"] = "rows of the trials table"

custom = typed(f["acquisition"].create_group("custom"), "MyType", "ndx-test")
custom["source"] = h5py.SoftLink("/acquisition/ImageSeries")
custom.attrs["gain"] = 2.5
f.close()

if len(sys.argv) > 3 and sys.argv[3] == "--link-timestamps":
    # A second series sharing the first one's timestamps through a soft link, as pynwb writes timestamps=other.
    f = h5py.File(dst, "a")
    src_ts = "/stimulus/presentation/StimulusFeatures/timestamps"
    g = typed(f["acquisition"].create_group("shared_time"), "TimeSeries")
    g.attrs["description"] = "no description"
    g.attrs["comments"] = "no comments"
    d = g.create_dataset("data", data=np.arange(12, dtype=np.float64))
    d.attrs["unit"] = "a.u."
    g["timestamps"] = h5py.SoftLink(src_ts)
    f.close()

if len(sys.argv) > 3 and sys.argv[3] == "--odd-types":
    # Datasets of other HDF5 types: compound rows, booleans (an HDF5 enum in h5py), variable-length sequences.
    f = h5py.File(dst, "a")
    g = f["acquisition/custom"]
    g.create_dataset("rows", data=np.array([(1, 2.5), (3, 4.5)], dtype=[("a", "<i4"), ("b", "<f8")]))
    g.create_dataset("flags", data=np.array([True, False, True]))
    ragged = g.create_dataset("ragged", (2,), dtype=h5py.vlen_dtype(np.int32))
    ragged[0] = [1, 2, 3]
    ragged[1] = [4]
    f.close()

if len(sys.argv) > 3 and sys.argv[3] == "--ecephys":
    # Extracellular electrophysiology as pynwb lays it out: typed objects in /general/extracellular_ephys,
    # which tsnwb does not model, linked and referenced from an ElectricalSeries in /acquisition.
    f = h5py.File(dst, "a")
    probe = typed(f.require_group("general/devices").create_group("probe"), "Device")
    probe.attrs["description"] = "a silicon probe"
    ee = f["general"].create_group("extracellular_ephys")
    shank = typed(ee.create_group("shank0"), "ElectrodeGroup")
    shank.attrs["description"] = "shank 0"
    shank.attrs["location"] = "CA1"
    shank["device"] = h5py.SoftLink("/general/devices/probe")
    table = typed(ee.create_group("electrodes"), "DynamicTable", "hdmf-common")
    table.attrs["description"] = "metadata about extracellular electrodes"
    table.attrs["colnames"] = np.array(["location", "group", "group_name"], dtype=object)
    typed(table.create_dataset("id", data=np.arange(4)), "ElementIdentifiers", "hdmf-common")
    loc = typed(table.create_dataset("location", data=np.array(["CA1"] * 4, dtype=h5py.string_dtype())), "VectorData", "hdmf-common")
    loc.attrs["description"] = "location"
    grp = typed(table.create_dataset("group", data=np.array([shank.ref] * 4, dtype=h5py.ref_dtype)), "VectorData", "hdmf-common")
    grp.attrs["description"] = "group"
    gn = typed(table.create_dataset("group_name", data=np.array(["shank0"] * 4, dtype=h5py.string_dtype())), "VectorData", "hdmf-common")
    gn.attrs["description"] = "group name"
    es = typed(f["acquisition"].create_group("raw_ephys"), "ElectricalSeries")
    es.attrs["description"] = "raw"
    es.attrs["comments"] = "no comments"
    d = es.create_dataset("data", data=np.zeros((10, 4), dtype=np.int16))
    d.attrs["unit"] = "volts"
    d.attrs["conversion"] = 1e-6
    d.attrs["resolution"] = -1.0
    d.attrs["offset"] = 0.0
    st = es.create_dataset("starting_time", data=0.0)
    st.attrs["rate"] = 30000.0
    st.attrs["unit"] = "seconds"
    region = typed(es.create_dataset("electrodes", data=np.arange(4)), "DynamicTableRegion", "hdmf-common")
    region.attrs["description"] = "all electrodes"
    region.attrs["table"] = table.ref
    f.close()
