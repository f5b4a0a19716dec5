/**
 * Groups' links and objects' attributes read from a file's bytes (src/io/hdf5/group-links.ts,
 * attribute-messages.ts, over the shared decoders of dense-storage.ts, link-message.ts, symbol-table.ts), against
 * h5py's listing and values: compact and dense storage (a fractal heap of direct blocks, of indirect blocks, a name
 * index B-tree of one level and of more, links deleted from it), groups and attributes in creation order (h5py's
 * track_order, which indexes it), soft and external links, non-ASCII names, old-style groups; files written by h5py
 * (libver "latest" and default) and by tsnwb. Every group and object of each file is compared, nothing is sampled.
 */
import { execFileSync } from "node:child_process";
import { closeSync, openSync, readSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NWBFile, NWBHDF5IO, TimeSeries } from "../src/index.js";
import { attributesFromHeader } from "../src/io/hdf5/attribute-messages.js";
import { BTREE2_HEADER_BYTES, FRACTAL_HEAP_HEADER_BYTES, compareNames, decodeBTree2, decodeDenseInfo, decodeFractalHeap } from "../src/io/hdf5/dense-storage.js";
import { groupLinks } from "../src/io/hdf5/group-links.js";
import { messageBody, readObjectHeader, readUint } from "../src/io/hdf5/object-header.js";
import { h5wasm } from "../src/io/hdf5/h5-node.js";
import { tempFolder } from "./helpers.js";

const tmp = tempFolder();
const PYTHON = "/usr/bin/python3";

/** What h5py sees: each group's links in its listing order, each object's attributes (as JSON-able values). */
interface Listing {
  groups: Record<string, { name: string; kind: string; target?: string; file?: string }[]>;
  attributes: Record<string, [string, unknown][]>;
}

const LIST = `
import h5py, numpy as np, json, sys
def plain(v):
    if isinstance(v, h5py.Reference): return "ref"
    if isinstance(v, bytes): return v.decode()
    if isinstance(v, np.ndarray):
        if v.dtype == object: return [plain(x) for x in v.ravel().tolist()]
        if v.dtype.kind == "S": return [x.decode() for x in v.ravel().tolist()]
        return [float(x) for x in v.ravel().tolist()]
    if isinstance(v, (np.integer, np.floating, int, float)): return float(v)
    return v if isinstance(v, str) else str(v)
out = {"groups": {}, "attributes": {}}
f = h5py.File(sys.argv[1], "r")
def visit(p, obj):
    out["attributes"][p] = [[k, plain(obj.attrs[k])] for k in obj.attrs.keys()]
    if not isinstance(obj, h5py.Group): return
    links = []
    for name in obj.keys():
        l = obj.get(name, getlink=True)
        if isinstance(l, h5py.SoftLink): links.append({"name": name, "kind": "soft", "target": l.path})
        elif isinstance(l, h5py.ExternalLink): links.append({"name": name, "kind": "external", "target": l.path, "file": l.filename})
        else:
            links.append({"name": name, "kind": "hard"})
            visit(p.rstrip("/") + "/" + name, obj[name])
    out["groups"][p] = links
visit("/", f)
print(json.dumps(out))
`;

function h5pyListing(file: string): Listing {
  return JSON.parse(execFileSync(PYTHON, ["-c", LIST, file], { encoding: "utf8", maxBuffer: 256 << 20 })) as Listing;
}

/** The same, read from the file's bytes by tsnwb's decoders (undefined where they leave a group to HDF5). */
function bytesListing(file: string): Listing {
  const fd = openSync(file, "r");
  try {
    const bytes = { read: (p: number, n: number) => {
      const b = new Uint8Array(n);
      readSync(fd, b, 0, n, p);
      return b;
    } };
    const superblock = bytes.read(0, 128);
    const root = superblock[8]! >= 2 ? readUint(superblock, 36, 8) : readUint(superblock, 64, 8);
    const out: Listing = { groups: {}, attributes: {} };
    const heaps = new Map<number, Uint8Array>();
    const plain = (v: NonNullable<ReturnType<typeof attributesFromHeader>>[number]["value"]): unknown => {
      if (v.kind === "references") return v.shape.length === 0 ? "ref" : v.refs.map(() => "ref");
      const values = v.kind === "text" ? v.values : Array.from(v.values as ArrayLike<number | bigint>, Number);
      return v.shape.length === 0 ? values[0] : values;
    };
    const visit = (p: string, address: number, isGroup: boolean) => {
      const attributes = attributesFromHeader(bytes, address, heaps);
      if (attributes === undefined) throw new Error(`attributes of ${p} not decoded`);
      out.attributes[p] = attributes.map(({ name, value }) => [name, plain(value)]);
      if (!isGroup) return;
      const links = groupLinks(bytes, address);
      if (links === undefined) throw new Error(`links of ${p} not decoded`);
      out.groups[p] = links.map((l) => (l.kind === "soft" ? { name: l.name, kind: "soft", target: l.target }
        : l.kind === "external" ? { name: l.name, kind: "external", target: l.path, file: l.file } : { name: l.name, kind: "hard" }));
      for (const l of links) if (l.kind === "hard") visit(`${p.replace(/\/$/, "")}/${l.name}`, l.address, l.type === "group");
    };
    visit("/", root, true);
    return out;
  } finally {
    closeSync(fd);
  }
}

