/**
 * The files the domain views are tested on, written by pynwb (test/py/domain_views.py), and the values the views
 * must show, read back by h5py (expected.json): shared by the Node tests of the views' extracts and the Chromium
 * tests of their drawings.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ORACLE, ROOT, SHARED, tempFolder } from "./helpers.js";

/** The domain fixtures shared by every helper (pynwb-written): ophys.nwb, behavior.nwb, ecephys.nwb. */
export const DOMAINS = path.join(SHARED, "fixtures", "domains");

/** What h5py read back of the files (the structure domain_views.py writes). */
export interface Expected {
  units: { ids: number[]; spike_times: number[][]; quality: string[]; depth: number[] };
  trials: { start: number[]; stop: number[]; id: number[]; stimulus: string[] };
  epochs: { start: number[]; stop: number[]; id: number[] };
  invalid_times: { start: number[]; stop: number[]; id: number[] };
  sleep: { start: number[]; stop: number[]; id: number[]; stage: string[] };
  many: { start: number[]; stop: number[]; id: number[]; kind: string[] };
  head: { t: number[]; data: number[][] };
  heading: { data: number[]; rate: number; start: number };
  pix: { masks: number[][][]; reference: number[][] };
  vox: { masks: number[][][] };
  volmask: number[][][][];
  dff: { data: number[][]; rois: number[]; rate: number };
  fixture_movie: { frames: number[][][]; rate: number; start: number };
  fixture_ophys: { image_mask: number[][][]; reference: number[][]; trace: number[][]; rate: number; start: number };
  [series: string]: unknown;
}

/** A sampled series' values (in its unit) and timing. */
export interface ExpectedSeries {
  data: number[];
  start: number;
  rate: number;
}

/** Writes the files into a new temporary folder: its path, the expected values, and its cleanup. */
export function makeDomainFiles(): { dir: string; expected: Expected; cleanup: () => void } {
  const { dir, cleanup } = tempFolder("tsnwb-views-");
  execFileSync(ORACLE, ["python", path.join(ROOT, "test", "py", "domain_views.py"), dir, path.join(DOMAINS, "ophys.nwb")], { stdio: ["ignore", "ignore", "pipe"] });
  return { dir, expected: JSON.parse(readFileSync(path.join(dir, "expected.json"), "utf8")) as Expected, cleanup };
}
