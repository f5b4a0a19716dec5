/**
 * A seeded suite of wrong constructor arguments and values (mulberry32, seed below): each case puts one wrong value
 * in one field of an otherwise valid object (every field of the types a pynwb user reaches for, values chosen by the
 * field's kind and dtype), or in a table row. A case ends in one of two ways, and only two:
 * - refused with a tsnwb error (ValidationError, SchemaError...), never a TypeError, RangeError or HDF5's message;
 * - accepted, written, valid (tsnwb's and the independent validator; pynwb reads it, test/oracle), and read back with
 *   exactly the value given: no wrapped integer, truncated fraction or text, or dropped element. A value left out
 *   is left out aloud: with a warning naming the field (pynwb's `starting_frame` without external files), or as
 *   `null`, which is no value (the field's default applies, as pynwb's None).
 */
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  AbstractContainer, AbstractFeatureSeries, Device, DynamicTable, ElementIdentifiers, GrayscaleImage, ImageSeries, Images,
  IndexSeries, type NWBWarning, NWBFile, NWBHDF5IO, OpticalSeries, RGBImage, SpatialSeries, Subject, TimeSeries, VectorData,
  isTsnwbError, setWarningHandler,
} from "../src/index.js";
import { layoutOf, valueShape } from "../src/schema/fields.js";
import { typeCatalog } from "../src/schema/bundled.js";
import { isRefDtype } from "../src/schema/language.js";
import { tempFolder, validateAll } from "./helpers.js";
import { mulberry32 } from "../src/demo/tutorial.js";

const SEED = 20261203;
const tmp = tempFolder();
afterAll(() => tmp.cleanup());

const frames = (shape: number[]) => ({ data: new Uint8Array(shape.reduce((a, b) => a * b, 1)).map((_, i) => i % 200), shape });
const images = () => new Images({ name: "pictures", description: "two", images: [new GrayscaleImage({ name: "a", data: [[1, 2], [3, 4]] }), new GrayscaleImage({ name: "b", data: [[5, 6], [7, 8]] })] });

/** Valid options of each type a case corrupts, and where its object goes in a file. */
const TARGETS: { cls: new (o: never) => AbstractContainer; base: () => Record<string, unknown>; place: (f: NWBFile, o: AbstractContainer) => void }[] = [
  { cls: TimeSeries, base: () => ({ name: "series", data: [1.5, 2.5, 3.5], unit: "m", rate: 10 }), place: (f, o) => f.addAcquisition(o as never) },
  { cls: ImageSeries, base: () => ({ name: "movie", data: frames([3, 4, 5]), unit: "n.a.", rate: 30 }), place: (f, o) => f.addAcquisition(o as never) },
  { cls: OpticalSeries, base: () => ({ name: "stim", data: frames([3, 4, 5]), unit: "n.a.", rate: 2, distance: 0.7, field_of_view: [0.2, 0.3], orientation: "lower left" }), place: (f, o) => f.addStimulus(o as never) },
  { cls: IndexSeries, base: () => ({ name: "shown", data: [0, 1, 1], indexed_images: images(), timestamps: [0.1, 0.2, 0.3] }), place: (f, o) => { f.addStimulusTemplate((o as IndexSeries).indexed_images as never); f.addStimulus(o as never); } },
  { cls: AbstractFeatureSeries, base: () => ({ name: "features", data: [[1, 2], [3, 4]], features: ["a", "b"], feature_units: ["m", "s"], rate: 5 }), place: (f, o) => f.addAcquisition(o as never) },
  { cls: SpatialSeries, base: () => ({ name: "position", data: [[1, 2], [3, 4], [5, 6]], reference_frame: "top left", rate: 50 }), place: (f, o) => f.addAcquisition(o as never) },
  { cls: Device, base: () => ({ name: "probe", description: "a probe", manufacturer: "Acme" }), place: (f, o) => f.addDevice(o as Device) },
  { cls: Subject, base: () => ({ subject_id: "m1", species: "Mus musculus", sex: "M", age: "P90D", description: "a mouse", weight: "20 g" }), place: (f, o) => { f.subject = o as Subject; } },
  { cls: GrayscaleImage, base: () => ({ name: "gray", data: [[1, 2, 3], [4, 5, 6]], resolution: 35.4, description: "grey" }), place: (f, o) => f.addStimulusTemplate(new Images({ name: "album", description: "one", images: [o as GrayscaleImage] })) },
  { cls: RGBImage, base: () => ({ name: "rgb", data: frames([2, 3, 3]), resolution: 70 }), place: (f, o) => f.addStimulusTemplate(new Images({ name: "album", description: "one", images: [o as RGBImage] })) },
  { cls: VectorData, base: () => ({ name: "values", description: "numbers", data: [1, 2, 3] }), place: (f, o) => f.addAcquisition(new DynamicTable({ name: "table", description: "one column", columns: [o as VectorData], colnames: ["values"], id: ids((o as VectorData).data.shape[0] ?? 0) })) },
];

