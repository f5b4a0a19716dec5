"""nwbinspector 0.5.2's checks only, file after file: what `nwbinspector PATH --skip-validate` means to run.

Its command line drops --skip-validate for a local path (inspect_all passes skip_validate to inspect_nwbfile only
with n_jobs != 1), so there every file is also validated by pynwb (and a folder of these fixtures stops on a
RecursionError in pynwb's validator, part way). This calls inspect_nwbfile with skip_validate=True for each file.
Usage: oracle python bench/inspect_nwbinspector.py FILE...
"""
import sys
import warnings

warnings.filterwarnings("ignore")
from nwbinspector import inspect_nwbfile  # noqa: E402

messages = 0
for path in sys.argv[1:]:
    messages += len(list(inspect_nwbfile(nwbfile_path=path, skip_validate=True)))
print(messages, "messages")
