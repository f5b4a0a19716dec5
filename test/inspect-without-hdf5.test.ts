/**
 * `tsnwb inspect` reads a file from its bytes alone first, HDF5 not started (`NWBHDF5IO._openWithoutHDF5`, HDF5's
 * module and file stand-ins: `io/hdf5/hdf5-stand-in.ts`). These check that the stand-ins record any use, even one
 * whose error is caught; that a file read so gives the same findings as read with HDF5; that files needing HDF5
 * say so; and that files HDF5 refuses to open (truncated) are not read so.
 */
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { NWBHDF5IO } from "../src/index.js";
import { HDF5Needed, hdf5StandIn } from "../src/io/hdf5/hdf5-stand-in.js";
import { inspect } from "../src/validation/inspect-file.js";
import { SHARED, tempFolder } from "./helpers.js";

const tmp = tempFolder("tsnwb-without-hdf5-");
afterAll(() => tmp.cleanup());

const FOLDERS = ["pynwb", "domains", "backcompat"].map((f) => path.join(SHARED, "fixtures", f));
const fixtures = FOLDERS.flatMap((folder) => readdirSync(folder).filter((f) => f.endsWith(".nwb")).sort().map((f) => path.join(folder, f)));

describe("HDF5's stand-ins", () => {
  it("throw HDF5Needed on any use and record it, even when the error is caught; the file's close does nothing", () => {
    const standIn = hdf5StandIn();
    standIn.file.close();
    expect(standIn.used()).toBe(false);
    try {
      void (standIn.m as unknown as { get_names: unknown }).get_names;
    } catch {
      // A caller that catches (a decoder's fallback) must not hide the use.
    }
    expect(standIn.used()).toBe(true);
    expect(() => (standIn.file as unknown as { file_id: unknown }).file_id).toThrow(HDF5Needed);
    expect(() => Object.getPrototypeOf(standIn.file)).toThrow(HDF5Needed);
    expect(() => standIn.need("an external link's file")).toThrow("HDF5 is needed here (an external link's file)");
  });
});

describe("files read without HDF5", () => {
  it("give the findings they give read with HDF5; those that need HDF5 say so", async () => {
    const without: string[] = [];
    const needing: string[] = [];
    for (const file of fixtures) {
      const io = await NWBHDF5IO._openWithoutHDF5(file);
      expect(io, file).toBeDefined();
      let messages: unknown;
      try {
        messages = await inspect(await io!.read());
      } catch {
        messages = undefined;
      }
      const needed = io!._neededHDF5();
      await io!.close();
      if (needed) {
        needing.push(path.basename(file));
        continue;
      }
      without.push(file);
      const withHDF5 = await NWBHDF5IO.open(file, "r");
      expect(messages, file).toEqual(await inspect(await withHDF5.read()));
      await withHDF5.close();
    }
    // Compound and reference datasets are HDF5's (behavior's and ecephys's tables, the tutorial's order_of_images).
    expect(needing.sort()).toEqual(["behavior.nwb", "ecephys.nwb", "tutorial.nwb"]);
    expect(without.length).toBe(fixtures.length - 3);
  }, 120_000);

  it("not a file HDF5 refuses: truncated (shorter than its superblock's end of file)", async () => {
    const bytes = readFileSync(path.join(SHARED, "fixtures", "pynwb", "tutorial.nwb"));
    const cut = path.join(tmp.dir, "cut.nwb");
    writeFileSync(cut, bytes.subarray(0, bytes.length - 1));
    expect(await NWBHDF5IO._openWithoutHDF5(cut)).toBeUndefined();
  });
});
