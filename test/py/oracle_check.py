"""pynwb's verdict on files tsnwb wrote: run with ../shared/tools/oracle python, one JSON request per line on stdin
(`{"path": ..., "exempt": {"read": regex, ...}}` or a bare path).

For each file, prints one JSON line: whether pynwb reads it (every object constructed through its __init__, as
`oracle read` does), pynwb's validation errors (against the file's cached namespaces, as `oracle validate` does),
and the NWB Inspector's CRITICAL (and ERROR) messages. Reading requests from stdin lets one Python process, which
imports pynwb once, check every file a test file writes.

Two of the Inspector's CRITICAL checks judge the data or the folder rather than the file, and pynwb's own files in
../shared/fixtures trip them, so they are not findings here: an ImageSeries (or subtype) whose frames are larger
than their number (check_data_orientation: a short movie, not transposed data; still a finding for other series),
and external files that are not beside the copy judged (check_image_series_external_file_valid: the copy is not
in the folder the test wrote it in).
"""
import json
import re
import sys
import traceback
import warnings

warnings.simplefilter("ignore")
import h5py  # noqa: E402
import pynwb  # noqa: E402
from pynwb.image import ImageSeries  # noqa: E402
from nwbinspector import Importance, inspect_nwbfile  # noqa: E402

IGNORED_CHECKS = ["check_image_series_external_file_valid"]


def is_image_series(path, location, type_map):
    """Whether the object at `location` is an ImageSeries or one of its subtypes (extensions' included)."""
    try:
        with h5py.File(path, "r") as f:
            attrs = f[location].attrs
            cls = type_map.get_dt_container_cls(str(attrs["neurodata_type"]), str(attrs["namespace"]))
        return issubclass(cls, ImageSeries)
    except Exception:
        return False


def check(path):
    out = {"path": path, "read": None, "validate": [], "inspect": []}
    type_map = None
    try:
        with pynwb.NWBHDF5IO(path, "r", load_namespaces=True) as io:
            nwbfile = io.read()
            len(list(nwbfile.objects.values()))
            type_map = io.manager.type_map
    except Exception as e:  # pynwb's own error is the finding
        # A ConstructError carries the whole builder; its path and reason are what say what is wrong.
        args = getattr(e, "args", ())
        where = getattr(args[0], "path", None) if len(args) >= 2 else None
        reason = args[-1] if len(args) >= 2 and isinstance(args[-1], str) else str(e)
        out["read"] = f"{type(e).__name__}: {where + ': ' if where else ''}{reason}"
        out["trace"] = traceback.format_exc(limit=-3)
    try:
        errors, status = pynwb.validate(paths=[path])
        out["validate"] = [str(e) for e in errors]
        if status != 0 and not errors:
            out["validate"].append(f"pynwb.validate status {status}")
    except Exception as e:
        out["validate"].append(f"validator failed: {type(e).__name__}: {e}")
    if out["read"] is None:
        try:
            for m in inspect_nwbfile(nwbfile_path=path, skip_validate=True, importance_threshold=Importance.CRITICAL, ignore=IGNORED_CHECKS):
                if m.importance not in (Importance.CRITICAL, Importance.ERROR):
                    continue
                if m.check_function_name == "check_data_orientation" and is_image_series(path, m.location, type_map):
                    continue
                first = m.message.splitlines()[0] if m.message else ""
                out["inspect"].append(f"{m.importance.name} {m.check_function_name} at {m.location}: {first}")
        except Exception as e:
            out["inspect"].append(f"inspector failed: {type(e).__name__}: {e}")
    return out


def exempted(verdict, exempt):
    """Drops the findings a test declared expected (its file is meant to be one pynwb refuses), by regex per kind."""
    if not exempt:
        return verdict
    if verdict["read"] and "read" in exempt and re.search(exempt["read"], verdict["read"]):
        verdict["read"] = None
        verdict["validate"] = [e for e in verdict["validate"] if not re.search(exempt.get("validate", "$^"), e)]
    verdict["validate"] = [e for e in verdict["validate"] if not re.search(exempt.get("validate", "$^"), e)]
    verdict["inspect"] = [e for e in verdict["inspect"] if not re.search(exempt.get("inspect", "$^"), e)]
    return verdict


for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    request = json.loads(line) if line.startswith("{") else {"path": line}
    print(json.dumps(exempted(check(request["path"]), request.get("exempt"))), flush=True)
