"""What pynwb's constructors ask for, per neurodata type: run with `oracle python` (pynwb and hdmf importable).

For every type of core, hdmf-common and hdmf-experimental that pynwb maps to a class: the arguments of the class's
`__init__` (hdmf's docval) that have no default, those that have one (with the default when it is plain JSON), and
what an object made with no more than its required arguments (a name, where one is required) holds: its name and
description (defaults set in the constructor's body, such as the icephys tables' fixed names), its colnames, or the
error its constructor raises. Prints one JSON object by type name.
"""
import json
import pynwb
from hdmf.utils import get_docval

PLAIN = (str, int, float, bool, type(None))


def plain(v):
    return v if isinstance(v, PLAIN) else repr(v)


type_map = pynwb.get_type_map()
catalog = type_map.namespace_catalog
out = {}
for ns in ("hdmf-common", "hdmf-experimental", "core"):
    for type_name in catalog.get_namespace(ns).get_registered_types():
        if type_name in out:
            continue
        cls = type_map.get_dt_container_cls(type_name, ns)
        args = get_docval(cls.__init__)
        entry = {
            "namespace": ns,
            "class": f"{cls.__module__}.{cls.__name__}",
            "required": [a["name"] for a in args if "default" not in a],
            "defaults": {a["name"]: plain(a["default"]) for a in args if "default" in a},
        }
        if set(entry["required"]) <= {"name"}:
            try:
                obj = cls(**({"name": "given"} if "name" in entry["required"] else {}))
                made = {"name": obj.name}
                for attr in ("description", "colnames", "categories"):
                    value = getattr(obj, attr, None)
                    if value is not None:
                        made[attr] = plain(value) if not isinstance(value, (tuple, list)) else [plain(x) for x in value]
                entry["made"] = made
            except Exception as e:  # noqa: BLE001 - the error is what is reported
                entry["made"] = {"error": f"{type(e).__name__}: {e}"}
        out[type_name] = entry
print(json.dumps(out, indent=1, sort_keys=True))