/** A table's ids 0 to n - 1. */
function ids(n: number): ElementIdentifiers {
  return new ElementIdentifiers({ name: "id", data: Array.from({ length: n }, (_, i) => i) });
}

/** Wrong values for a field, by what it holds (the schema's dtype decides which numbers do not fit). */
function badValues(shape: string, dtype: unknown): unknown[] {
  const unsigned = typeof dtype === "string" && dtype.startsWith("uint");
  const integer = typeof dtype === "string" && /int/.test(dtype);
  switch (shape) {
    case "text": return ["a\0b", "half \uD83D surrogate", 5, null, {}, ["x"], true];
    case "texts": return [["ok", "no\0"], ["\uDFFF"], "not a list", [1, 2], [null]];
    case "number": return [Number.NaN, "5", {}, [1], ...(integer ? [1.5, -1, 2 ** 40] : [1e309, -1e309]), ...(unsigned ? [-1] : []), 10n ** 30n];
    case "numbers": return [[1, "2"], [Number.NaN, 1], "1,2", [[1, 2], [3]], ...(integer ? [[0.5]] : [])];
    case "bool": return [1, "true", null];
    case "bools": return [[1, 0], "true"];
    case "object": case "objects": return ["a path", {}, 3, new Device({ name: "not_it", description: "wrong type" })];
    default: return [
      [[1, 2], [3]], // ragged
      [[1, "a"], [2, "b"]], // mixed
      { data: new Uint8Array(6), shape: [4, 2] }, // shape and length disagree
      { data: new Float64Array([0.5, 1.5, 2.5]), shape: [3] },
      { data: new Int32Array([-3, 70000, 5]), shape: [3] },
      { data: new Float64Array([1e300, -1e300, 3]), shape: [3] },
      { data: [1, 2, 3], shape: [3, 1, 0] },
      { data: new BigInt64Array([2n ** 62n, -1n, 3n]), shape: [3] },
      ["a\0", "b"],
      "text",
      null,
    ];
  }
}

interface Case { label: string; cls: (typeof TARGETS)[number]; field: string; value: unknown }

/** The cases: every field of every target, wrong values drawn with the seed (two per field, at least 100 in all). */
function cases(): Case[] {
  const random = mulberry32(SEED);
  const out: Case[] = [];
  for (const target of TARGETS) {
    const type = typeCatalog.get((target.cls as unknown as { neurodata_type: string }).neurodata_type, (target.cls as unknown as { namespace: string }).namespace);
    for (const f of layoutOf(typeCatalog, type).fields) {
      if (f.kind === "children" || f.kind === "child" || f.kind === "link") continue;
      const dtype = (f.spec as { dtype?: unknown }).dtype;
      const pool = badValues(valueShape(f), isRefDtype(dtype as never) ? undefined : dtype);
      const picks = new Set<number>();
      while (picks.size < Math.min(2, pool.length)) picks.add(Math.floor(random() * pool.length));
      for (const i of picks) out.push({ label: `${type.name}.${f.key} = ${shown(pool[i])}`, cls: target, field: f.key, value: pool[i] });
    }
  }
  return out;
}

