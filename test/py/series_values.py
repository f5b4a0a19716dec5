"""pynwb's get_timestamps() and get_data_in_units() of every TimeSeries in a file's acquisition, as JSON."""
import json
import sys

import numpy as np
from pynwb import NWBHDF5IO, TimeSeries

with NWBHDF5IO(sys.argv[1], "r") as io:
    nwbfile = io.read()
    out = {}
    for name, obj in nwbfile.acquisition.items():
        if isinstance(obj, TimeSeries):
            units = np.asarray(obj.get_data_in_units(), dtype=np.float64)
            out[name] = {
                "timestamps": np.asarray(obj.get_timestamps(), dtype=np.float64).tolist(),
                "data_in_units": units.ravel().tolist(),
                "shape": list(units.shape),
            }
    print(json.dumps(out))
