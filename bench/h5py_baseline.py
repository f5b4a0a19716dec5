"""The same workload as `npm run bench`, written and read with h5py (the library pynwb writes through), for a
side-by-side figure on one machine where pynwb itself cannot be installed (no PyPI here).

    /usr/bin/python3 bench/h5py_baseline.py --frames 1000 --height 512 --width 512 --mode raw|gzip|stream [--skip-read] --out FILE

Prints one JSON object with the same keys as tsnwb's benchmark; "impl" is "h5py". MB = 10^6 bytes.
"""
import argparse, json, os, resource, time
import h5py
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--frames", type=int, default=1000)
ap.add_argument("--height", type=int, default=512)
ap.add_argument("--width", type=int, default=512)
ap.add_argument("--mode", choices=["raw", "gzip", "stream"], default="raw")
ap.add_argument("--skip-read", action="store_true")
ap.add_argument("--shuffle", action="store_true", help="gzip with the byte shuffle before it (with --mode gzip)")
ap.add_argument("--out", default="bench-h5py.h5")
a = ap.parse_args()
n, h, w = a.frames, a.height, a.width
y, x = np.mgrid[0:h, 0:w]
gradient = ((x + y) * 255 // (h + w)).astype(np.uint8)
rng = np.random.default_rng(1)
patterns = [(gradient + rng.integers(0, 4, (h, w), dtype=np.uint8)) for _ in range(8)]


def frame(k):
    return patterns[k % 8] + np.uint8(k & 255)


MB = 1e6
total = n * h * w
if os.path.exists(a.out):
    os.remove(a.out)
movie = None if a.mode == "stream" else np.stack([frame(k) for k in range(n)])
# The stream's source, as tsnwb's benchmark: frames from a ring of 16 made beforehand (a camera's buffers).
ring = [frame(k) for k in range(min(16, n))] if a.mode == "stream" else []
t0 = time.perf_counter()
with h5py.File(a.out, "w") as f:
    g = f.create_group("acquisition/movie")
    if a.mode == "raw":
        g.create_dataset("data", data=movie)
    elif a.mode == "gzip":
        g.create_dataset("data", data=movie, chunks=(1, h, w), compression="gzip", compression_opts=4, shuffle=a.shuffle)
    else:
        d = g.create_dataset("data", shape=(0, h, w), maxshape=(None, h, w), chunks=(1, h, w), dtype=np.uint8)
        for k in range(n):
            d.resize(k + 1, axis=0)
            d[k] = ring[k % len(ring)]
write_s = time.perf_counter() - t0
movie = None
fd = os.open(a.out, os.O_RDONLY)
os.fsync(fd)  # as tsnwb's benchmark: dirty pages to disk before the read phase, outside any timing
os.close(fd)
r = {"impl": "h5py", "mode": "gzip+shuffle" if a.shuffle else a.mode, "frames": n, "height": h, "width": w, "MB": round(total / MB, 1), "write_MBps": round(total / MB / write_s, 1)}
if not a.skip_read:
    t1 = time.perf_counter()
    f = h5py.File(a.out, "r")
    d = f["acquisition/movie/data"]
    r["open_ms"] = round((time.perf_counter() - t1) * 1000, 3)
    lat = []
    for i in range(10):
        k = min(n - 1, n // 2 + i * 7)
        t2 = time.perf_counter()
        d[k]
        lat.append((time.perf_counter() - t2) * 1000)
    r["one_frame_ms"] = round(lat[0], 3)
    r["one_frame_median_ms"] = round(sorted(lat[1:])[4], 3)
    # The same frames read into one reused array (read_direct), as tsnwb's readInto.
    into = np.empty((1, h, w), dtype=np.uint8)
    lat = []
    for i in range(10):
        k = min(n - 1, n // 2 + i * 7)
        t2 = time.perf_counter()
        d.read_direct(into, np.s_[k:k + 1])
        lat.append((time.perf_counter() - t2) * 1000)
    r["one_frame_into_median_ms"] = round(sorted(lat[1:])[4], 3)
    t3 = time.perf_counter()
    d[()]
    r["read_all_MBps"] = round(total / MB / (time.perf_counter() - t3), 1)
    f.close()
r["peak_rss_MB"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
r["file_MB"] = round(os.path.getsize(a.out) / MB, 1)
os.remove(a.out)
print(json.dumps(r))
