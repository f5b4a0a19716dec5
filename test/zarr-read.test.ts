/**
 * tsnwb reads Zarr stores hdmf-zarr wrote, value for value. The stores are made here by hdmf-zarr itself
 * (test/py/zarr_stores.py): every fixture of ../shared/fixtures/pynwb and ../shared/fixtures/domains exported to
 * Zarr, and one file written directly by hdmf-zarr (a chunked gzip movie, zstd chunks that do not divide their
 * array, links, references, compound rows, ragged columns) beside the same file written by pynwb in HDF5. Each store
 * is compared with tsnwb's own read of its HDF5 original: the builder trees (groups, datasets, links, attributes,
 * every dataset's values) and the objects, field by field; the fixtures' manifests are spot-checked too. Reads are
 * lazy: opening fetches no chunk, a movie's frame fetches its own chunk only.
 */
import { execFileSync } from "node:child_process";
import { cpSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AbstractContainer, type LazyArray, NWBHDF5IO, type NWBFile } from "../src/index.js";
import { isLazyArray } from "../src/data/lazy.js";
import { DatasetBuilder, GroupBuilder } from "../src/mapping/builders.js";
import { attributeValue } from "../src/mapping/mapper.js";
import { FolderStore } from "../src/io/zarr/folder-store.js";
import type { ReadableStore, StoreKey } from "../src/io/zarr/store.js";
import { readZarrFile, readZarrTree } from "../src/io/zarr/zarr-read.js";
import { ZarrLazyArray } from "../src/io/zarr/lazy-zarr-array.js";
import { JsonFloat, parseConsolidatedJson, parseTaggedJson, untagged } from "../src/io/zarr/zarr-json.js";
import { FormatError } from "../src/errors.js";
import { ORACLE, ROOT, SHARED, byPath, sha256, tempFolder } from "./helpers.js";
import { comparable, plain } from "./comparable.js";

const tmp = tempFolder("tsnwb-zarr-read-");
afterAll(() => tmp.cleanup());

const FIXTURE_DIRS = [path.join(SHARED, "fixtures", "pynwb"), path.join(SHARED, "fixtures", "domains")];
const manifests = new Map<string, Record<string, Record<string, unknown>>>();
const originals = new Map<string, string>();
for (const dir of FIXTURE_DIRS) {
  const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")) as Record<string, Record<string, Record<string, unknown>>>;
  for (const [name, objects] of Object.entries(manifest)) {
    manifests.set(name, objects);
    originals.set(name, path.join(dir, name));
  }
}

let facts: { movie_frame7_sum: number; movie_shape: number[]; matrix_row_201: number[] };
const storeOf = (name: string) => path.join(tmp.dir, `${name}.zarr`);

beforeAll(() => {
  const script = path.join(ROOT, "test", "py", "zarr_stores.py");
  const out = execFileSync(ORACLE, ["python", script, tmp.dir, ...originals.values()], { encoding: "utf8", maxBuffer: 64 << 20 });
  facts = JSON.parse(out.trim().split("\n").pop()!);
  originals.set("made.nwb", path.join(tmp.dir, "made.nwb"));
}, 300_000);

/** A store that counts the keys asked of it (chunks apart from metadata), and can hide its listing. */
class CountingStore implements ReadableStore {
  readonly gets: string[] = [];
  constructor(private readonly inner: FolderStore) {}
  async get(key: StoreKey): Promise<Uint8Array | undefined> {
    this.gets.push(key);
    return this.inner.get(key);
  }
  /** The chunk keys asked (not .zgroup/.zarray/.zattrs/.zmetadata). */
  chunkGets(): string[] {
    return this.gets.filter((k) => !/\/\.z(group|array|attrs|metadata)$/.test(k));
  }
}

class ListingCountingStore extends CountingStore {
  constructor(private readonly folder: FolderStore) {
    super(folder);
  }
  list(prefix: StoreKey): AsyncIterable<StoreKey> {
    return this.folder.list(prefix);
  }
}