function shown(v: unknown): string {
  if (typeof v === "bigint") return `${v}n`;
  if (v instanceof AbstractContainer) return v.describe();
  try {
    return JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}n` : ArrayBuffer.isView(x) ? `${x.constructor.name}(${Array.from(x as unknown as ArrayLike<unknown>).map(String).join(",")})` : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

/** A value as a flat list of plain values: arrays (in memory or read from a file) element by element, objects by name. */
async function flat(v: unknown): Promise<unknown[]> {
  if (v instanceof AbstractContainer) return [v.name];
  if (v && typeof v === "object" && "read" in v && "shape" in v && !("data" in v)) return flat(await (v as { read(): Promise<unknown> }).read());
  if (v && typeof v === "object" && "data" in v && "shape" in v) return flat((v as { data: unknown }).data);
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<unknown>, num);
  if (Array.isArray(v)) return (await Promise.all(v.map(flat))).flat();
  return [num(v)];
}
const num = (x: unknown) => (typeof x === "bigint" ? Number(x) : x);

describe(`seeded bad input (mulberry32 seed ${SEED})`, () => {
  const all = cases();

  it(`has at least 100 cases (${all.length})`, () => {
    expect(all.length).toBeGreaterThanOrEqual(100);
  });

  it("every case is refused with a tsnwb error, or written valid and read back unchanged", async () => {
    const outcomes: { label: string; outcome: string }[] = [];
    const written: { label: string; file: string; given: unknown[]; field: string; path: string }[] = [];
    const warnings: NWBWarning[] = [];
    const files: { label: string; file: string }[] = [];
    const previous = setWarningHandler((w) => warnings.push(w));
    for (const [n, c] of all.entries()) {
      let obj: AbstractContainer;
      warnings.length = 0;
      try {
        obj = new (c.cls.cls as new (o: object) => AbstractContainer)({ ...c.cls.base(), [c.field]: c.value });
      } catch (e) {
        outcomes.push({ label: c.label, outcome: isTsnwbError(e) ? "refused" : `non-tsnwb error at construction: ${String(e)}` });
        continue;
      }
      const file = path.join(tmp.dir, `case-${n}.nwb`);
      const nwbfile = new NWBFile({ session_description: "bad input", identifier: `case-${n}`, session_start_time: "2024-01-01T00:00:00+00:00" });
      try {
        c.cls.place(nwbfile, obj);
        const io = await NWBHDF5IO.open(file, "w");
        try {
          await io.write(nwbfile);
        } finally {
          await io.close();
        }
      } catch (e) {
        outcomes.push({ label: c.label, outcome: isTsnwbError(e) ? "refused" : `non-tsnwb error at write: ${String(e)}` });
        continue;
      }
      files.push({ label: c.label, file });
      const warned = warnings.some((w) => w.field === c.field && /ignored/.test(w.message));
      if (c.value !== null && !warned) written.push({ label: c.label, file, given: await flat(c.value), field: c.field, path: obj.container_source!.path });
      outcomes.push({ label: c.label, outcome: "written" });
    }
    setWarningHandler(previous);
    // What was accepted reads back as it was given.
    const changed: string[] = [];
    for (const w of written) {
      const io = await NWBHDF5IO.open(w.file, "r");
      const back = (await io.read()).objects;
      const obj = [...back.values()].find((o) => o.container_source?.path === w.path)!;
      const read = await flat((obj as unknown as Record<string, unknown>)[w.field]);
      if (JSON.stringify(read) !== JSON.stringify(w.given)) changed.push(`${w.label}: held ${JSON.stringify(w.given)}, read back ${JSON.stringify(read)}`);
      await io.close();
    }
    const checks = await validateAll(files.map((w) => w.file));
    const invalid = files.filter((w) => !checks.get(w.file)!.ok).map((w) => `${w.label}: ${checks.get(w.file)!.output}`);
    const nonTsnwb = outcomes.filter((o) => o.outcome.startsWith("non-tsnwb"));
    expect({ nonTsnwb, changed, invalid }).toEqual({ nonTsnwb: [], changed: [], invalid: [] });
    expect(outcomes.filter((o) => o.outcome === "refused").length).toBeGreaterThan(outcomes.length / 2);
  }, 600_000);
});
