/**
 * `validate` where files are opened (any environment): an open file handle's tree, or an NWBFile in memory, checked
 * against the schema (see `validator.ts`). The file's cached namespaces are loaded first, so an extension's types
 * are checked by the extension's own schema; `core: true` checks against tsnwb's bundled namespaces only.
 */
import type { NWBIOBase } from "../io/io-base.js";
import type { NWBFile } from "../containers/file.js";
import { buildFile } from "../mapping/mapper.js";
import { loadCachedSpecifications } from "../mapping/specifications.js";
import { typeCatalog } from "../schema/bundled.js";
import { type ValidationIssue, validateTree } from "./validator.js";

export interface ValidateOptions {
  /** Check against tsnwb's bundled namespaces (core, hdmf-common, hdmf-experimental) only, not the file's cache. */
  core?: boolean;
}

/** The issues of a file open for reading (`NWBHDF5IO` or `NWBMemoryIO`); an empty list when it is valid. */
export async function validateIO(io: NWBIOBase, options: ValidateOptions = {}): Promise<ValidationIssue[]> {
  const root = io._readTree();
  if (!options.core) await loadCachedSpecifications(typeCatalog, root, io.path);
  return validateTree(root, typeCatalog);
}

/** The issues of an NWBFile in memory, as it would be written. */
export async function validateNWBFile(nwbfile: NWBFile): Promise<ValidationIssue[]> {
  const { root } = buildFile(nwbfile, { cacheSpec: false });
  return validateTree(root, typeCatalog);
}
