"""The NWB Inspector's (nwbinspector 0.5.2) messages for NWB files, as JSON, for tsnwb's parity test.

Usage: oracle python nwbinspector_messages.py [--config NAME] [--threshold LEVEL] [--folder] PATH...
Prints one JSON object: { PATH: [ {check, importance, location, object_type, object_name, message, file_path}, ... ] }.
Each PATH is a file inspected alone; with --folder, a folder inspected as the NWB Inspector's command line does
(inspect_all: every .nwb file under it, and the files together: check_unique_identifiers).
pynwb's validation is skipped (tsnwb's validator answers for it); a check that fails inside nwbinspector is kept,
with importance ERROR and the last line of its traceback (the exception) as its message.
"""
import json
import sys
import warnings

from nwbinspector import inspect_all, inspect_nwbfile
from nwbinspector._configuration import load_config

warnings.filterwarnings("ignore")


def main(argv):
    config = None
    threshold = "BEST_PRACTICE_SUGGESTION"
    files = []
    folder = False
    i = 0
    while i < len(argv):
        if argv[i] == "--config":
            config = load_config(argv[i + 1])
            i += 2
        elif argv[i] == "--folder":
            folder = True
            i += 1
        elif argv[i] == "--threshold":
            threshold = argv[i + 1]
            i += 2
        else:
            files.append(argv[i])
            i += 1
    out = {}
    for path in files:
        messages = []
        if folder:
            # n_jobs=2: inspect_all passes skip_validate on to its workers only (serially, it validates anyway).
            found = inspect_all(path, skip_validate=True, config=config, importance_threshold=threshold, n_jobs=2, progress_bar=False)
        else:
            found = inspect_nwbfile(nwbfile_path=path, skip_validate=True, config=config, importance_threshold=threshold)
        for m in found:
            messages.append(
                dict(
                    check=m.check_function_name,
                    importance=m.importance.name,
                    location=m.location,
                    object_type=m.object_type,
                    object_name=m.object_name,
                    message=m.message if m.importance.name != "ERROR" else m.message.strip().splitlines()[-1],
                    file_path=str(m.file_path),
                )
            )
        out[path] = messages
    json.dump(out, sys.stdout)


main(sys.argv[1:])
