"""An extension type with scalar and list attributes and array datasets of every integer width, written by pynwb (its spec cached in the
file), each holding its dtype's smallest and largest values (int64 and uint64 beyond 2^53). Usage:
write_int_widths.py OUT.nwb SPEC_DIR (where the extension's YAML is written)."""
import os, sys
from datetime import datetime, timezone
import numpy as np
from pynwb import NWBFile, NWBHDF5IO, load_namespaces, get_class
from pynwb.spec import NWBAttributeSpec, NWBDatasetSpec, NWBGroupSpec, NWBNamespaceBuilder

out, spec_dir = sys.argv[1], sys.argv[2]
WIDTHS = ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64"]
attributes = [NWBAttributeSpec(name="a_" + t, doc="a scalar " + t, dtype=t) for t in WIDTHS]
attributes += [NWBAttributeSpec(name="l_" + t, doc="a list of " + t, dtype=t, shape=[None]) for t in WIDTHS]
datasets = [NWBDatasetSpec(name="d_" + t, doc="an array of " + t, dtype=t, shape=[None]) for t in WIDTHS]
spec = NWBGroupSpec(neurodata_type_def="IntWidths", neurodata_type_inc="NWBDataInterface", doc="integers of every width",
                    attributes=attributes, datasets=datasets)
builder = NWBNamespaceBuilder(doc="integers of every width", name="ndx-int-widths", version="0.1.0", author="tsnwb tests", contact="tests@example.org")
builder.include_type("NWBDataInterface", namespace="core")
builder.add_spec("ndx-int-widths.extensions.yaml", spec)
os.makedirs(spec_dir, exist_ok=True)
cwd = os.getcwd()
os.chdir(spec_dir)
builder.export("ndx-int-widths.namespace.yaml")
os.chdir(cwd)
load_namespaces(os.path.join(spec_dir, "ndx-int-widths.namespace.yaml"))
IntWidths = get_class("IntWidths", "ndx-int-widths")

values = {}
for t in WIDTHS:
    info = np.iinfo(t)
    values["a_" + t] = np.array(info.max, dtype=t)[()]
    values["l_" + t] = np.array([info.min, info.max, 1], dtype=t)
    values["d_" + t] = np.array([info.min, 0, info.max], dtype=t)
nwbfile = NWBFile(session_description="integer widths", identifier="int-widths", session_start_time=datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
nwbfile.add_acquisition(IntWidths(name="widths", **values))
with NWBHDF5IO(out, "w") as io:
    io.write(nwbfile)
