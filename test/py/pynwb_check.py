"""pynwb itself on NWB files: run with `oracle python pynwb_check.py FILE...` (pynwb importable).

For each file: whether pynwb reads it (every object constructed through its class, as `oracle read` does) and
what pynwb's validator reports against the namespaces the file caches. Prints one JSON object by file:
{"read": "ok" or the error, "objects": n, "validation": [messages]}. One process for many files, since importing
pynwb takes seconds.
"""
import json
import sys
import warnings

from pynwb import NWBHDF5IO, validate

out = {}
for path in sys.argv[1:]:
    entry = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with NWBHDF5IO(path, "r") as io:
                entry["objects"] = len(list(io.read().objects.values()))
        entry["read"] = "ok"
    except Exception as e:  # noqa: BLE001 - the error is what is reported
        entry["read"] = f"{type(e).__name__}: {e}"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            errors = validate(paths=[path], use_cached_namespaces=True)
        errors = errors[0] if isinstance(errors, tuple) else errors
        entry["validation"] = [str(e) for e in errors]
    except Exception as e:  # noqa: BLE001
        entry["validation"] = [f"validator failed: {type(e).__name__}: {e}"]
    out[path] = entry
print(json.dumps(out, indent=1))