/** Values as plain JSON-able values: typed arrays as lists, bigints as numbers. */
/** Every difference between two builder trees: names of children, link targets, attributes, dataset values. */
async function treeDifferences(h5: GroupBuilder, zarr: GroupBuilder): Promise<string[]> {
  const out: string[] = [];
  const names = (m: Map<string, unknown>) => [...m.keys()].sort();
  const attrs = (b: GroupBuilder | DatasetBuilder) =>
    Object.fromEntries([...b.attributes].sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, a]) => [k, plain(attributeValue(a, true) as unknown[])]));
  const visit = async (a: GroupBuilder, b: GroupBuilder): Promise<void> => {
    for (const kind of ["groups", "datasets", "links"] as const) {
      if (JSON.stringify(names(a[kind])) !== JSON.stringify(names(b[kind]))) out.push(`${a.path} ${kind}: ${JSON.stringify(names(a[kind]))} vs ${JSON.stringify(names(b[kind]))}`);
    }
    if (JSON.stringify(attrs(a)) !== JSON.stringify(attrs(b))) out.push(`${a.path} attributes: ${JSON.stringify(attrs(a))} vs ${JSON.stringify(attrs(b))}`);
    for (const [name, link] of a.links) {
      const other = b.links.get(name);
      if (other && other.target !== link.target) out.push(`${link.path} target: ${String(link.target)} vs ${String(other.target)}`);
    }
    for (const [name, ds] of a.datasets) {
      const other = b.datasets.get(name);
      if (!other) continue;
      if (JSON.stringify(attrs(ds)) !== JSON.stringify(attrs(other))) out.push(`${ds.path} attributes: ${JSON.stringify(attrs(ds))} vs ${JSON.stringify(attrs(other))}`);
      const x = ds.value as LazyArray;
      const y = other.value as LazyArray;
      if (ds.scalar !== other.scalar) out.push(`${ds.path} scalar: ${ds.scalar} vs ${other.scalar}`);
      if (JSON.stringify(x.shape) !== JSON.stringify(y.shape)) out.push(`${ds.path} shape: ${JSON.stringify(x.shape)} vs ${JSON.stringify(y.shape)}`);
      // hdmf-zarr keeps numbers' dtypes; text, references, booleans and compound rows are read as HDF5's are.
      if (x.dtype !== y.dtype) out.push(`${ds.path} dtype: ${x.dtype} vs ${y.dtype}`);
      const xv = JSON.stringify(plain((await x.read()) as ArrayLike<unknown>));
      const yv = JSON.stringify(plain((await y.read()) as ArrayLike<unknown>));
      if (xv !== yv) out.push(`${ds.path} values: ${xv.slice(0, 300)} vs ${yv.slice(0, 300)}`);
    }
    for (const [name, g] of a.groups) {
      const other = b.groups.get(name);
      // The cached specification: the same namespaces and versions (checked above); hdmf-zarr names a schema file
      // without its extension's dots ("ndx-test-camera" for h5py's "ndx-test-camera.extensions"), so its documents
      // are compared as the objects the file's read makes of them (the extension's classes), not by name.
      if (other && !(g.path.startsWith("/specifications/") && g.path.split("/").length >= 3)) await visit(g, other);
    }
  };
  await visit(h5, zarr);
  return out;
}

/** Differences between two files' objects, object by object (by path), field by field. */
async function objectDifferences(h5: NWBFile, zarr: NWBFile): Promise<string[]> {
  const a = byPath(h5);
  const b = byPath(zarr);
  const out: string[] = [];
  if (JSON.stringify([...a.keys()].sort()) !== JSON.stringify([...b.keys()].sort())) out.push(`objects: ${JSON.stringify([...a.keys()].sort())} vs ${JSON.stringify([...b.keys()].sort())}`);
  for (const [p, obj] of a) {
    const other = b.get(p);
    if (!other) continue;
    if (other.constructor !== obj.constructor) out.push(`${p}: ${obj.constructor.name} vs ${other.constructor.name}`);
    const x = (await comparable(obj)) as Record<string, unknown>;
    const y = (await comparable(other)) as Record<string, unknown>;
    for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
      const xs = JSON.stringify(x[k]);
      const ys = JSON.stringify(y[k]);
      if (xs !== ys) out.push(`${p}.${k}: ${xs?.slice(0, 300)} vs ${ys?.slice(0, 300)}`);
    }
  }
  return out;
}

