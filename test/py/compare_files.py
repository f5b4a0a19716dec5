"""Compare two NWB files as h5py sees them, outside /specifications: links (targets), datasets (dtype, shape,
sha256 of the bytes, or values for text, references and compound rows), and attribute values (object_id aside; an
attribute's width is not compared here: test/py/numeric_facts.py compares the widths of every number).
External links are compared by the file they name (resolved from the linking file's folder) and path; with
--follow-external, as what they lead to (a file whose linked data was copied equals its source then).
Prints a JSON list of differences (empty when the files hold the same things).

With --strict (an export against its source): the root's attributes too, every object_id as it is, text datasets'
shapes (a scalar is not a one-element array), and /file_create_date; /specifications and .specloc still aside."""
import hashlib, json, os, sys
import h5py
import numpy as np


strict = "--strict" in sys.argv
follow = "--follow-external" in sys.argv
paths = [a for a in sys.argv[1:] if not a.startswith("--")]


def describe(f, follow_external=False):
    out = {}
    folder = os.path.dirname(os.path.abspath(f.filename))

    def value(v):
        if isinstance(v, h5py.Reference):
            return f[v].name
        if isinstance(v, bytes):
            return v.decode()
        if isinstance(v, (np.ndarray, np.generic)):
            return [value(x) for x in v.tolist()] if isinstance(v, np.ndarray) and v.dtype == object else v.tolist()
        return v

    def attrs(obj):
        skipped = (".specloc",) if strict else ("object_id", ".specloc")
        return {k: value(v) for k, v in obj.attrs.items() if k not in skipped}

    def visit(g, prefix):
        for k in g:
            p = prefix + "/" + k
            if p.startswith("/specifications"):
                continue
            link = g.get(k, getlink=True)
            if isinstance(link, h5py.SoftLink):
                out[p] = ["link", link.path]
                continue
            if isinstance(link, h5py.ExternalLink) and not follow_external:
                out[p] = ["external", os.path.normpath(os.path.join(folder, link.filename)), link.path]
                continue
            o = g[k]
            if isinstance(o, h5py.Group):
                out[p] = ["group", attrs(o)]
                visit(o, p)
            elif o.dtype.names is not None:
                # Compound rows member by member (references by target: their bytes are addresses).
                rows = [[value(x) if not isinstance(x, h5py.Reference) else f[x].name for x in row] for row in o[()].tolist()]
                out[p] = ["rows", list(o.dtype.names), [[x.decode() if isinstance(x, bytes) else x for x in r] for r in rows], attrs(o)]
            elif h5py.check_ref_dtype(o.dtype) is not None:
                out[p] = ["refs", [f[r].name for r in o[()]], attrs(o)]
            elif o.dtype.kind in "OSU":
                v = o[()]
                out[p] = ["text", [x.decode() if isinstance(x, bytes) else x for x in np.atleast_1d(v).tolist()], attrs(o)]
                if strict:
                    out[p].append(list(o.shape))
            else:
                out[p] = ["data", o.dtype.str, list(o.shape), hashlib.sha256(np.ascontiguousarray(o[()]).tobytes()).hexdigest(), attrs(o)]

    if strict:
        out["/"] = ["group", attrs(f)]
    visit(f, "")
    return out


a, b = (describe(h5py.File(p, "r"), follow) for p in paths[0:2])
skip = set() if strict else {"/file_create_date"}
diff = [[k, a.get(k), b.get(k)] for k in sorted(set(a) | set(b)) if k not in skip and a.get(k) != b.get(k)]
print(json.dumps(diff))
