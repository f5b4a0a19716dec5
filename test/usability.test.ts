/**
 * What a new user porting pynwb code trips on: objects print as their type, name and fields (arrays as
 * `uint8[200, 50, 50, 3]`) and serialise to JSON; array fields read with `await x.read()` without a cast, whether
 * built in memory or read from a file; errors narrow to their class; pynwb's construction warnings are warnings.
 * This file is type-checked too: what compiles here compiles for users.
 */
import * as path from "node:path";
import { inspect } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import {
  ImageSeries, NWBFile, NWBHDF5IO, OpticalSeries, TimeSeries, type NWBWarning, isTsnwbError, setWarningHandler,
} from "../src/index.js";
import { tempFolder } from "./helpers.js";

const tmp = tempFolder();
afterAll(() => tmp.cleanup());

function movie(): ImageSeries {
  return new ImageSeries({ name: "movie", data: { data: new Uint8Array(200 * 50 * 50 * 3), shape: [200, 50, 50, 3] }, rate: 30 });
}

function warningsOf(make: () => unknown): NWBWarning[] {
  const seen: NWBWarning[] = [];
  const previous = setWarningHandler((w) => seen.push(w));
  try {
    make();
  } finally {
    setWarningHandler(previous);
  }
  return seen;
}

describe("printing", () => {
  it("an object prints as its type, name and fields, arrays as dtype[shape]", () => {
    const text = inspect(movie());
    expect(text.startsWith("ImageSeries 'movie' {")).toBe(true);
    expect(text).toContain("data: 'uint8[200, 50, 50, 3]'");
    expect(text).toContain("rate: 30");
    expect(text.split("\n").length).toBeLessThan(20);
  });

  it("objects read from a file print and serialise without h5wasm internals or cycles", async () => {
    const file = path.join(tmp.dir, "print.nwb");
    const nwbfile = new NWBFile({ session_description: "d", identifier: "print-1", session_start_time: "2024-01-01T00:00:00+00:00" });
    nwbfile.addAcquisition(movie());
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();
    const reader = await NWBHDF5IO.open(file, "r");
    const back = await reader.read();
    const series = back.getAcquisition("movie", ImageSeries);
    const text = inspect(series);
    expect(text).toContain("uint8[200, 50, 50, 3]");
    expect(text).not.toMatch(/file_id|HEAPU8|Module/);
    const json = JSON.parse(JSON.stringify(back)) as { neurodata_type: string; acquisition: { movie: { data: string; parent?: unknown } } };
    expect(json.neurodata_type).toBe("NWBFile");
    expect(json.acquisition.movie.data).toBe("uint8[200, 50, 50, 3]");
    expect(json.acquisition.movie.parent).toBeUndefined();
    expect(inspect(series.data)).toBe("uint8[200, 50, 50, 3] at /acquisition/movie/data");

    // One type for array fields: the same code reads a frame from memory and from the file, no cast.
    for (const s of [movie(), series]) {
      const frame = await s.data.read([[100, 101]]);
      expect(frame.length).toBe(7500);
    }
    await reader.close();
  });
});

describe("errors and warnings", () => {
  it("isTsnwbError narrows to the tag's class, so its fields compile", () => {
    let field = "";
    try {
      new TimeSeries({ name: "t", data: [1, 2], unit: "V", rate: -1 });
    } catch (e) {
      if (isTsnwbError(e, "ValidationError")) field = e.field;
    }
    expect(field).toBe("rate");
  });

  it("pynwb's tutorial ports line by line: an OpticalSeries with data and starting_frame=[0] is accepted, with a warning", () => {
    const seen = warningsOf(() => new OpticalSeries({
      name: "StimulusPresentation", data: { data: new Uint8Array(2 * 4 * 4 * 3), shape: [2, 4, 4, 3] }, rate: 1.0,
      starting_frame: [0], distance: 0.7, field_of_view: [0.2, 0.3, 0.7], orientation: "lower left",
    }));
    expect(seen.map((w) => [w.object, w.field])).toEqual([["OpticalSeries 'StimulusPresentation'", "starting_frame"]]);
  });

  it("data and timestamps of different lengths are a warning, as in pynwb", () => {
    const seen = warningsOf(() => new TimeSeries({ name: "t", data: [1, 2, 3], unit: "V", timestamps: [0, 1] }));
    expect(seen).toEqual([{ object: "TimeSeries 't'", field: "timestamps", message: expect.stringMatching(/2 timestamps for 3 samples/) }]);
    expect(warningsOf(() => new TimeSeries({ name: "t", data: [1, 2], unit: "V", timestamps: [0, 1] }))).toEqual([]);
  });
});
