/**
 * Reads an open HDF5 file into a builder tree: groups, attributes (read, they are small), soft links (kept as
 * links, by target path), external links (kept as links, by file and path; the file is opened only when the link
 * is followed) and datasets as lazy handles (nothing of their data is read here).
 */
import { type AttributeBuilder, DatasetBuilder, GroupBuilder, LinkBuilder, type LinkedTree } from "../../mapping/builders.js";
import { type DType, dtypeFromH5wasm, dtypeOfTypedArray, isNumericDType, toTypedArray } from "../../data/dtype.js";
import type { NDArray } from "../../data/ndarray.js";
import { type H5File, type H5Module, attributesAt } from "./h5.js";
import { H5LazyDataset } from "./lazy-dataset.js";
import { type AttributeMetadata, readAttributeValues } from "./attributes.js";
import { ReferenceNames } from "./reference-names.js";
import { FormatError } from "../../errors.js";

/** How the files external links name (`file`, as stored) are found and opened (`link`, the link's path, for errors). */
export interface LinkedFileOpener {
  /** Where `file` is: an absolute path. */
  resolve(file: string): string;
  /** Its tree (the file opened read-only on first use). */
  open(file: string, link: string): LinkedTree;
}

export class HDF5Reader {
  constructor(
    private readonly m: H5Module,
    private readonly file: H5File,
    private readonly fileName: string,
    /** How external links are followed; without it (files from bytes or URLs) following one is refused. */
    private readonly openLinked?: LinkedFileOpener,
  ) {}

  /** The groups and datasets walked (reached by hard links), for the paths references point to. */
  private readonly objects: string[] = ["/"];
  /** References met in attributes, named once the walk is done (see `reference-names.ts`). */
  private readonly references: { refs: Uint8Array[]; targets: string[]; holder: string }[] = [];

  readTree(): GroupBuilder {
    const root = new GroupBuilder("root");
    this.readGroupInto(root, "/");
    if (this.references.length > 0) {
      const names = new ReferenceNames(this.m, this.file);
      names.setObjects(this.objects);
      for (const { refs, targets, holder } of this.references) targets.push(...refs.map((r) => names.name(r, holder)));
    }
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
      // Before anything that resolves the name: HDF5 would follow an external link itself, relative to the working
      // directory rather than this file's folder.
      const external = this.m.get_external_link(this.file.file_id, child);
      if (typeof external?.filename === "string") {
        const file = external.filename;
        g.add(new LinkBuilder(name, external.obj_path, { file, resolved: this.openLinked?.resolve(file), open: () => this.linkedTree(file, external.obj_path, child) }));
        continue;
      }
      const type = this.m.get_type(this.file.file_id, child);
      if (type === this.m.H5G_GROUP || type === this.m.H5G_DATASET) this.objects.push(child);
      if (type === this.m.H5G_GROUP) {
        const sub = new GroupBuilder(name);
        g.add(sub);
        this.readGroupInto(sub, child);
      } else if (type === this.m.H5G_DATASET) {
        const ds = this.readDataset(name, child);
        g.add(ds);
      }
      // Named datatypes are not part of NWB's layout; they are left alone.
    }
  }

  private linkedTree(file: string, target: string, link: string): LinkedTree {
    if (this.openLinked === undefined) {
      throw new FormatError(this.fileName, `${link} is an external link to ${target} in ${file}, which cannot be followed here: a file given as bytes or by URL has no folder to open ${file} from`);
    }
    return this.openLinked.open(file, link);
  }

  private readDataset(name: string, path: string): DatasetBuilder {
    const handle = H5LazyDataset.at(this.m, this.file, path, this.fileName, true);
    const builder = new DatasetBuilder(name, handle, handle.shape.length === 0);
    this.readAttributes(path, builder.attributes);
    return builder;
  }

  private readAttributes(path: string, into: Map<string, AttributeBuilder>): void {
    const fileId = this.file.file_id;
    let others: ReturnType<typeof attributesAt> | undefined;
    for (const name of this.m.get_attribute_names(fileId, path) as string[]) {
      const meta = this.m.get_attribute_metadata(fileId, path, name) as unknown as AttributeMetadata;
      const scalar = meta.shape === null || meta.shape.length === 0;
      const decoded = readAttributeValues(this.m, fileId, path, name, meta);
      if (decoded?.kind === "references") {
        const targets: string[] = [];
        this.references.push({ refs: decoded.refs, targets, holder: path });
        into.set(name, { value: { kind: "reference", targets }, scalar });
      } else if (decoded?.kind === "text") {
        into.set(name, { value: { data: decoded.values, shape: decoded.shape, dtype: "text" }, scalar });
      } else if (decoded?.kind === "numbers") {
        into.set(name, { value: { data: decoded.values, shape: decoded.shape, dtype: dtypeOfTypedArray(decoded.values) }, scalar });
      } else {
        // A type left to h5wasm (compound, enum, array...): its Attribute decodes it.
        others ??= attributesAt(this.file, path);
        this.readAttribute(path, name, others[name]!, into);
      }
    }
  }

  private readAttribute(path: string, name: string, attr: ReturnType<typeof attributesAt>[string], into: Map<string, AttributeBuilder>): void {
    const scalar = attr.shape === null || attr.shape.length === 0;
    const dtype = dtypeFromH5wasm(attr.dtype);
    const value = attr.value;
    if (dtype === "reference") {
      const refs = (Array.isArray(value) ? value : [value]) as { ref_data: Uint8Array }[];
      const targets: string[] = [];
      this.references.push({ refs: refs.map((r) => r.ref_data), targets, holder: path });
      into.set(name, { value: { kind: "reference", targets }, scalar });
      return;
    }
    into.set(name, { value: toNDArray(value, dtype, attr.shape ?? []), scalar });
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
