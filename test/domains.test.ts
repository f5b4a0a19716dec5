/**
 * Reads the files pynwb wrote beyond images (../shared/fixtures/domains: ecephys, ophys, behavior, and an extension
 * cached in its file) and matches every object entry of their manifest.json: each object is of its type's class,
 * with its fields, links as the very same objects, regions with their table and indices, array bytes. (The
 * manifest's `tables` section belongs to the tables issue.)
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  DynamicTableRegion, ElectricalSeries, Fluorescence, ImageSegmentation, LFP, type LazyArray,
  NWBHDF5IO, PlaneSegmentation, Position, RoiResponseSeries, SpatialSeries, TimeSeries, type TypedArray, getClass,
} from "../src/index.js";
import { SHARED, plainValues, readForTests, sha256 } from "./helpers.js";

const DOMAINS = path.join(SHARED, "fixtures", "domains");
type Entry = Record<string, unknown>;
const manifest = JSON.parse(readFileSync(path.join(DOMAINS, "manifest.json"), "utf8")) as Record<string, Record<string, unknown>>;

interface ArraySummary { shape: number[]; dtype: string; sha256: string }
const isArraySummary = (v: unknown): v is ArraySummary => typeof v === "object" && v !== null && "sha256" in v && "shape" in v;
const isRegion = (v: unknown): v is { data: number[]; table: string } => typeof v === "object" && v !== null && "table" in v && "data" in v;

for (const [fileName, entries] of Object.entries(manifest)) {
  describe(`pynwb file ${fileName}`, () => {
    const read = readForTests(path.join(DOMAINS, fileName));

    it("has its identifier, and no typed object outside the schema's places", () => {
      const nwbfile = read.nwbfile();
      expect(nwbfile.identifier).toBe(entries.identifier);
      expect([...nwbfile.other.keys()]).toEqual([]);
    });

    for (const [objectPath, expected] of Object.entries(entries)) {
      if (!objectPath.startsWith("/")) continue;
      it(`matches ${objectPath}`, async () => {
        const objects = read.objects();
        const obj = objects.get(objectPath);
        expect(obj, objectPath).toBeDefined();
        const fields = obj as unknown as Record<string, unknown>;
        for (const [key, value] of Object.entries(expected as Entry)) {
          const where = `${objectPath}.${key}`;
          if (key === "neurodata_type") {
            expect(obj!.neurodata_type, where).toBe(value);
            expect(obj, `${where}: its own class`).toBeInstanceOf(getClass(value as string, obj!.namespace));
          } else if (key === "timestamps_link") {
            // pynwb's timestamps=other_series: a soft link to the other series' dataset, read as that dataset.
            const own = fields.timestamps as LazyArray & { path: string };
            expect(own.path, where).toBe(value);
            const target = objects.get(path.posix.dirname(value as string)) as TimeSeries;
            expect(sha256((await own.read()) as TypedArray)).toBe(sha256((await target.timestamps!.read()) as TypedArray));
          } else if (isArraySummary(value)) {
            const handle = fields[key] as LazyArray;
            expect([handle.shape, handle.dtype], where).toEqual([value.shape, value.dtype]);
            expect(sha256((await handle.read()) as TypedArray), `${where} bytes`).toBe(value.sha256);
          } else if (isRegion(value)) {
            const region = fields[key] as DynamicTableRegion;
            expect(region, where).toBeInstanceOf(DynamicTableRegion);
            expect(region.table, `${where}.table is the very table object`).toBe(objects.get(value.table));
            expect(await plainValues(region.data), `${where}.data`).toEqual(value.data);
          } else if (typeof value === "string" && value.startsWith("/") && typeof fields[key] === "object") {
            expect(fields[key], `${where} is the very object at ${value}`).toBe(objects.get(value));
          } else {
            expect(await plainValues(fields[key]), where).toEqual(value);
          }
        }
      });
    }
  });
}

describe("collections named as pynwb names them", () => {
  it("LFP.electrical_series, Position.spatial_series, ImageSegmentation.plane_segmentations, Fluorescence.roi_response_series", async () => {
    const read = async (name: string) => {
      const io = await NWBHDF5IO.open(path.join(DOMAINS, name), "r");
      return { io, nwbfile: await io.read() };
    };
    const ecephys = await read("ecephys.nwb");
    const lfp = ecephys.nwbfile.getProcessingModule("ecephys").get("LFP", LFP);
    expect(lfp).toBeInstanceOf(LFP);
    expect(lfp.electrical_series.get("lfp")).toBeInstanceOf(ElectricalSeries);
    expect(lfp.electrical_series.get("lfp")!.electrodes.table).toBe(ecephys.nwbfile.electrodes);
    await ecephys.io.close();

    const behavior = await read("behavior.nwb");
    const position = behavior.nwbfile.getProcessingModule("behavior").get("Position", Position);
    expect(position.spatial_series.get("position")).toBeInstanceOf(SpatialSeries);
    expect(position.spatial_series.get("position")!.reference_frame).toBe("corner of the arena");
    await behavior.io.close();

    const ophys = await read("ophys.nwb");
    const module = ophys.nwbfile.getProcessingModule("ophys");
    const segmentation = module.get("ImageSegmentation", ImageSegmentation);
    const plane = segmentation.plane_segmentations.get("PlaneSegmentation")!;
    expect(plane).toBeInstanceOf(PlaneSegmentation);
    expect(plane.imaging_plane).toBe(ophys.nwbfile.imaging_planes.get("plane0"));
    const traces = module.get("Fluorescence", Fluorescence).roi_response_series.get("RoiResponseSeries")!;
    expect(traces).toBeInstanceOf(RoiResponseSeries);
    expect(traces.rois.table).toBe(plane);
    // A field the schema makes scalar reads as a scalar, not a 1-element array.
    expect(ophys.nwbfile.imaging_planes.get("plane0")!.indicator).toBe("GCaMP6f");
    await ophys.io.close();
  });
});