/** A file's bytes, read as the decoders read them. */
function fileBytes(file: string): { read(p: number, n: number): Uint8Array; close(): void } {
  const fd = openSync(file, "r");
  return {
    read: (p, n) => {
      const b = new Uint8Array(n);
      readSync(fd, b, 0, n, p);
      return b;
    },
    close: () => closeSync(fd),
  };
}

/** How the object at `path` (by hard links from the root) stores its links (0x0002) or attributes (0x0015). */
function storageOf(file: string, path: string, message: 0x0002 | 0x0015): { heapRows: number; treeDepth: number } | "compact" {
  const bytes = fileBytes(file);
  try {
    const superblock = bytes.read(0, 128);
    let address = superblock[8]! >= 2 ? readUint(superblock, 36, 8) : readUint(superblock, 64, 8);
    for (const name of path.split("/").filter(Boolean)) address = (groupLinks(bytes, address)!.find((l) => l.name === name) as { address: number }).address;
    const info = decodeDenseInfo(messageBody(readObjectHeader(bytes, address).messages.find((m) => m.type === message)!), message === 0x0002);
    if (info.heap === undefined) return "compact";
    const heap = decodeFractalHeap(info.heap, bytes.read(info.heap, FRACTAL_HEAP_HEADER_BYTES));
    const tree = decodeBTree2(info.nameIndex!, bytes.read(info.nameIndex!, BTREE2_HEADER_BYTES));
    return { heapRows: heap.rootRows, treeDepth: tree.depth };
  } finally {
    bytes.close();
  }
}

/** h5py gives a scalar attribute as a scalar, an array as a list, as the decoders' listing does. */
function expectSame(file: string): Listing {
  const want = h5pyListing(file);
  const got = bytesListing(file);
  expect(Object.keys(got.groups).sort()).toEqual(Object.keys(want.groups).sort());
  for (const [p, links] of Object.entries(want.groups)) expect(got.groups[p], p).toEqual(links);
  for (const [p, attributes] of Object.entries(want.attributes)) expect(got.attributes[p], p).toEqual(attributes);
  return want;
}

const H5PY_FILES = `
import h5py, numpy as np, sys
folder = sys.argv[1]
def fill(f):
    c = f.create_group("compact")
    for name in ["b", "a", "c"]: c.create_group(name)
    c["soft"] = h5py.SoftLink("/compact/a")
    # Dense, in one direct block of the heap; links of every kind, names sorting differently as bytes and as text.
    d = f.create_group("dense")
    for i in range(20): d.create_dataset("x%02d" % (19 - i), data=np.arange(3))
    d["soft"] = h5py.SoftLink("/compact/b")
    d["external"] = h5py.ExternalLink("other.h5", "/somewhere")
    for name in ["\\u00e9t\\u00e9", "Zeta", "_under", "\\U0001F600", "\\uFF21"]: d.create_group(name)
    # Dense, in many blocks (an indirect root block), a B-tree of more than one level, some links deleted.
    big = f.create_group("big")
    for i in range(2500): big.create_group("member_%04d_with_a_longer_name" % i)
    for i in range(0, 2500, 7): del big["member_%04d_with_a_longer_name" % i]
    # Creation order indexed (h5py's track_order): listed in creation order, compact and dense.
    for name, count in [("ordered_compact", 5), ("ordered_dense", 300)]:
        g = f.create_group(name, track_order=True)
        for i in range(count): g.create_group("k%03d" % ((i * 37) % count))
    # Attributes: compact, dense (many, of every type NWB uses), in creation order.
    a = f.create_group("many_attributes")
    ref = f["compact/a"].ref
    for i in range(40):
        a.attrs["n%02d" % (39 - i)] = np.float64(i) / 3
        a.attrs["i%02d" % i] = np.arange(i % 5 + 1, dtype=np.int32)
    a.attrs["text"] = "a string"
    a.attrs["texts"] = np.array(["x", "yy", "zzz"], dtype=h5py.string_dtype())
    a.attrs["fixed"] = np.bytes_("fixed width")
    a.attrs["reference"] = ref
    a.attrs["references"] = np.array([ref, ref], dtype=h5py.ref_dtype)
    for name, count in [("ordered_attributes_compact", 4), ("ordered_attributes_dense", 30)]:
        g = f.create_group(name, track_order=True)
        for i in range(count): g.attrs["q%02d" % ((i * 7) % count)] = i
    ds = f.create_dataset("dataset_with_attributes", data=np.arange(10))
    for i in range(25): ds.attrs["attribute_%02d" % (24 - i)] = "value %d" % i
    for i in range(0, 25, 4): del ds.attrs["attribute_%02d" % i]
with h5py.File(folder + "/latest.h5", "w", libver="latest") as f: fill(f)
with h5py.File(folder + "/default.h5", "w") as f: fill(f)
`;

