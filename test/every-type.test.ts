/**
 * Every type of core, hdmf-common and hdmf-experimental: constructed with its required fields (and what those
 * need: a linked device, a region's table...), written, passed by the validator against the schema and against the
 * file's own cached specification, and read back as its own class, equal field by field.
 */
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AbstractContainer, type ArrayData, NWBFile, NWBHDF5IO, type TypeDef, getClass, typeCatalog,
} from "../src/index.js";
import { type Field, layoutOf, valueShape } from "../src/schema/fields.js";
import { PYNWB_DEFAULT_NAMES } from "../src/schema/pynwb-names.js";
import { type Dtype, type Shape, isCompoundDtype, isRefDtype, shapeAlternatives } from "../src/schema/language.js";
import { tempFolder, validateAll } from "./helpers.js";

const tmp = tempFolder();
afterAll(() => tmp.cleanup());

const NUMERIC: Record<string, string> = {
  int: "int32", int8: "int8", int16: "int16", int32: "int32", int64: "int64", uint: "uint32", uint8: "uint8", uint16: "uint16",
  uint32: "uint32", uint64: "uint64", float: "float32", float32: "float32", double: "float64", float64: "float64", long: "int64", short: "int16",
};
const TYPED: Record<string, (n: number) => ArrayLike<number | bigint>> = {
  int8: (n) => new Int8Array(n), int16: (n) => new Int16Array(n), int32: (n) => new Int32Array(n), int64: (n) => new BigInt64Array(n),
  uint8: (n) => new Uint8Array(n), uint16: (n) => new Uint16Array(n), uint32: (n) => new Uint32Array(n), uint64: (n) => new BigUint64Array(n),
  float32: (n) => new Float32Array(n), float64: (n) => new Float64Array(n),
};

/** Builds the smallest valid object of a type, with what its required fields need, placed in one NWB file. */
class Maker {
  readonly nwbfile = new NWBFile({ session_description: "every type", identifier: "every-type", session_start_time: "2024-01-02T03:04:05+01:00" });
  private count = 0;

  /** A new object of `type`, named `name` (or a fresh name), with every required field set. */
  make(type: TypeDef, name?: string): AbstractContainer {
    if (type.name === "NWBFile") return this.nwbfile;
    const cls = getClass(type.name, type.namespace);
    const opts: Record<string, unknown> = { name: name ?? PYNWB_DEFAULT_NAMES[type.name] ?? `${type.name.toLowerCase()}_${this.count++}` };
    const layout = layoutOf(typeCatalog, type);
    const isA = (t: string) => typeCatalog.isA(type, t);
    for (const f of layout.fields) {
      // Attributes of a dataset are required with it (the layout lists a dataset before its attributes).
      if (!f.required || (f.within !== undefined && opts[f.within] === undefined)) continue;
      opts[f.key] = this.value(f, opts);
    }
    // Rules of the hand-written classes: a timing, 3-D frames, what an index points at, one feature per column.
    if (isA("TimeSeries") && opts.timestamps === undefined) opts.rate = 10;
    if (isA("ImageSeries")) opts.data = this.array("uint8", [[null, null, null]]);
    if (isA("OpticalSeries")) Object.assign(opts, { distance: 1, field_of_view: [0.1, 0.2], orientation: "up" });
    if (isA("IndexSeries")) opts.indexed_images = this.placed(this.make(typeCatalog.get("Images", "core")));
    if (isA("AbstractFeatureSeries")) Object.assign(opts, { data: [[1, 2], [3, 4]], features: ["a", "b"] });
    if (isA("Image")) opts.data = this.array("uint8", [[null, null, ...(isA("RGBImage") ? [3] : isA("RGBAImage") ? [4] : [])]]);
    if (isA("ImageReferences")) opts.data = [];
    return new cls(opts as never);
  }

  private value(f: Field, opts: Record<string, unknown>): unknown {
    switch (f.kind) {
      case "link": return this.placed(this.make(typeCatalog.get(f.targetType, "core")));
      case "child": {
        const type = typeCatalog.get(f.type, "core");
        const name = f.path[f.path.length - 1]!;
        // A member may narrow its type's dtype (HERD's `keys`: a Data of compound rows; a SweepTable's sweep_number
        // of uint32, its series of references): data of that dtype.
        const refined = (f.spec as { dtype?: Dtype }).dtype;
        if (f.storage === "dataset" && refined !== undefined) {
          const described = layoutOf(typeCatalog, type).fields.some((x) => x.key === "description");
          return new (getClass(type.name, type.namespace))({ name, data: this.arrayFor(refined, (f.spec as { shape?: Shape }).shape, opts), ...(described ? { description: `${name} column` } : {}) } as never);
        }
        return this.make(type, name);
      }
      case "children": return [this.make(typeCatalog.get(f.types[0]!, "core"))];
      default: {
        const spec = f.spec;
        switch (valueShape(f)) {
          case "text": return spec.dtype === "isodatetime" || spec.dtype === "datetime" ? "2024-01-02T03:04:05+01:00" : "x";
          // A table's colnames name its columns, which the sample table does not have: none.
          case "texts": return f.key === "colnames" ? [] : ["a", "b"].slice(0, this.length(spec.shape));
          case "number": return 1;
          case "numbers": return [1, 2].slice(0, this.length(spec.shape));
          case "bool": return true;
          case "bools": return [true];
          case "object": return this.placed(this.make(typeCatalog.get((spec.dtype as { target_type: string }).target_type, "core")));
          case "objects": return [this.placed(this.make(typeCatalog.get((spec.dtype as { target_type: string }).target_type, "core")))];
          case "array": return this.arrayFor(spec.dtype, spec.shape, opts);
        }
      }
    }
  }

