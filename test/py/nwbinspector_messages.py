"""The NWB Inspector's (nwbinspector 0.5.2) messages for NWB files, as JSON, for tsnwb's parity test.

Usage: oracle python nwbinspector_messages.py [--config NAME] [--threshold LEVEL] FILE...
Prints one JSON object: { FILE: [ {check, importance, location, object_type, object_name, message}, ... ] }.
pynwb's validation is skipped (tsnwb's validator answers for it); a check that fails inside nwbinspector is kept,
with importance ERROR, so that the test can tell it apart.
"""
import json
import sys
import warnings

from nwbinspector import inspect_nwbfile
from nwbinspector._configuration import load_config

warnings.filterwarnings("ignore")


def main(argv):
    config = None
    threshold = "BEST_PRACTICE_SUGGESTION"
    files = []
    i = 0
    while i < len(argv):
        if argv[i] == "--config":
            config = load_config(argv[i + 1])
            i += 2
        elif argv[i] == "--threshold":
            threshold = argv[i + 1]
            i += 2
        else:
            files.append(argv[i])
            i += 1
    out = {}
    for path in files:
        messages = []
        for m in inspect_nwbfile(nwbfile_path=path, skip_validate=True, config=config, importance_threshold=threshold):
            messages.append(
                dict(
                    check=m.check_function_name,
                    importance=m.importance.name,
                    location=m.location,
                    object_type=m.object_type,
                    object_name=m.object_name,
                    message=m.message if m.importance.name != "ERROR" else m.message.strip().splitlines()[-1],
                )
            )
        out[path] = messages
    json.dump(out, sys.stdout)


main(sys.argv[1:])