beforeAll(() => {
  execFileSync(PYTHON, ["-c", H5PY_FILES, tmp.dir]);
}, 120_000);

afterAll(() => tmp.cleanup());

describe("links and attributes read from a file's bytes are h5py's", () => {
  it("in an h5py file of the newer format (libver latest): compact and dense groups and attributes, creation order, deletions", () => {
    const want = expectSame(path.join(tmp.dir, "latest.h5"));
    // What the file holds is what was meant: dense storage, more than one heap block, creation order.
    expect(want.groups["/big"]).toHaveLength(2500 - 358);
    expect(want.groups["/ordered_dense"]!.slice(0, 3).map((l) => l.name)).toEqual(["k000", "k037", "k074"]);
    expect(want.attributes["/ordered_attributes_dense"]!.slice(0, 3).map(([n]) => n)).toEqual(["q00", "q07", "q14"]);
    expect(want.attributes["/many_attributes"]).toHaveLength(85);
    const file = path.join(tmp.dir, "latest.h5");
    expect(storageOf(file, "/compact", 0x0002)).toBe("compact");
    expect(storageOf(file, "/dense", 0x0002)).toEqual({ heapRows: 0, treeDepth: 0 });
    const big = storageOf(file, "/big", 0x0002) as { heapRows: number; treeDepth: number };
    expect(big.heapRows).toBeGreaterThan(0);
    expect(big.treeDepth).toBeGreaterThan(0);
    expect(storageOf(file, "/many_attributes", 0x0015)).not.toBe("compact");
    expect(storageOf(file, "/ordered_attributes_dense", 0x0015)).not.toBe("compact");
  });

  it("leave a damaged dense group to HDF5 (undefined), never give other names", () => {
    const file = path.join(tmp.dir, "latest.h5");
    const bytes = fileBytes(file);
    try {
      const superblock = bytes.read(0, 128);
      const root = readUint(superblock, 36, 8);
      const dense = (groupLinks(bytes, root)!.find((l) => l.name === "dense") as { address: number }).address;
      const info = decodeDenseInfo(messageBody(readObjectHeader(bytes, dense).messages.find((m) => m.type === 0x0002)!), true);
      const heap = decodeFractalHeap(info.heap!, bytes.read(info.heap!, FRACTAL_HEAP_HEADER_BYTES));
      expect(groupLinks(bytes, dense)).toHaveLength(27);
      // The heap's direct block, the B-tree's header and its root, each damaged in turn.
      for (const [at, what] of [[heap.root, "FHDB"], [info.nameIndex!, "BTHD"], [decodeBTree2(info.nameIndex!, bytes.read(info.nameIndex!, 38)).root, "BTLF"]] as const) {
        const damaged = { read: (p: number, n: number) => {
          const b = bytes.read(p, n);
          if (p <= at && at < p + n) b[at - p] = 0x58;
          return b;
        } };
        expect(groupLinks(damaged, dense), what).toBeUndefined();
      }
    } finally {
      bytes.close();
    }
  });

  it("in an h5py file of the default format (old-style groups; new-style where creation order is tracked)", () => {
    expectSame(path.join(tmp.dir, "default.h5"));
  });

  it("in a file written by tsnwb: dense groups (more than 8 links), and many attributes added by tsnwb's HDF5", async () => {
    const file = path.join(tmp.dir, "tsnwb.nwb");
    const nwbfile = new NWBFile({ session_description: "dense", identifier: "dense-1", session_start_time: "2024-01-01T00:00:00+00:00" });
    for (let k = 0; k < 40; k++) nwbfile.addAcquisition(new TimeSeries({ name: `series${39 - k}`, data: Float64Array.from([k, k + 1]), unit: "m", rate: 10 }));
    const module = nwbfile.createProcessingModule({ name: "behavior", description: "many" });
    for (let k = 0; k < 12; k++) module.add(new TimeSeries({ name: `s${k}`, data: Float32Array.from([k]), unit: "V", rate: 1 }));
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();
    const lib = h5wasm();
    const h5 = new lib.File(file, "a");
    const g = h5.get("acquisition/series3") as unknown as { create_attribute(name: string, value: unknown): void };
    for (let i = 0; i < 20; i++) g.create_attribute(`extra_${19 - i}`, i % 2 ? `text ${i}` : i * 1.5);
    h5.close();
    const want = expectSame(file);
    expect(want.groups["/acquisition"]).toHaveLength(40);
    expect(want.attributes["/acquisition/series3"]!.length).toBeGreaterThan(20);
  });

  it("names sort as HDF5 sorts them: by their UTF-8 bytes", () => {
    const names = ["b", "\u00e9", "\uFF21", "\u{1F600}", "A", "a", "_"];
    const byBytes = [...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...names].sort(compareNames)).toEqual(byBytes);
  });
});
