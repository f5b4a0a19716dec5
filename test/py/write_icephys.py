"""An intracellular electrophysiology file as pynwb's icephys tutorial writes it (docs/gallery/domain/plot_icephys.py):
a stimulus and a response whose `sweep_number` is numpy's uint64 (so stored as uint64, wider than the schema's uint32),
series whose sweep numbers are beyond 2^32 and 2^63, the intracellular recordings table and the tables above it. Usage: write_icephys.py OUT.nwb
"""
import sys
from datetime import datetime, timezone
import numpy as np
from pynwb import NWBFile, NWBHDF5IO
from pynwb.icephys import CurrentClampSeries, VoltageClampSeries, VoltageClampStimulusSeries

nwbfile = NWBFile(session_description="my first synthetic recording", identifier="icephys-uint64",
                  session_start_time=datetime(2017, 4, 3, 11, tzinfo=timezone.utc), experimenter="Dr. Bilbo Baggins",
                  lab="Bag End Laboratory", institution="University of Middle Earth at the Shire")
device = nwbfile.create_device(name="Heka ITC-1600")
electrode = nwbfile.create_icephys_electrode(name="elec0", description="a mock intracellular electrode", device=device)
stimulus = VoltageClampStimulusSeries(name="vcss", data=[1, 2, 3, 4, 5], starting_time=123.6, rate=10e3,
                                      electrode=electrode, gain=0.02, sweep_number=np.uint64(15))
response = VoltageClampSeries(name="vcs", data=[0.1, 0.2, 0.3, 0.4, 0.5], conversion=1e-12, resolution=np.nan,
                              starting_time=123.6, rate=20e3, electrode=electrode, gain=0.02, capacitance_slow=100e-12,
                              resistance_comp_correction=70.0, sweep_number=np.uint64(15))
big = CurrentClampSeries(name="ccs", data=np.arange(6, dtype=np.float32), starting_time=200.0, rate=10e3,
                         electrode=electrode, gain=0.02, sweep_number=np.uint64(2**40 + 3))
# Beyond int64 (and 2^53): exact only as a bigint.
huge = CurrentClampSeries(name="ccs_huge", data=np.arange(4, dtype=np.float32), starting_time=300.0, rate=10e3,
                          electrode=electrode, gain=0.02, sweep_number=np.uint64(2**63 + 5))
nwbfile.add_acquisition(big)
nwbfile.add_acquisition(huge)
rowindex = nwbfile.add_intracellular_recording(electrode=electrode, stimulus=stimulus, response=response, id=10)
nwbfile.add_icephys_simultaneous_recording(recordings=[rowindex], id=12)
nwbfile.add_icephys_sequential_recording(simultaneous_recordings=[0], stimulus_type="square", id=15)
nwbfile.add_icephys_repetition(sequential_recordings=[0], id=17)
nwbfile.add_icephys_experimental_condition(repetitions=[0], id=19)
with NWBHDF5IO(sys.argv[1], "w") as io:
    io.write(nwbfile)
