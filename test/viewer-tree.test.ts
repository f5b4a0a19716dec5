/**
 * The viewer's tree is listed from a file's layout (src/viewer/tree.ts, treeOfLayout), before the objects are made
 * from it, so that a remote file's tree shows sooner: here, on every file pynwb wrote for the tests (domains, image
 * types, older versions, an extension), it is the tree listed from the objects read (treeOfObjects): the same paths,
 * names, types, ancestries, views and tables' columns, in the same order. A Zarr store's tree is listed from its
 * metadata alone (NWBZarrIO._layout(), no chunk read): the same on each file converted, and on a store hdmf-zarr
 * exported (whose consolidated metadata lacks the cached specification).
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type AbstractContainer, MemoryStore, type NWBFile, NWBHDF5IO, NWBZarrIO, type ReadableStore, type StoreKey } from "../src/index.js";
import { pathOf, treeOfLayout, treeOfObjects } from "../src/viewer/tree.js";
import { ORACLE, ROOT, SHARED, tempFolder } from "./helpers.js";

/** The tree of the objects read (every object but the file, by path). */
function objectsTree(nwbfile: NWBFile) {
  const byPath = new Map<string, AbstractContainer>();
  for (const obj of nwbfile.objects.values()) if (obj !== (nwbfile as AbstractContainer)) byPath.set(pathOf(obj), obj);
  return treeOfObjects(byPath);
}

/**
 * A store whose chunks (keys other than metadata and the cached specification's) are held until `release()`: the
 * tree listed while they are shows that it waits for none of them.
 */
class HeldChunksStore implements ReadableStore {
  readonly held: string[] = [];
  private gate!: () => void;
  private readonly open = new Promise<void>((resolve) => (this.gate = resolve));
  constructor(private readonly inner: ReadableStore) {}
  async get(key: StoreKey) {
    if (!/\/\.z(group|array|attrs|metadata)$/.test(key) && !key.startsWith("/specifications/")) {
      this.held.push(key);
      await this.open;
    }
    return this.inner.get(key);
  }
  release(): void {
    this.gate();
  }
}

const FILES = ["domains", "pynwb", "backcompat"].flatMap((folder) => {
  const dir = path.join(SHARED, "fixtures", folder);
  return readdirSync(dir).filter((f) => f.endsWith(".nwb")).map((f) => path.join(dir, f));
});

describe("the viewer's tree from a file's layout", () => {
  it.each(FILES.map((f) => [path.relative(path.join(SHARED, "fixtures"), f), f]))("is the tree of its objects: %s", async (_, file) => {
    const io = await NWBHDF5IO.open(file, "r");
    try {
      const fromLayout = await treeOfLayout(io._layout(), file);
      // The files of NWB 1.x hold the file alone.
      if (!path.basename(file).startsWith("1.")) expect(fromLayout.length).toBeGreaterThan(0);
      expect(fromLayout).toEqual(objectsTree(await io.read()));
    } finally {
      await io.close();
    }
  });

  it("refuses an HDF5 file that is not NWB as reading it does", async () => {
    const io = await NWBHDF5IO.open(path.join(SHARED, "fixtures", "domains", "ecephys.nwb"), "r");
    try {
      const layout = io._layout();
      layout.attributes.delete("neurodata_type");
      await expect(treeOfLayout(layout, "x.h5")).rejects.toThrow(/not an NWB file: the root's neurodata_type is missing/);
    } finally {
      await io.close();
    }
  });
});

describe("the viewer's tree from a Zarr store's metadata", () => {
  const tmp = tempFolder("tsnwb-viewer-tree-");
  afterAll(() => tmp.cleanup());
  const NWB2 = FILES.filter((f) => !path.basename(f).startsWith("1."));

  it.each(NWB2.map((f) => [path.relative(path.join(SHARED, "fixtures"), f), f]))("is the tree of its objects, and the HDF5 original's: %s", async (_, file) => {
    const store = new MemoryStore();
    await using h5 = await NWBHDF5IO.open(file, "r");
    const hdf5Tree = await treeOfLayout(h5._layout(), file);
    {
      await using out = await NWBZarrIO.open(store, "w", { keepCachedSpec: true });
      await out.write(await h5.read());
    }
    const held = new HeldChunksStore(store);
    await using io = await NWBZarrIO.open(held, "r", { name: "converted" });
    const fromLayout = await treeOfLayout(await io._layout(), "converted");
    expect(fromLayout).toEqual(hdf5Tree);
    // Listed while the chunks that making the objects reads were asked for (all at once) and not yet answered.
    expect(held.held.length).toBeGreaterThan(0);
    held.release();
    expect(fromLayout).toEqual(objectsTree(await io.read()));
  });

  it("is the tree of its objects on a store hdmf-zarr exported", async () => {
    const file = path.join(SHARED, "fixtures", "domains", "ecephys.nwb");
    const exported = path.join(tmp.dir, "ecephys.nwb.zarr");
    execFileSync(ORACLE, ["python", path.join(ROOT, "test", "py", "zarr_consolidation.py"), "export", file, exported], { stdio: "pipe" });
    await using h5 = await NWBHDF5IO.open(file, "r");
    await using io = await NWBZarrIO.open(exported, "r");
    const fromLayout = await treeOfLayout(await io._layout(), exported);
    expect(fromLayout.length).toBeGreaterThan(10);
    expect(fromLayout).toEqual(await treeOfLayout(h5._layout(), file));
    expect(fromLayout).toEqual(objectsTree(await io.read()));
  });
});
