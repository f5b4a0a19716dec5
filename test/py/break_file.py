"""Copy an NWB file and break it in one way (the validation tests' broken variants), with h5py.
Usage: break_file.py SRC DST CASE. Cases name the rule they break; see CASES."""
import shutil, sys
import h5py
import numpy as np

src, dst, case = sys.argv[1:4]
shutil.copyfile(src, dst)
f = h5py.File(dst, "r+")
str_dtype = h5py.string_dtype()


def replace(path, data, **attrs_from):
    old = f[path]
    attrs = dict(old.attrs)
    del f[path]
    ds = f.create_dataset(path, data=data)
    for k, v in attrs.items():
        ds.attrs[k] = v


if case == "missing_dataset":          # ElectricalSeries without its required data
    del f["acquisition/ElectricalSeries/data"]
elif case == "missing_attribute":      # an Images group without its required description
    del f["acquisition/logo_images"].attrs["description"]
elif case == "wrong_shape":            # a GrayscaleImage of 3 axes (it has 2)
    replace("acquisition/logo_images/pynwb_Grayscale_logo", np.zeros((30, 28, 5), dtype="uint8"))
elif case == "wrong_dtype":            # starting_time as text (a float64 is asked)
    replace("acquisition/ImageSeries/starting_time", "zero")
elif case == "wrong_link_target":      # indexed_images pointing at an ImageSeries (an Images is asked)
    del f["stimulus/presentation/stimuli/indexed_images"]
    f["stimulus/presentation/stimuli/indexed_images"] = h5py.SoftLink("/acquisition/ImageSeries")
elif case == "missing_neurodata_type":  # a typed ElectrodeGroup that no longer says what it is
    del f["general/extracellular_ephys/shank0"].attrs["neurodata_type"]
elif case == "unknown_neurodata_type":
    f["acquisition/ImageSeries"].attrs["neurodata_type"] = "FancySeries"
elif case == "foreign_order_of_images":  # order_of_images pointing at an image of another Images
    refs = [f["acquisition/logo_images/pynwb_RGB_logo"].ref, f["stimulus/templates/raccoons/gs_face"].ref]
    replace("stimulus/templates/raccoons/order_of_images", np.array(refs, dtype=h5py.ref_dtype))
elif case == "index_past_data":        # spike_times_index ending past spike_times
    replace("units/spike_times_index", np.array([2, 5, 40], dtype="uint8"))
elif case == "region_out_of_range":    # an ElectricalSeries' electrodes region naming row 9 of a 5-row table
    replace("acquisition/ElectricalSeries/electrodes", np.array([0, 1, 2, 3, 9], dtype="int64"))
elif case == "column_length":          # a trials column one row short
    replace("intervals/trials/start_time", np.array([0.0, 1.0, 2.0, 3.0, 4.0]))
elif case == "table_without_id":       # the trials table without its row ids (damaged: not a table any more)
    del f["intervals/trials/id"]
else:
    raise SystemExit(f"unknown case {case}")
f.close()
