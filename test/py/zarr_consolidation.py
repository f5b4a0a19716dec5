"""zarr-python and hdmf-zarr for test/zarr-stores.test.ts.
  export SRC.nwb OUT.nwb.zarr      hdmf-zarr's NWBZarrIO exports an HDF5 NWB file (pynwb's NWBHDF5IO) to a Zarr store,
                                   its extensions' specification cached
  consolidate STORE                zarr-python's consolidate_metadata on STORE, in place
  open_consolidated STORE          zarr.open_consolidated opens STORE; prints the metadata keys it holds, as JSON
  dumps                            reads JSON on stdin (json.loads) and writes it as zarr-python does (json_dumps)
"""
import json
import sys

command = sys.argv[1]
if command == "export":
    from hdmf_zarr.nwb import NWBZarrIO
    from pynwb import NWBHDF5IO
    with NWBHDF5IO(sys.argv[2], "r", load_namespaces=True) as io:
        nwbfile = io.read()
        # link_data=False: data is copied into the store (hdmf-zarr cannot link into an HDF5 file). The reading
        # handle's manager knows the file's extensions, so hdmf-zarr caches their specification too.
        with NWBZarrIO(sys.argv[3], "w", manager=io.manager) as out:
            out.export(src_io=io, nwbfile=nwbfile, write_args={"link_data": False})
elif command == "consolidate":
    import zarr
    zarr.consolidate_metadata(sys.argv[2])
elif command == "open_consolidated":
    import zarr
    group = zarr.open_consolidated(sys.argv[2], mode="r")
    keys = sorted(k for k in group.store.meta_store.keys())
    objects = []
    group.visit(objects.append)
    print(json.dumps({"keys": keys, "objects": len(objects)}))
elif command == "dumps":
    from zarr.util import json_dumps
    sys.stdout.buffer.write(json_dumps(json.loads(sys.stdin.read())))
else:
    raise SystemExit(f"unknown command {command}")
