"""Checks the states kill tests left (run by `../shared/tools/oracle python`, so pynwb is the judge).

Usage: check.py SPEC.json  -- SPEC: [{"dir": ..., "expect": {NAME: {"mayBeAbsent": bool, "alternatives": [...]}}}]
Each folder must hold only the files expected (no leftover of the write: `tsnwb clean` ran before), each either
absent where allowed, or read by pynwb (every object constructed), valid by pynwb's validator, and holding one of
its alternatives: HDF5 path -> {"value": scalar} or {"shape": [...], "sha256": hex of little-endian C-order bytes};
"absent" lists paths that must not exist. One process for all the folders: Python and pynwb start once, and each distinct file is read once.
Prints one JSON result per folder: {"dir", "problems": [...]} (empty when the folder passes).
"""
import hashlib
import json
import os
import sys
import warnings

import numpy as np
from pynwb import NWBHDF5IO, validate

warnings.simplefilter("ignore")


def mismatch(f, alternative):
    """What differs between the open h5py file and one alternative (None when it matches)."""
    for path in alternative.get("absent", []):
        if path in f:
            return f"{path} exists"
    for path, want in alternative.items():
        if path == "absent":
            continue
        if path not in f:
            return f"{path} missing"
        value = f[path][()]
        if "value" in want:
            got = value.decode() if isinstance(value, bytes) else value
            if got != want["value"]:
                return f"{path} is {got!r}, not {want['value']!r}"
            continue
        array = np.asarray(value)
        if list(array.shape) != want["shape"]:
            return f"{path} has shape {list(array.shape)}, not {want['shape']}"
        digest = hashlib.sha256(np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()).hexdigest()
        if digest != want["sha256"]:
            return f"{path} holds other values"
    return None


checked = {}


def check_file(path, spec):
    """pynwb's verdict on one file, once per content (many kills leave the same bytes)."""
    with open(path, "rb") as f:
        key = (hashlib.sha256(f.read()).hexdigest(), json.dumps(spec, sort_keys=True))
    if key not in checked:
        checked[key] = isolated(read_and_compare, path, spec)
    return checked[key]


def isolated(function, *args):
    """Runs `function` in a forked child, so that a file HDF5 crashes on (a damaged one) fails its check only."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        with os.fdopen(write, "w") as out:
            json.dump(function(*args), out)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as result:
        text = result.read()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status) or not text:
        return [f"{os.path.basename(args[0])}: reading it crashed HDF5 (status {status})"]
    return json.loads(text)


def read_and_compare(path, spec):
    try:
        with NWBHDF5IO(path, "r") as io:
            nwbfile = io.read()
            len(list(nwbfile.objects.values()))
            errors = validate(io=io)
            if errors:
                return [f"{os.path.basename(path)}: not valid: {errors[0]}"]
            differences = [mismatch(io._file, a) for a in spec["alternatives"]]
            if all(d is not None for d in differences):
                return [f"{os.path.basename(path)}: none of its {len(differences)} expected states: {'; '.join(differences)}"]
    except Exception as e:  # any failure to read is what the test looks for
        return [f"{os.path.basename(path)}: pynwb cannot read it: {type(e).__name__}: {e}"]
    return []


def check_folder(folder, expect):
    problems = []
    for name in sorted(os.listdir(folder)):
        if name not in expect:
            problems.append(f"{name}: left in the folder")
    for name, spec in expect.items():
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            if not spec["mayBeAbsent"]:
                problems.append(f"{name}: missing")
            continue
        problems += check_file(path, spec)
    return problems


def main():
    with open(sys.argv[1]) as f:
        states = json.load(f)
    for state in states:
        print(json.dumps({"dir": state["dir"], "problems": check_folder(state["dir"], state["expect"])}), flush=True)


main()
