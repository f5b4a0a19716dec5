/**
 * Reads an open HDF5 file into a builder tree: groups, attributes (read, they are small), soft links (kept as
 * links, by target path) and datasets as lazy handles (nothing of their data is read here).
 */
import { type AttributeBuilder, DatasetBuilder, GroupBuilder, LinkBuilder } from "../../mapping/builders.js";
import { type DType, dtypeFromH5wasm, dtypeOfTypedArray, isNumericDType, toTypedArray } from "../../data/dtype.js";
import type { NDArray } from "../../data/ndarray.js";
import { type H5File, type H5Module, objectAt } from "./h5.js";
import { H5LazyDataset } from "./lazy-dataset.js";

export class HDF5Reader {
  constructor(private readonly m: H5Module, private readonly file: H5File, private readonly fileName: string) {}

  readTree(): GroupBuilder {
    const root = new GroupBuilder("root");
    this.readGroupInto(root, "/");
    return root;
  }

  private childPath(parent: string, name: string): string {
    return parent === "/" ? `/${name}` : `${parent}/${name}`;
  }

  private readGroupInto(g: GroupBuilder, path: string): void {
    this.readAttributes(path, g.attributes);
    for (const name of this.m.get_names(this.file.file_id, path, false) as string[]) {
      const child = this.childPath(path, name);
      const link = this.file.get_link(child);
      if (typeof link === "string") {
        g.add(new LinkBuilder(name, link));
        continue;
      }
      const type = this.m.get_type(this.file.file_id, child);
      if (type === this.m.H5G_GROUP) {
        const sub = new GroupBuilder(name);
        g.add(sub);
        this.readGroupInto(sub, child);
      } else if (type === this.m.H5G_DATASET) {
        const ds = this.readDataset(name, child);
        g.add(ds);
      }
      // External links and named datatypes are not part of NWB's layout; they are left alone.
    }
  }

  private readDataset(name: string, path: string): DatasetBuilder {
    const handle = H5LazyDataset.at(this.m, this.file, path, this.fileName);
    const builder = new DatasetBuilder(name, handle, handle.shape.length === 0);
    this.readAttributes(path, builder.attributes);
    return builder;
  }

  private readAttributes(path: string, into: Map<string, AttributeBuilder>): void {
    const obj = objectAt(this.file, path);
    for (const [name, attr] of Object.entries(obj.attrs)) {
      const scalar = attr.shape === null || attr.shape.length === 0;
      const dtype = dtypeFromH5wasm(attr.dtype);
      const value = attr.value;
      if (dtype === "reference") {
        const refs = (Array.isArray(value) ? value : [value]) as { ref_data: Uint8Array }[];
        const targets = refs.map((r) => this.m.get_referenced_name(this.file.file_id, r.ref_data, true));
        into.set(name, { value: { kind: "reference", targets }, scalar });
        continue;
      }
      into.set(name, { value: toNDArray(value, dtype, attr.shape ?? []), scalar });
    }
  }
}

function toNDArray(value: unknown, dtype: DType | undefined, shape: number[]): NDArray {
  if (ArrayBuffer.isView(value)) {
    const ta = value as never;
    return { data: ta, shape, dtype: dtypeOfTypedArray(ta) };
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.every((v) => typeof v === "string")) return { data: list as string[], shape, dtype: "text" };
  if (list.every((v) => typeof v === "number" || typeof v === "bigint")) {
    // h5wasm gives scalars as JS numbers, or bigints for 64-bit integers: the stored dtype (an int32 `interval`, a
    // float32 `conversion`, a uint64 `sweep_number`) is kept, and so are values beyond 2^53.
    const d = dtype !== undefined && isNumericDType(dtype) ? dtype : list.some((v) => typeof v === "bigint") ? "int64" : "float64";
    return { data: toTypedArray(list as (number | bigint)[], d), shape, dtype: d };
  }
  return { data: list.map(String), shape, dtype: "text" };
}
