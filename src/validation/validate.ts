/**
 * `validate` where files are opened (any environment): an open file handle's tree, or an NWBFile in memory, checked
 * against the schema (see `validator.ts`). A file is checked against the namespaces it caches, in the versions it
 * caches (`mapping/file-schema.ts`), so an extension's types are checked by the extension's own schema and an older
 * file by its version's; one that caches none against tsnwb's bundled namespaces, as pynwb's validator falls back
 * to its own; `core: true` checks against tsnwb's bundled namespaces only.
 */
import type { NWBIOBase } from "../io/io-base.js";
import type { GroupBuilder } from "../mapping/builders.js";
import type { NWBFile } from "../containers/file.js";
import { buildFile } from "../mapping/mapper.js";
import { fileSchema } from "../mapping/file-schema.js";
import { NWB_VERSION, typeCatalog } from "../schema/bundled.js";
import { readSourceOf } from "../mapping/read-source.js";
import { inOwnVersion, keepReadForm, keepVersion, ownFixedValues } from "../mapping/as-read.js";
import { type ValidationIssue, validateTree } from "./validator.js";

/** What `validate` takes. */
export interface ValidateOptions {
  /** Check against tsnwb's bundled namespaces (core, hdmf-common, hdmf-experimental) only, not the file's cache. */
  core?: boolean;
}

/** The issues of a file open for reading (`NWBHDF5IO` or `NWBMemoryIO`); an empty list when it is valid. */
export async function validateIO(io: NWBIOBase, options: ValidateOptions = {}): Promise<ValidationIssue[]> {
  return validateReadTree(io._readTree(), io.path, options);
}

/** The issues of a file's builder tree as read from `path` (an HDF5 file's or a Zarr store's). */
export async function validateReadTree(root: GroupBuilder, path: string, options: ValidateOptions = {}): Promise<ValidationIssue[]> {
  if (options.core) return validateTree(root, typeCatalog);
  // The versions the file caches judge it (an NWB 2.3 file by NWB 2.3's rules); one that caches none, the bundled ones.
  const schema = await fileSchema(root, path, typeCatalog);
  return validateTree(root, schema.catalog, { versionNamedByFile: schema.origin === "bundled" });
}

/**
 * The issues of an NWBFile in memory, as it would be written: one read from a file of an older version is judged
 * in that version, as a write keeps it (`mapping/as-read.ts`).
 */
export async function validateNWBFile(nwbfile: NWBFile): Promise<ValidationIssue[]> {
  const { root, builderOf } = buildFile(nwbfile, { cacheSpec: false });
  const source = readSourceOf(nwbfile);
  if (source) keepReadForm(builderOf);
  if (source === undefined || !inOwnVersion(source, NWB_VERSION)) return validateTree(root, typeCatalog);
  keepVersion(root, source);
  ownFixedValues(builderOf, source);
  return validateTree(root, source.schema.catalog, { versionNamedByFile: source.schema.origin === "bundled" });
}