  private length(shape: Shape | Shape[] | undefined): number {
    const first = shapeAlternatives(shape)[0];
    return first?.[0] ?? 2;
  }

  private arrayFor(dtype: Dtype | undefined, shape: Shape | Shape[] | undefined, _opts: Record<string, unknown>): unknown {
    if (isCompoundDtype(dtype)) {
      // One row: numbers, and references to objects of the member's type (placed in the file).
      const row: Record<string, unknown> = {};
      for (const m of dtype) {
        row[m.name] = isRefDtype(m.dtype) ? this.placed(this.make(typeCatalog.get(m.dtype.target_type, "core")))
          : m.dtype === "text" || m.dtype === "utf8" ? "μ-text" : 1;
      }
      return [row];
    }
    if (isRefDtype(dtype)) return [this.placed(this.make(typeCatalog.get(dtype.target_type, "core")))];
    if (dtype === "text" || dtype === "utf8" || dtype === "ascii" || dtype === "isodatetime") {
      const n = this.length(shape);
      return { data: Array.from({ length: n }, (_, i) => `v${i}`), shape: [n] };
    }
    return this.array(typeof dtype === "string" ? NUMERIC[dtype] ?? "float64" : "float64", shapeAlternatives(shape).length ? shapeAlternatives(shape) : [[null]]);
  }

  private array(dtype: string, shapes: Shape[]): { data: ArrayLike<number | bigint>; shape: number[] } {
    const shape = (shapes[0] ?? [null]).map((n) => n ?? 2);
    return { data: TYPED[dtype]!(shape.reduce((a, b) => a * b, 1)), shape };
  }

  /** Puts an object where the schema allows it in the file, and returns it. */
  placed<T extends AbstractContainer>(obj: T): T {
    const f = this.nwbfile;
    const is = (t: string) => obj.isA(t);
    if (obj.parent !== undefined || obj === (f as AbstractContainer)) return obj;
    const make = (t: string, extra: Record<string, unknown> = {}) => {
      const o = this.make(typeCatalog.get(t, "core"));
      Object.assign(o, extra);
      return o;
    };
    if (is("VectorData")) {
      // A column of a table of its own.
      const table = make("DynamicTable") as unknown as { addColumns(...c: AbstractContainer[]): void; colnames: string[]; id: AbstractContainer };
      table.addColumns(obj);
      table.colnames = [obj.name];
      // As many ids as the column has rows (a table's columns and ids are of one length).
      const rows = (obj as unknown as { data: { shape: number[] } }).data.shape[0] ?? 0;
      table.id = new (getClass("ElementIdentifiers", "hdmf-common"))({ name: "id", data: Array.from({ length: rows }, (_, i) => i) } as never);
      return this.placed(table as unknown as AbstractContainer) && obj;
    }
    if (is("Image") || is("ImageReferences")) {
      const images = this.make(typeCatalog.get("Images", "core")) as unknown as { addImage(...i: AbstractContainer[]): void; setOrder(o: AbstractContainer): void };
      if (is("Image")) images.addImage(obj);
      else images.setOrder(obj);
      this.placed(images as unknown as AbstractContainer);
      return obj;
    }
    if (is("Data") || (is("Container") && !is("NWBContainer") && !is("DynamicTable"))) {
      if (is("SimpleMultiContainer")) {
        // No schema location holds an hdmf-common container that is not an NWBContainer: /analysis, unchecked.
        obj.parent = f;
        f.analysis.set(obj.name, obj as never);
        return obj;
      }
      const holder = this.make(typeCatalog.get("SimpleMultiContainer", "hdmf-common")) as unknown as { addContainers(...c: AbstractContainer[]): void };
      holder.addContainers(obj);
      this.placed(holder as unknown as AbstractContainer);
      return obj;
    }
    if (is("Device")) f.addDevices(obj as never);
    else if (is("ElectrodeGroup")) f.addElectrodeGroups(obj as never);
    else if (is("ImagingPlane")) f.addImagingPlanes(obj as never);
    else if (is("IntracellularElectrode")) f.addIcephysElectrodes(obj as never);
    else if (is("OptogeneticStimulusSite")) f.addOgenSites(obj as never);
    else if (is("LabMetaData")) f.addLabMetaData(obj as never);
    else if (is("ProcessingModule")) f.addProcessingModule(obj as never);
    else if (is("Subject")) f.setSubject(obj as never);
    else if (is("NWBDataInterface") || is("DynamicTable")) f.addAcquisition(obj as never);
    else if (is("ScratchData")) f.addScratch(obj as never);
    else if (is("NWBContainer")) f.addAnalysis(obj as never);
    else throw new Error(`no place for ${obj.describe()}`);
    return obj;
  }
}

