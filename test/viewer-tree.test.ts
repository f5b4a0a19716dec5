/**
 * The viewer's tree is listed from a file's layout (src/viewer/tree.ts, treeOfLayout), before the objects are made
 * from it, so that a remote file's tree shows sooner: here, on every file pynwb wrote for the tests (domains, image
 * types, older versions, an extension), it is the tree listed from the objects read (treeOfObjects): the same paths,
 * names, types, ancestries, views and tables' columns, in the same order.
 */
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { type AbstractContainer, NWBHDF5IO } from "../src/index.js";
import { pathOf, treeOfLayout, treeOfObjects } from "../src/viewer/tree.js";
import { SHARED } from "./helpers.js";

const FILES = ["domains", "pynwb", "backcompat"].flatMap((folder) => {
  const dir = path.join(SHARED, "fixtures", folder);
  return readdirSync(dir).filter((f) => f.endsWith(".nwb")).map((f) => path.join(dir, f));
});

describe("the viewer's tree from a file's layout", () => {
  it.each(FILES.map((f) => [path.relative(path.join(SHARED, "fixtures"), f), f]))("is the tree of its objects: %s", async (_, file) => {
    const io = await NWBHDF5IO.open(file, "r");
    try {
      const fromLayout = await treeOfLayout(io._layout(), file);
      const nwbfile = await io.read();
      const byPath = new Map<string, AbstractContainer>();
      for (const obj of nwbfile.objects.values()) if (obj !== (nwbfile as AbstractContainer)) byPath.set(pathOf(obj), obj);
      // The files of NWB 1.x hold the file alone.
      if (!path.basename(file).startsWith("1.")) expect(fromLayout.length).toBeGreaterThan(0);
      expect(fromLayout).toEqual(treeOfObjects(byPath));
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
