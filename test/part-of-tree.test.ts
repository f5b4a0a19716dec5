/**
 * The viewer's first view of a Zarr store by URL runs on an object made from the part of the file's tree it needs
 * (src/mapping/part-of-tree.ts), while the rest of the store's small arrays arrive. Here, on every object of every
 * file pynwb wrote for the tests (converted to Zarr), the object made from its part is the object made from the whole
 * file (every field, by value), and each view's extract gives the same data on both; where the part cannot be made
 * the viewer falls back to the whole file, so a failure is allowed, a difference is not. Views that look through the
 * whole file (`searchesFile`) are never run on a part.
 */
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { type AbstractContainer, MemoryStore, NWBHDF5IO, NWBZarrIO } from "../src/index.js";
import { constructFile } from "../src/mapping/mapper.js";
import { partOfTree, partOfTreeByLinks } from "../src/mapping/part-of-tree.js";
import { pathOf, treeOfLayout } from "../src/viewer/tree.js";
import { viewNamed } from "../src/viewer/views/registry.js";
import { comparable } from "./comparable.js";
import { SHARED, byPath } from "./helpers.js";

const FILES = ["domains", "pynwb"].flatMap((folder) => {
  const dir = path.join(SHARED, "fixtures", folder);
  return readdirSync(dir).filter((f) => f.endsWith(".nwb")).map((f) => path.join(dir, f));
});

/** An extract's data (or its error) as text: typed arrays as arrays, bigints as numbers. */
async function extractText(run: () => Promise<unknown>): Promise<string> {
  try {
    return JSON.stringify(await run(), (_, v: unknown) => (typeof v === "bigint" ? Number(v) : ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v));
  } catch (e) {
    return `error: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Types made from their part in the files below (the common first views), so that the fallback is not all there is. */
const MADE_FROM_PART = new Set<string>();

describe("objects made from the part of a file's tree they need", () => {
  it.each(FILES.map((f) => [path.relative(path.join(SHARED, "fixtures"), f), f]))("are the whole file's objects, and give the same views: %s", async (_, file) => {
    const store = new MemoryStore();
    {
      await using h5 = await NWBHDF5IO.open(file, "r");
      await using out = await NWBZarrIO.open(store, "w", { keepCachedSpec: true });
      await out.write(await h5.read());
    }
    await using io = await NWBZarrIO.open(store, "r", { name: "converted" });
    const layout = await io._layout();
    const whole = await io.read();
    const wholeByPath = byPath(whole);
    const differences: string[] = [];
    for (const entry of await treeOfLayout(layout, "converted")) {
      const view = viewNamed(entry.view);
      if (view.searchesFile) continue;
      let made: { obj: AbstractContainer; nwbfile: typeof whole } | undefined;
      try {
        const nwbfile = await constructFile((await partOfTree(layout, entry.path)).root, "converted");
        const obj = [...nwbfile.objects.values()].find((o) => pathOf(o) === entry.path);
        if (obj !== undefined) made = { obj, nwbfile };
      } catch {
        // The viewer makes the whole file then.
      }
      if (made === undefined) continue;
      MADE_FROM_PART.add(entry.neurodata_type);
      const wholeObj = wholeByPath.get(entry.path)!;
      if (made.obj.constructor !== wholeObj.constructor) differences.push(`${entry.path}: ${made.obj.constructor.name} vs ${wholeObj.constructor.name}`);
      const [x, y] = [(await comparable(made.obj)) as Record<string, unknown>, (await comparable(wholeObj)) as Record<string, unknown>];
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
        if (JSON.stringify(x[k]) !== JSON.stringify(y[k])) differences.push(`${entry.path}.${k}: ${JSON.stringify(x[k])?.slice(0, 200)} vs ${JSON.stringify(y[k])?.slice(0, 200)}`);
      }
      for (const request of [{ pixels: 200 }, { start: 0, end: 5, pixels: 200 }]) {
        const fromPart = await extractText(() => view.extract(made.obj, request, made.nwbfile));
        const fromWhole = await extractText(() => view.extract(wholeObj, request, whole));
        if (fromPart !== fromWhole) differences.push(`${entry.path} ${view.name} ${JSON.stringify(request)}: ${fromPart.slice(0, 200)} vs ${fromWhole.slice(0, 200)}`);
      }
    }
    expect(differences).toEqual([]);
  });

  it("makes the first views users open from their part (series, tables, units, images)", () => {
    for (const type of ["ElectricalSeries", "TimeSeries", "SpatialSeries", "Units", "TimeIntervals", "ImageSeries", "RoiResponseSeries", "DynamicTable"]) {
      expect([...MADE_FROM_PART], type).toContain(type);
    }
  });

  it("holds the groups above an object with their fields only, and what links lead to", async () => {
    await using io = await NWBHDF5IO.open(path.join(SHARED, "fixtures", "domains", "ecephys.nwb"), "r");
    const layout = io._layout();
    const series = (await treeOfLayout(layout, "ecephys")).find((e) => e.neurodata_type === "ElectricalSeries")!;
    const part = await partOfTree(layout, series.path);
    expect(part.covers(series.path)).toBe(true);
    expect(part.covers("/general/extracellular_ephys/electrodes")).toBe(true);
    expect(part.covers("/session_start_time")).toBe(true);
    // Another series beside it is not in the part.
    const others = [...layout.groups.get("acquisition")!.groups.keys()].map((n) => `/acquisition/${n}`).filter((p) => p !== series.path);
    for (const other of others) expect(part.covers(other)).toBe(false);
    await expect(partOfTree(layout, "/acquisition/nothing")).rejects.toThrow(/no object at \/acquisition\/nothing/);
    // The part fetched first holds at least what links lead to.
    expect(partOfTreeByLinks(layout, series.path).covers("/general/extracellular_ephys/electrodes")).toBe(true);
  });
});