const NAMES = [...originals.keys(), "made.nwb"];

describe.each(NAMES)("hdmf-zarr's store of %s", (name) => {
  let h5io: NWBHDF5IO;
  beforeAll(async () => {
    h5io = await NWBHDF5IO.open(originals.get(name)!, "r");
  });
  afterAll(async () => h5io?.close());

  it("reads as the same tree as its HDF5 original: groups, datasets, links, attributes, values", async () => {
    const zarr = await readZarrTree(new FolderStore(storeOf(name)), { name });
    expect(await treeDifferences(h5io._readTree(), zarr)).toEqual([]);
  });

  it("reads as the same objects as its HDF5 original, field by field", async () => {
    const zarr = await readZarrFile(new FolderStore(storeOf(name)), { name });
    expect(await objectDifferences(await h5io.read(), zarr)).toEqual([]);
  });

  it("written to HDF5 as read (Zarr to HDF5), gives the same objects as the original (pynwb judges the file)", async () => {
    const out = path.join(tmp.dir, `from-zarr-${name}`);
    const io = await NWBHDF5IO.open(out, "w");
    await io.write(await readZarrFile(new FolderStore(storeOf(name)), { name }));
    await io.close();
    const back = await NWBHDF5IO.open(out, "r");
    try {
      expect(await objectDifferences(await h5io.read(), await back.read())).toEqual([]);
    } finally {
      await back.close();
    }
  });

  if (manifests.has(name)) it("has the values of its manifest", async () => {
    const zarr = byPath(await readZarrFile(new FolderStore(storeOf(name)), { name }));
    let checked = 0;
    for (const [objPath, expected] of Object.entries(manifests.get(name)!)) {
      if (!objPath.startsWith("/") || typeof expected !== "object" || expected === null) continue;
      const obj = zarr.get(objPath) as unknown as Record<string, unknown> | undefined;
      expect(obj, objPath).toBeDefined();
      for (const [key, value] of Object.entries(expected)) {
        const field: unknown = obj![key];
        if (key === "neurodata_type") expect((obj as unknown as AbstractContainer).neurodata_type, objPath).toBe(value);
        else if (value !== null && typeof value === "object" && !Array.isArray(value) && "sha256" in value && isLazyArray(field)) {
          const e = value as { shape: number[]; sha256: string };
          expect(field.shape, `${objPath}.${key}`).toEqual(e.shape);
          expect(sha256((await field.read()) as never), `${objPath}.${key}`).toBe(e.sha256);
        } else if (isLazyArray(field) && Array.isArray(value)) {
          expect(plain((await field.read()) as ArrayLike<unknown>), `${objPath}.${key}`).toEqual(value);
        } else if (typeof value === "string" || typeof value === "number") {
          if (typeof field === "string" || typeof field === "number") expect(field, `${objPath}.${key}`).toBe(value);
          else continue;
        } else continue;
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe("lazy reads of a store hdmf-zarr wrote", () => {
  it("opening fetches no chunk; a movie's frame fetches its one chunk; a row of a tiled matrix its two", async () => {
    const store = new CountingStore(new FolderStore(storeOf("made.nwb")));
    const nwbfile = await readZarrFile(store, { name: "made" });
    // The file's small values are read as HDF5's are (text, scalars, references), no array data.
    const opened = store.chunkGets().filter((k) => k.startsWith("/acquisition/movie/data/") || k.startsWith("/acquisition/matrix/data/"));
    expect(opened).toEqual([]);
    const movie = (nwbfile.acquisition.get("movie") as unknown as { data: LazyArray }).data;
    expect(movie).toBeInstanceOf(ZarrLazyArray);
    expect(movie.shape).toEqual(facts.movie_shape);
    expect(movie.chunks).toEqual([1, 64, 48]);
    expect(movie.compression).toBe("gzip");
    expect(movie.storage).toEqual({ chunks: [1, 64, 48], compression: "gzip", compression_opts: 4 });
    const before = store.gets.length;
    const frame = (await movie.read([[7, 8]])) as Uint16Array;
    expect(store.gets.slice(before)).toEqual(["/acquisition/movie/data/7.0.0"]);
    expect(frame).toBeInstanceOf(Uint16Array);
    expect(frame.reduce((a, b) => a + b, 0)).toBe(facts.movie_frame7_sum);
    const into = new Uint16Array(64 * 48);
    await movie.readInto!([[7, 8]], into);
    expect(into).toEqual(frame);

    const matrix = (nwbfile.acquisition.get("matrix") as unknown as { data: LazyArray }).data;
    expect(matrix.compression).toBe("zstd");
    const mark = store.gets.length;
    const row = (await matrix.read([[201, 202]])) as Float32Array;
    expect(store.gets.slice(mark).sort()).toEqual(["/acquisition/matrix/data/3.0", "/acquisition/matrix/data/3.1"]);
    expect(Array.from(row)).toEqual(facts.matrix_row_201.map(Math.fround));
    // A block across chunk edges equals the whole array cut.
    const whole = (await matrix.read()) as Float32Array;
    const block = (await matrix.read([[60, 130], [3, 6]])) as Float32Array;
    const cut = [];
    for (let r = 60; r < 130; r++) for (let c = 3; c < 6; c++) cut.push(whole[r * 7 + c]);
    expect(Array.from(block)).toEqual(cut);
  });

  it("opens in two rounds of requests (as over HTTP): the metadata, then the small arrays the objects read, together", async () => {
    const inner = new FolderStore(storeOf("made.nwb"));
    let rounds = 0;
    let waiting: (() => void)[] = [];
    // Every request asked before the store answers is one round (one round trip over HTTP, however many requests).
    const store: ReadableStore = {
      get: (key) =>
        new Promise((resolve) => {
          if (waiting.length === 0) {
            setTimeout(() => {
              rounds++;
              const now = waiting;
              waiting = [];
              for (const answer of now) answer();
            }, 5);
          }
          waiting.push(() => resolve(inner.get(key)));
        }),
    };
    const nwbfile = await readZarrFile(store, { name: "made" });
    expect(rounds).toBe(2);
    expect(nwbfile.identifier).toBe("zarr-made-1");
    rounds = 0;
    await readZarrFile(store, { name: "made", prefetchSmall: false });
    expect(rounds).toBeGreaterThan(6);
  });

  it("lists the chunks written when the store can list", async () => {
    const listing = new ListingCountingStore(new FolderStore(storeOf("made.nwb")));
    const tree = await readZarrTree(listing, { name: "made" });
    const movie = tree.groups.get("acquisition")!.groups.get("movie")!.datasets.get("data")!.value as LazyArray;
    const written = movie.writtenChunks!()!;
    expect(written.chunk).toEqual([1, 64, 48]);
    expect(written.origins).toEqual(Array.from({ length: 40 }, (_, i) => [i, 0, 0]));
    expect(listing.chunkGets().filter((k) => /^\/acquisition\/(movie|matrix|plain)\/data\//.test(k))).toEqual([]);
  });
});

describe("arrays in the other forms zarr-python writes", () => {
  let expected: Record<string, { shape: number[]; values: unknown[] }>;
  let tree: GroupBuilder;
  const array = (name: string) => tree.datasets.get(name)!.value as ZarrLazyArray;
  beforeAll(async () => {
    const out = execFileSync(ORACLE, ["python", path.join(ROOT, "test", "py", "zarr_arrays.py"), tmp.dir], { encoding: "utf8" });
    expected = JSON.parse(out.trim().split("\n").pop()!);
    tree = await readZarrTree(new FolderStore(path.join(tmp.dir, "arrays.zarr")), { name: "arrays" });
  }, 120_000);

  it("read whole as zarr-python wrote them: nested chunk keys, big-endian, zlib, LZ4, none, booleans, fixed and vlen text, JSON, structured, fill values", async () => {
    for (const [name, e] of Object.entries(expected)) {
      const a = array(name);
      expect(a.shape, name).toEqual(e.shape);
      const values = plain((await a.read()) as ArrayLike<unknown>).map((v) => (typeof v === "number" && Number.isNaN(v) ? null : v));
      const want = name === "struct" ? (e.values as [number, number][]).map(([n, x]) => ({ n, x })) : e.values;
      expect(values, name).toEqual(want);
    }
    expect(array("bools").dtype).toBe("bool");
    expect(array("fixed_text").dtype).toBe("text");
    expect(array("bigendian").dtype).toBe("int32");
    expect(array("raw").dtype).toBe("int64");
    expect(array("struct").members).toEqual([{ name: "n", dtype: "int16" }, { name: "x", dtype: "float64" }]);
    expect(array("sparse").storage.fillvalue).toBeNaN();
    // A filter tsnwb does not read is named when the data is read.
    await expect(array("delta").read()).rejects.toThrow(/arrays: \/delta\/0: filter 'delta' is not one tsnwb reads/);
  });

  it("read any selection as the whole array cut", async () => {
    const a = array("nested");
    const whole = (await a.read()) as Int32Array;
    const [n0, n1, n2] = a.shape as [number, number, number];
    const selections: [number, number][][] = [[[1, 6], [0, 5], [1, 3]], [[6, 7]], [[0, 7], [4, 5]], [[3, 3]], [[2, 5], [1, 4], [0, 1]]];
    for (const sel of selections) {
      const r = sel.map((x, i) => x ?? [0, [n0, n1, n2][i]!]);
      while (r.length < 3) r.push([0, [n0, n1, n2][r.length]!]);
      const cut: number[] = [];
      for (let i = r[0]![0]; i < r[0]![1]; i++) for (let j = r[1]![0]; j < r[1]![1]; j++) for (let k = r[2]![0]; k < r[2]![1]; k++) cut.push(whole[(i * n1 + j) * n2 + k]!);
      expect(Array.from((await a.read(sel)) as Int32Array), JSON.stringify(sel)).toEqual(cut);
    }
    const sparse = array("sparse");
    expect(sparse.writtenChunks!()).toEqual({ chunk: [3, 3], origins: [[0, 3]] });
    await expect(a.read([[0, 8]])).rejects.toThrow(/selection/);
    const into = new Int32Array(5);
    await expect(a.readInto!([[0, 1], [0, 5], [0, 1]], new Int32Array(4))).rejects.toThrow(/5 elements/);
    await a.readInto!([[0, 1], [0, 5], [0, 1]], into);
    expect(Array.from(into)).toEqual([0, 1, 2, 3, 4].map((j) => whole[j * n2]));
  });

  it("read Fortran-ordered chunks in C order", async () => {
    expect(plain((await array("fortran").read()) as Int32Array)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(plain((await array("fortran").read([[1, 3], [2, 4]])) as Int32Array)).toEqual([6, 7, 10, 11]);
  });
});

describe("attributes as hdmf-zarr writes them (JSON)", () => {
  it("keep floats floats and integers integers, as Python wrote them", async () => {
    const tree = await readZarrTree(new FolderStore(storeOf("made.nwb")), { name: "made" });
    const es = tree.groups.get("acquisition")!.groups.get("es")!;
    const data = es.datasets.get("data")!;
    const conversion = data.attributes.get("conversion")!.value as { dtype: string; data: ArrayLike<number> };
    expect([conversion.dtype, conversion.data[0]]).toEqual(["float64", 1]);
    const rate = es.datasets.get("starting_time")!.attributes.get("rate")!.value as { dtype: string; data: ArrayLike<number> };
    expect([rate.dtype, rate.data[0]]).toEqual(["float64", 1000]);
    const ids = tree.groups.get("units")!.datasets.get("id")!.value as LazyArray;
    expect(ids.dtype).toBe("int64");
  });

  it("consolidated metadata parses by JSON.parse to the one parser's values: attributes tagged, the rest plain", () => {
    const slow = (text: string): unknown => {
      const doc = parseTaggedJson(text) as { metadata: Record<string, never> };
      const metadata: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(doc.metadata)) Object.defineProperty(metadata, k, { value: k.endsWith(".zattrs") ? v : untagged(v), enumerable: true, writable: true, configurable: true });
      return { ...(untagged({ ...doc, metadata: null }) as object), metadata };
    };
    const texts = [
      `{"metadata": {"a/.zattrs": {"x": 1.0, "y": [1, 2.5e3, NaN, -Infinity, Infinity], "s": "1.0 \\" 2.0 NaN", "__proto__": 3.0, "n": -0.0}, "a/.zarray": {"fill_value": NaN, "big": 1e400, "i": 12345678901234567890, "f": 0.5}, ".zgroup": {"zarr_format": 2}}, "zarr_consolidated_format": 1}`,
      // A string with the private-use character the fast parse marks floats with: parsed by the one parser instead.
      `{"metadata": {"a/.zattrs": {"x": "\ue0001.5", "y": 2.0}}, "zarr_consolidated_format": 1}`,
      readFileSync(path.join(storeOf("made.nwb"), ".zmetadata"), "utf8"),
    ];
    for (const text of texts) expect(parseConsolidatedJson(text)).toStrictEqual(slow(text));
    const doc = parseConsolidatedJson(texts[0]!) as { metadata: Record<string, Record<string, unknown>> };
    expect(doc.metadata["a/.zattrs"]!.x).toEqual(new JsonFloat(1));
    expect(Object.getPrototypeOf(doc.metadata["a/.zattrs"])).toBe(Object.prototype);
    expect(doc.metadata["a/.zarray"]!.fill_value).toBeNaN();
    expect(() => parseConsolidatedJson(`{"metadata": {"a": }}`)).toThrow(SyntaxError);
  });

  it("parse Python's JSON: floats tagged, NaN and Infinity, escapes", () => {
    const doc = parseTaggedJson(`{"a": 1, "b": 1.0, "c": [1e-05, -2, NaN, Infinity, -Infinity], "d\\u00e9\\"": "x\\ny", "1": true, "e": null}`) as Record<string, unknown>;
    expect(doc.a).toBe(1);
    expect(doc.b).toEqual(new JsonFloat(1));
    expect(doc.c).toEqual([new JsonFloat(1e-5), -2, new JsonFloat(NaN), new JsonFloat(Infinity), new JsonFloat(-Infinity)]);
    expect(doc['d\u00e9"']).toBe("x\ny");
    expect(Object.keys(doc)).toEqual(["1", "a", "b", "c", 'd\u00e9"', "e"]);
    expect(untagged(doc as never)).toEqual({ a: 1, b: 1, c: [1e-5, -2, NaN, Infinity, -Infinity], 'd\u00e9"': "x\ny", 1: true, e: null });
    expect(() => parseTaggedJson("{\"a\": }")).toThrow(SyntaxError);
    expect(() => parseTaggedJson("[1, 2] x")).toThrow(SyntaxError);
    expect(() => parseTaggedJson("\"open")).toThrow(SyntaxError);
    const proto = parseTaggedJson(`{"__proto__": {"polluted": 1}}`) as Record<string, unknown>;
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.keys(proto)).toEqual(["__proto__"]);
  });
});

describe("stores in other forms", () => {
  it("reads a store without consolidated metadata by listing it", async () => {
    const copy = path.join(tmp.dir, "unconsolidated.zarr");
    cpSync(storeOf("ecephys.nwb"), copy, { recursive: true });
    rmSync(path.join(copy, ".zmetadata"));
    const h5 = await NWBHDF5IO.open(originals.get("ecephys.nwb")!, "r");
    try {
      expect(await objectDifferences(await h5.read(), await readZarrFile(new FolderStore(copy), { name: "unconsolidated" }))).toEqual([]);
    } finally {
      await h5.close();
    }
    // A store that can neither list nor gives consolidated metadata cannot be walked: said plainly.
    const unlisted = new CountingStore(new FolderStore(copy));
    await expect(readZarrTree(unlisted, { name: "unlisted" })).rejects.toThrow(FormatError);
    await expect(readZarrTree(unlisted, { name: "unlisted" })).rejects.toThrow(/no consolidated metadata.*cannot list/);
  });

  it("reads a consolidated store that cannot list (as over HTTP) in two metadata reads", async () => {
    const store = new CountingStore(new FolderStore(storeOf("ecephys.nwb")));
    const tree = await readZarrTree(store, { name: "ecephys over a store that cannot list" });
    expect(store.gets.filter((k) => !store.chunkGets().includes(k)).sort()).toEqual(["/.zattrs", "/.zmetadata"]);
    expect(tree.groups.get("acquisition")!.groups.has("ElectricalSeries")).toBe(true);
    // hdmf-zarr's consolidated metadata lacks the cached specification (written after it consolidates): without a
    // listing, the file is read with tsnwb's own schema, the same values.
    expect(tree.groups.has("specifications")).toBe(false);
    const h5 = await NWBHDF5IO.open(originals.get("ecephys.nwb")!, "r");
    try {
      expect(await objectDifferences(await h5.read(), await readZarrFile(store, { name: "ecephys" }))).toEqual([]);
    } finally {
      await h5.close();
    }
  });

  it("refuses what is not a Zarr hierarchy, naming the store", async () => {
    const empty = new FolderStore(path.join(tmp.dir, "nothing-here"));
    await expect(readZarrTree(empty, { name: "nothing-here" })).rejects.toThrow(/nothing-here.*no root group/);
    // Named by its folder when not named.
    await expect(readZarrTree(empty)).rejects.toThrow(`${path.join(tmp.dir, "nothing-here")}: not a Zarr hierarchy`);
    const nwbfile = await readZarrFile(new FolderStore(storeOf("ecephys.nwb")));
    expect(nwbfile.container_source?.file).toBe(storeOf("ecephys.nwb"));
  });
});

describe("the read modules in a browser", () => {
  const entry = () => path.join(tmp.dir, "zarr-page.js");

  it("bundle for the browser without Node's modules", async () => {
    writeFileSync(entry(), `export { readZarrFile } from ${JSON.stringify(path.join(ROOT, "dist", "io", "zarr", "zarr-read.js"))};
export { MemoryStore } from ${JSON.stringify(path.join(ROOT, "dist", "io", "zarr", "store.js"))};`);
    const result = await build({ entryPoints: [entry()], bundle: true, platform: "browser", format: "esm", write: false, metafile: true, logLevel: "silent", external: ["apache-arrow"] });
    expect(result.errors).toEqual([]);
    expect(Object.keys(result.metafile.inputs).filter((i) => /^node:|folder-store|io\/nwb-io|h5wasm\/dist\/node/.test(i))).toEqual([]);
  });

  it("read a store hdmf-zarr wrote in Chromium, Blosc, gzip and Zstd chunks and pickled text included", async () => {
    const bundle = await build({ entryPoints: [entry()], bundle: true, platform: "browser", format: "iife", globalName: "zarrPage", write: false, logLevel: "silent", external: ["apache-arrow"] });
    const root = storeOf("made.nwb");
    const files: Record<string, string> = {};
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else files[`/${path.relative(root, p).split(path.sep).join("/")}`] = readFileSync(p).toString("base64");
      }
    };
    walk(root);
    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
    try {
      const page = await browser.newPage();
      await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
      const seen = await page.evaluate(async (entries) => {
        const { MemoryStore, readZarrFile } = (globalThis as unknown as { zarrPage: { MemoryStore: new () => { set(k: string, v: Uint8Array): Promise<void> }; readZarrFile: (s: unknown, o: unknown) => Promise<Record<string, unknown>> } }).zarrPage;
        const store = new MemoryStore();
        for (const [k, b64] of Object.entries(entries)) await store.set(k, Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
        const nwbfile = await readZarrFile(store, { name: "made in a page" });
        const acquisition = nwbfile.acquisition as Map<string, { data: { read(s?: unknown): Promise<ArrayLike<number>> } }>;
        const frame = await acquisition.get("movie")!.data.read([[7, 8]]);
        const row = await acquisition.get("matrix")!.data.read([[201, 202]]);
        let sum = 0;
        for (let i = 0; i < frame.length; i++) sum += frame[i]!;
        return { identifier: nwbfile.identifier, start: nwbfile.session_start_time, sum, row: Array.from(row) };
      }, files);
      expect(seen).toEqual({ identifier: "zarr-made-1", start: "2024-05-06T07:08:09+00:00", sum: facts.movie_frame7_sum, row: facts.matrix_row_201.map(Math.fround) });
    } finally {
      await browser.close();
    }
  });
});
