/**
 * `tsnwb info --json`: what a file holds, as data: the session's metadata and every typed object with its fields,
 * its arrays (dtype, shape, chunks, compression) and its links (by target path). No array data is read.
 */
import type { AbstractContainer, NWBFile } from "../index.js";
import { isLazyArray, type LazyArray } from "../data/lazy.js";
import { externalLinkOf } from "../mapping/external-links.js";

/** Where an object or array read through an external link is: its file (an absolute path) and its path there. */
export interface ExternalInfo {
  file: string;
  path: string;
}

function externalInfo(x: unknown): { external?: ExternalInfo } {
  const target = externalLinkOf(x);
  return target === undefined ? {} : { external: { file: target.file, path: target.path } };
}

export interface ObjectInfo {
  path: string;
  neurodata_type: string;
  namespace: string;
  /** Text, numbers and flags. */
  fields: Record<string, unknown>;
  arrays: Record<string, { dtype: string; shape: number[]; chunks: number[] | null; compression: string | null; external?: ExternalInfo }>;
  /** Linked and referenced objects, by path. */
  links: Record<string, string | string[]>;
  /** Set when the object is in another file, reached through an external link. */
  external?: ExternalInfo;
}

const isObject = (v: unknown): v is AbstractContainer => typeof v === "object" && v !== null && "object_id" in v;

function objectInfo(c: AbstractContainer): ObjectInfo {
  const values = c as unknown as Record<string, unknown>;
  const info: ObjectInfo = { path: c.container_source?.path ?? c.name, neurodata_type: c.neurodata_type, namespace: c.namespace, fields: {}, arrays: {}, links: {}, ...externalInfo(c) };
  for (const f of c.layout.fields) {
    const v = values[f.key];
    if (v === undefined || f.kind === "children" || f.kind === "child") continue;
    if (isObject(v)) info.links[f.key] = v.container_source?.path ?? v.name;
    else if (Array.isArray(v) && v.length > 0 && v.every(isObject)) info.links[f.key] = v.map((o) => o.container_source?.path ?? o.name);
    else if (isLazyArray(v) || (typeof v === "object" && v !== null && "read" in v)) {
      const a = v as LazyArray;
      info.arrays[f.key] = { dtype: a.dtype, shape: a.shape, chunks: a.chunks ?? null, compression: a.compression ?? null, ...externalInfo(a) };
    } else info.fields[f.key] = v;
  }
  return info;
}

/** The file as data. */
export function fileInfo(nwbfile: NWBFile, file: string): { file: string; nwb_version: string; session: Record<string, unknown>; objects: ObjectInfo[] } {
  const root = objectInfo(nwbfile);
  const objects = [...nwbfile.objects.values()].filter((o) => o !== (nwbfile as AbstractContainer)).map(objectInfo);
  objects.sort((a, b) => a.path.localeCompare(b.path));
  const version = (nwbfile as unknown as { nwb_version?: string }).nwb_version ?? "";
  return { file, nwb_version: version, session: { ...root.fields, ...root.links }, objects };
}
