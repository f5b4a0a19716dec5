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
import { type AttributeMetadata, type DecodedAttribute, readAttributeValues } from "./attributes.js";
import { type ByteSource, type HeapCache, attributesFromHeader, blockCache, metadataBytesOf } from "./attribute-messages.js";
import { directFileOf } from "./direct-read.js";
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
      if (links !== undefined) {
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
    const names = this.m.get_names(this.file.file_id, path, false) as string[];
    // Links first, each name asked whether it is a soft or an external link: before anything that resolves the
    // name, since HDF5 would follow an external link itself, relative to the working directory rather than this
    // file's folder.
    const links = names.map((name): LinkBuilder | undefined => {
      const child = this.childPath(path, name);
      const link = this.file.get_link(child);
      if (typeof link === "string") return new LinkBuilder(name, link);
      const external = this.m.get_external_link(this.file.file_id, child);
      if (typeof external?.filename !== "string") return undefined;
      const file = external.filename;
      return new LinkBuilder(name, external.obj_path, { file, resolved: this.openLinked?.resolve(file), open: () => this.linkedTree(file, external.obj_path, child) });
    });
    const types = links.some((l) => l !== undefined) ? undefined : this.childTypes(path, names.length);
    names.forEach((name, i) => {
      const link = links[i];
      if (link !== undefined) {
        g.add(link);
        return;
      }
      const child = this.childPath(path, name);
      const type = types?.get(name) ?? this.m.get_type(this.file.file_id, child);
      if (type === this.m.H5G_GROUP || type === this.m.H5G_DATASET) this.objects.push(child);
      if (type === this.m.H5G_GROUP) {
        const sub = new GroupBuilder(name);
        g.add(sub);
        this.readGroupInto(sub, child);
      } else if (type === this.m.H5G_DATASET) {
        g.add(this.readDataset(name, child));
      }
      // Named datatypes are not part of NWB's layout; they are left alone.
    });
  }

  /**
   * The types of a group's children (as `get_type` gives them: H5G_GROUP, H5G_DATASET...) in one call, for a
   * group without links (HDF5 would follow an external one; a soft one to nothing makes the call fail, and a
   * failed call leaves the group open in HDF5) and with few children (HDF5 finds each child by its index, walking
   * the group's index anew: quadratic in the group's size). Undefined otherwise, or when HDF5 cannot tell: each
   * child is then asked on its own.
   */
  private childTypes(path: string, count: number): Map<string, number> | undefined {
    if (count === 0 || count > 64) return undefined;
    let types: Record<string, number>;
    try {
      types = (this.m as unknown as { get_types(id: bigint, path: string): Record<string, number> }).get_types(this.file.file_id, path);
    } catch {
      return undefined;
    }
    const asGroupTypes = new Map<string, number>();
    for (const [name, type] of Object.entries(types)) {
      const known = type === this.m.H5O_TYPE_GROUP ? this.m.H5G_GROUP : type === this.m.H5O_TYPE_DATASET ? this.m.H5G_DATASET : undefined;
      if (known !== undefined) asGroupTypes.set(name, known);
    }
    return asGroupTypes;
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
      // A URL's bytes come from the reader's own cache of what was fetched ahead (blocks would fetch more); a file
      // on disk is read in blocks kept for the walk.
      const direct = directFileOf(this.file);
      const bytes = metadataBytesOf(this.file) ?? (direct && blockCache(direct));
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
    const fileId = this.file.file_id;
    let others: ReturnType<typeof attributesAt> | undefined;
    for (const name of this.m.get_attribute_names(fileId, path) as string[]) {
      const meta = this.m.get_attribute_metadata(fileId, path, name) as unknown as AttributeMetadata;
      const decoded = readAttributeValues(this.m, fileId, path, name, meta);
      if (decoded !== undefined) {
        this.addDecoded(path, name, decoded, into);
      } else {
        // A type left to h5wasm (compound, enum, array...): its Attribute decodes it.
        others ??= attributesAt(this.file, path);
        this.readAttribute(path, name, others[name]!, into);
      }
    }
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
