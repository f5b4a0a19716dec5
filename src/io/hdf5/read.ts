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
import { type ByteSource, type DecodedAttribute, type HeapCache, attributesFromHeader, metadataBytesOf } from "./attribute-messages.js";
import { groupLinks } from "./group-links.js";
import { type ObjectHeader, checkSuperblock } from "./object-header.js";
import { datasetFromHeader } from "./dataset-header.js";
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
    /**
     * The root group's header address, for a file read from its bytes alone (`NWBHDF5IO._openWithoutHDF5`): HDF5 is
     * then not asked to list each group (`m` and `file` are stand-ins, asked only for what the bytes do not answer).
     */
    private readonly rootAddress?: number,
  ) {}

  /** The groups and datasets walked (reached by hard links), for the paths references point to. */
  private readonly objects: string[] = ["/"];
  /** References met in attributes, named once the walk is done (see `reference-names.ts`). */
  private readonly references: { refs: Uint8Array[]; targets: string[]; holder: string }[] = [];

  readTree(): GroupBuilder {
    const root = new GroupBuilder("root");
    this.readGroupInto(root, "/", this.rootAddress);
    if (this.references.length > 0) {
      const names = new ReferenceNames(this.m, this.file);
      names.setObjects(this.objects);
      for (const [path, reference] of this.addresses) names.knowAddress(path, reference);
      for (const { refs, targets, holder } of this.references) targets.push(...refs.map((r) => names.name(r, holder)));
    }
    return root;
  }

  private childPath(parent: string, name: string): string {
    return parent === "/" ? `/${name}` : `${parent}/${name}`;
  }

  /**
   * Reads the group at `path` into `g`; `address`: its header's, when known (from its parent's listing). Where the
   * file's bytes are at hand, its links are read from them (`group-links.ts`), else (or for what is not decoded
   * there) HDF5 is asked about each child.
   */
  private readGroupInto(g: GroupBuilder, path: string, address?: number, header?: ObjectHeader): void {
    const bytes = this.bytes;
    if (bytes !== undefined) {
      address ??= this.headerAddress(path);
      this.readAttributes(path, g.attributes, address, header);
      const links = groupLinks(bytes, address, header);
      // HDF5 opens the group by its path and lists the same names (one call a group): a file whose structure HDF5
      // cannot follow fails here, in the walk, as it did when HDF5 was asked about every child, not at a later read.
      // Not for a file read from its bytes alone: its reader reads it with HDF5 again if it fails.
      const listed = this.rootAddress === undefined ? this.m.get_names(this.file.file_id, path, false) as string[] : undefined;
      if (links !== undefined && (listed === undefined || (links.length === listed.length && links.every((l, i) => l.name === listed[i])))) {
        for (const link of links) {
          const child = this.childPath(path, link.name);
          if (link.kind === "soft") {
            g.add(new LinkBuilder(link.name, link.target));
          } else if (link.kind === "external") {
            const { file, path: target } = link;
            g.add(new LinkBuilder(link.name, target, { file, resolved: this.openLinked?.resolve(file), open: () => this.linkedTree(file, target, child) }));
          } else if (link.type === "group") {
            this.objects.push(child);
            const sub = new GroupBuilder(link.name);
            g.add(sub);
            this.readGroupInto(sub, child, link.address, link.header);
          } else if (link.type === "dataset") {
            this.objects.push(child);
            g.add(this.readDataset(link.name, child, link.address, link.header));
          }
          // Named datatypes are not part of NWB's layout; they are left alone.
        }
        return;
      }
    } else {
      this.readAttributes(path, g.attributes);
    }
    this.readChildrenThroughHDF5(g, path);
  }

  /** A group's children as HDF5 lists and types them, three calls a child (see {@link readGroupInto}). */
  private readChildrenThroughHDF5(g: GroupBuilder, path: string): void {
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
        g.add(this.readDataset(name, child));
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

  private readDataset(name: string, path: string, address?: number, header?: ObjectHeader): DatasetBuilder {
    const known = header && datasetFromHeader(header);
    const handle = known
      ? H5LazyDataset.known(this.m, this.file, path, this.fileName, known.shape, known.dtype, known.chunks, address!)
      : H5LazyDataset.at(this.m, this.file, path, this.fileName, true);
    const builder = new DatasetBuilder(name, handle, handle.shape.length === 0);
    this.readAttributes(path, builder.attributes, address, header);
    return builder;
  }

  /** Where the file's bytes can be read (files opened read-only), for attributes read from their headers. */
  private get bytes(): ByteSource | undefined {
    if (this.checkedBytes === undefined) {
      // A URL's bytes, from the reader's own cache of what was fetched ahead. Files on disk are left to HDF5: on a
      // damaged file, HDF5's walk fails where and as it always did (the fuzz of damaged-files.test.ts pins its
      // messages), which a walk of the bytes would not (it reads what HDF5 may refuse, and the reverse).
      const bytes = metadataBytesOf(this.file);
      // Addresses are the file's offsets only with the superblock at 0 (no user block), and 8 bytes wide.
      try {
        if (bytes !== undefined) checkSuperblock(bytes);
        this.checkedBytes = bytes ?? false;
      } catch {
        this.checkedBytes = false;
      }
    }
    return this.checkedBytes === false ? undefined : this.checkedBytes;
  }

  private checkedBytes?: ByteSource | false;
  private readonly heaps: HeapCache = new Map();
  /** The objects' references (header addresses) asked to read their headers, for the paths references name. */
  private readonly addresses: [string, number][] = [];

  /** The address of the header of the object at `path` (what its object reference holds). */
  private headerAddress(path: string): number {
    const reference = this.m.create_object_reference(this.file.file_id, path);
    let address = 0;
    for (let i = 7; i >= 0; i--) address = address * 256 + reference[i]!;
    return address;
  }

  private readAttributes(path: string, into: Map<string, AttributeBuilder>, address?: number, header?: ObjectHeader): void {
    const bytes = this.bytes;
    if (bytes !== undefined) {
      address ??= this.headerAddress(path);
      const attributes = attributesFromHeader(bytes, address, this.heaps, header);
      if (attributes !== undefined) {
        this.addresses.push([path, address]);
        for (const { name, value } of attributes) this.addDecoded(path, name, value, into);
        return;
      }
    }
    for (const [name, attr] of Object.entries(attributesAt(this.file, path))) this.readAttribute(name, attr, into);
  }

  private addDecoded(path: string, name: string, decoded: DecodedAttribute, into: Map<string, AttributeBuilder>): void {
    const scalar = decoded.shape.length === 0;
    if (decoded.kind === "references") {
      const targets: string[] = [];
      this.references.push({ refs: decoded.refs, targets, holder: path });
      into.set(name, { value: { kind: "reference", targets }, scalar });
    } else if (decoded.kind === "text") {
      into.set(name, { value: { data: decoded.values, shape: decoded.shape, dtype: "text" }, scalar });
    } else {
      into.set(name, { value: { data: decoded.values, shape: decoded.shape, dtype: dtypeOfTypedArray(decoded.values) }, scalar });
    }
  }

  private readAttribute(name: string, attr: ReturnType<typeof attributesAt>[string], into: Map<string, AttributeBuilder>): void {
    const scalar = attr.shape === null || attr.shape.length === 0;
    const dtype = dtypeFromH5wasm(attr.dtype);
    const value = attr.value;
    if (dtype === "reference") {
      const refs = (Array.isArray(value) ? value : [value]) as { ref_data: Uint8Array }[];
      const targets = refs.map((r) => this.m.get_referenced_name(this.file.file_id, r.ref_data, true));
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