const everyType = typeCatalog.namespaces
  .filter((d) => ["core", "hdmf-common", "hdmf-experimental"].includes(d.namespace.name))
  .flatMap((d) => typeCatalog.typeNames(d.namespace.name).map((n) => typeCatalog.get(n, d.namespace.name)));

describe("every type", () => {
  it("is all 87 types of the three namespaces", () => {
    expect(everyType.length).toBe(87);
  });

  const written = new Map<string, { file: string; made: AbstractContainer; error?: unknown }>();
  beforeAll(async () => {
    for (const type of everyType) {
      const file = path.join(tmp.dir, `${type.namespace}-${type.name}.nwb`);
      try {
        const maker = new Maker();
        const made = maker.placed(maker.make(type));
        const io = await NWBHDF5IO.open(file, "w");
        await io.write(maker.nwbfile);
        await io.close();
        written.set(type.name, { file, made });
      } catch (error) {
        written.set(type.name, { file, made: undefined as never, error });
      }
    }
  }, 300_000);

  for (const type of everyType) {
    it(`${type.namespace}:${type.name} is constructed, written and read back as its class, equal`, async () => {
      const entry = written.get(type.name)!;
      if (entry.error) throw entry.error;
      const io = await NWBHDF5IO.open(entry.file, "r");
      const back = await io.read();
      const read = [...back.objects.values()].find((o) => o.container_source?.path === entry.made.container_source?.path)!;
      expect(read, `${type.name} read back`).toBeDefined();
      expect(read).toBeInstanceOf(getClass(type.name, type.namespace));
      await expectSame(entry.made, read, type.name);
      await io.close();
    });
  }

  it("every file passes the validator against the schema and against its cached specification", async () => {
    const files = [...written.values()].filter((e) => !e.error).map((e) => e.file);
    expect(files.length).toBe(87);
    const runs = await Promise.all([false, true].map(async (cached) => ({ cached, results: await validateAll(files, cached) })));
    for (const { cached, results } of runs) {
      const failed = [...results].filter(([, r]) => !r.ok).map(([f, r]) => `${path.basename(f)}${cached ? " (cached)" : ""}: ${r.output}`);
      expect(failed).toEqual([]);
    }
  }, 300_000);
});

/** Field by field: values equal, arrays equal in bytes, linked objects at the same paths, children recursively. */
async function expectSame(a: AbstractContainer, b: AbstractContainer, where: string): Promise<void> {
  expect(b.neurodata_type, where).toBe(a.neurodata_type);
  const va = a as unknown as Record<string, unknown>;
  const vb = b as unknown as Record<string, unknown>;
  for (const f of a.layout.fields) {
    const x = va[f.key];
    const y = vb[f.key];
    const at = `${where}.${f.key}`;
    if (x === undefined) continue;
    if (f.kind === "children") {
      const mx = x as Map<string, AbstractContainer>;
      const my = y as Map<string, AbstractContainer>;
      expect([...my.keys()].sort(), at).toEqual([...mx.keys()].sort());
      for (const [k, c] of mx) await expectSame(c, my.get(k)!, `${at}.${k}`);
    } else if (f.kind === "child") await expectSame(x as AbstractContainer, y as AbstractContainer, at);
    else if (f.kind === "link") expect((y as AbstractContainer).container_source?.path, at).toBe((x as AbstractContainer).container_source?.path);
    else if (typeof x === "object" && x !== null && "read" in x) {
      // References (in compound rows too) compare by the path of what they point at.
      const plain = (v: unknown): unknown => (typeof v === "object" && v !== null && "object_id" in v ? (v as AbstractContainer).container_source?.path
        : typeof v === "object" && v !== null ? Object.fromEntries(Object.entries(v).map(([k, w]) => [k, plain(w)])) : v);
      const values = async (d: ArrayData) => Array.from((await d.read()) as ArrayLike<unknown>, plain);
      expect(await values(y as ArrayData), at).toEqual(await values(x as ArrayData));
    } else if (Array.isArray(x) && x.every((o) => typeof o === "object" && o !== null && "object_id" in o)) {
      expect((y as AbstractContainer[]).map((o) => o.container_source?.path), at).toEqual((x as AbstractContainer[]).map((o) => o.container_source?.path));
    } else if (typeof x === "object" && x !== null && "object_id" in x) {
      expect((y as AbstractContainer).container_source?.path, at).toBe((x as AbstractContainer).container_source?.path);
    } else expect(y, at).toEqual(x);
  }
}
