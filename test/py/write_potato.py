"""pynwb's extension tutorial (docs/gallery/general/extensions.py, "MultiContainerInterface"): a `PotatoSack` whose
`Potato` type is defined inside it (a neurodata_type_def among PotatoSack's groups, not at the top of the extension's
file), written by pynwb with the extension's spec cached in the file. Usage: write_potato.py OUT.nwb SPEC_DIR (where
the extension's YAML is written; load it with loadNamespaces to read the file without its cached spec)."""
import os, sys
from datetime import datetime, timezone
from hdmf.utils import docval, get_docval
from pynwb import NWBFile, NWBHDF5IO, load_namespaces, get_class, register_class
from pynwb.core import MultiContainerInterface, NWBContainer
from pynwb.spec import NWBAttributeSpec, NWBGroupSpec, NWBNamespaceBuilder

out, spec_dir = sys.argv[1], sys.argv[2]
name = "test_multicontainerinterface"
ns_path = name + ".namespace.yaml"
ext_source = name + ".extensions.yaml"

ns_builder = NWBNamespaceBuilder(name + " extensions", name, version="0.1.0")
ns_builder.include_type("NWBDataInterface", namespace="core")
potato = NWBGroupSpec(neurodata_type_def="Potato", neurodata_type_inc="NWBDataInterface", doc="A potato", quantity="*",
                      attributes=[NWBAttributeSpec(name="weight", doc="weight of potato", dtype="float", required=True),
                                  NWBAttributeSpec(name="age", doc="age of potato", dtype="float", required=False)])
potato_sack = NWBGroupSpec(name="potato_sack", doc="A sack of potatoes", neurodata_type_inc="NWBDataInterface",
                           neurodata_type_def="PotatoSack", groups=[potato])
ns_builder.add_spec(ext_source, potato_sack)
os.makedirs(spec_dir, exist_ok=True)
cwd = os.getcwd()
os.chdir(spec_dir)
ns_builder.export(ns_path)
os.chdir(cwd)
load_namespaces(os.path.join(spec_dir, ns_path))


@register_class("Potato", name)
class Potato(NWBContainer):
    __nwbfields__ = ("name", "weight", "age")

    @docval({"name": "name", "type": str, "doc": "who names a potato?"},
            {"name": "weight", "type": float, "doc": "weight of potato in grams"},
            {"name": "age", "type": float, "doc": "age of potato in days"})
    def __init__(self, **kwargs):
        super().__init__(name=kwargs["name"])
        self.weight = kwargs["weight"]
        self.age = kwargs["age"]


@register_class("PotatoSack", name)
class PotatoSack(MultiContainerInterface):
    __clsconf__ = {"attr": "potatos", "type": Potato, "add": "add_potato", "get": "get_potato", "create": "create_potato"}


nwbfile = NWBFile("a file with metadata", "NB123A", datetime(2018, 6, 1, tzinfo=timezone.utc))
pmod = nwbfile.create_processing_module("module_name", "desc")
potato_sack = PotatoSack(potatos=[Potato(name="potato1", age=2.3, weight=3.0), Potato(name="potato2", age=4.5, weight=1.25)])
pmod.add(potato_sack)
with NWBHDF5IO(out, "w") as io:
    io.write(nwbfile)
