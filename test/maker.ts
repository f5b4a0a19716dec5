/**
 * Makes the smallest valid object of any type, with what its required fields need (a linked device, a region's
 * table...), placed in one NWB file: for the every-type round trip and the pynwb parity checks.
 */
import {
  type AbstractContainer, NWBFile, type TypeDef, getClass, typeCatalog,
} from "../src/index.js";
import { type Field, layoutOf, madeByTable, regionTableOptions, valueShape } from "../src/schema/fields.js";
import { PYNWB_DEFAULT_NAMES } from "../src/schema/pynwb-names.js";
import { type DatasetSpec, type Dtype, type GroupSpec, type Shape, isCompoundDtype, isRefDtype, shapeAlternatives } from "../src/schema/language.js";

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
export class Maker {
  readonly nwbfile = new NWBFile({ session_description: "every type", identifier: "every-type", session_start_time: "2024-01-02T03:04:05+01:00" });
  private count = 0;

  /** A new object of `type`, named `name` (or a fresh name), with every required field set. */
  make(type: TypeDef, name?: string): AbstractContainer {
    if (type.name === "NWBFile") return this.nwbfile;
    return new (getClass(type.name, type.namespace))(this.options(type, name) as never);
  }

  /** The options `make` constructs an object of `type` from. */
  options(type: TypeDef, name?: string): Record<string, unknown> {
    const opts: Record<string, unknown> = { name: name ?? PYNWB_DEFAULT_NAMES[type.name] ?? `${type.name.toLowerCase()}_${this.count++}` };
    const layout = layoutOf(typeCatalog, type);
    const isA = (t: string) => typeCatalog.isA(type, t);
    for (const f of layout.fields) {
      // Attributes of a dataset are required with it (the layout lists a dataset before its attributes).
      if (!(f.required || f.pynwbRequired) || (f.within !== undefined && opts[f.within] === undefined)) continue;
      // A table makes its ids, colnames and required columns itself (empty); a region column from its table.
      if (madeByTable(typeCatalog, type, f)) continue;
      opts[f.key] = this.value(f, opts);
    }
    for (const r of regionTableOptions(typeCatalog, type)) opts[r.option] = this.placed(this.make(typeCatalog.get(r.targetType, "core")));
    // Rules of the hand-written classes: a timing, 3-D frames, what an index points at, one feature per column.
    if (isA("TimeSeries") && opts.timestamps === undefined) opts.rate = 10;
    if (isA("ImageSeries")) opts.data = this.array("uint8", [[null, null, null]]);
    if (isA("OpticalSeries")) Object.assign(opts, { distance: 1, field_of_view: [0.1, 0.2], orientation: "up" });
    if (isA("IndexSeries")) opts.indexed_images = this.placed(this.make(typeCatalog.get("Images", "core")));
    if (isA("AbstractFeatureSeries")) Object.assign(opts, { data: [[1, 2], [3, 4]], features: ["a", "b"] });
    if (isA("Image")) opts.data = this.array("uint8", [[null, null, ...(isA("RGBImage") ? [3] : isA("RGBAImage") ? [4] : [])]]);
    if (isA("ImageReferences")) opts.data = [];
    // A plain table has rows (a region points into them); an aligned one a category table (pynwb reads none without).
    if (type.name === "DynamicTable") opts.columns = [this.column({ name: "values", neurodata_type_inc: "VectorData", dtype: "float64", doc: "" }, opts)];
    if (type.name === "AlignedDynamicTable") opts.dynamic_tables = [new (getClass("DynamicTable", "hdmf-common"))({ name: "category", description: "a category" } as never)];
    return opts;
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
        // A place that names a table's columns (a DecompositionSeries' bands): a table with those columns.
        const columns = f.storage === "group" ? ((f.spec as GroupSpec).datasets ?? []).filter((d) => d.name !== undefined && d.neurodata_type_inc !== undefined) : [];
        if (columns.length > 0) {
          return new (getClass(type.name, type.namespace))({ name, description: `${name} table`, columns: columns.map((d) => this.column(d, opts)) } as never);
        }
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
          case "texts": return spec.dtype === "isodatetime" || spec.dtype === "datetime" ? ["2024-01-02T03:04:05+01:00"] : ["a", "b"].slice(0, this.length(spec.shape));
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

  /** A column its place names, of the dtype and shape it says. */
  private column(d: DatasetSpec, opts: Record<string, unknown>): AbstractContainer {
    return new (getClass(d.neurodata_type_inc!, "core"))({ name: d.name, description: `${d.name} column`, data: this.arrayFor(d.dtype, d.shape, opts) } as never);
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
    if (is("VectorIndex")) {
      // In the table of the column it indexes.
      const target = (obj as unknown as { target: AbstractContainer }).target;
      (this.placed(target).parent as unknown as { addColumns(...c: AbstractContainer[]): void }).addColumns(obj);
      return obj;
    }
    if (is("VectorData")) {
      // A column of a table of its own (its colnames and ids made from the column).
      const table = new (getClass("DynamicTable", "hdmf-common"))({ name: `table_of_${obj.name}`, description: "a table", columns: [obj] } as never);
      return this.placed(table) && obj;
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
