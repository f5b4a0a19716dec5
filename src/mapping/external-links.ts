/**
 * What was read through an HDF5 external link (pynwb's linking tutorial: a series' data, or a whole series, in
 * another file): each such object or array remembers where it is, so that a write can link to it again (an export
 * keeps the link) rather than copy it, and `tsnwb info` can say where it is.
 */
import type { Builder } from "./builders.js";

/** Where an object or array read through an external link is. */
export interface ExternalLinkTarget {
  /** The file it is in: an absolute path. */
  readonly file: string;
  /** Its path in that file. */
  readonly path: string;
  /** Its builder in that file's tree (attributes read): what a link to it is checked against before a write. */
  readonly builder: Builder;
}

const targets = new WeakMap<object, ExternalLinkTarget>();
/** The builder each object read from a file was read from: what a link to it from another file is checked against. */
const stored = new WeakMap<object, Builder>();

/** @internal records the builder an object was read from. */
export function markStored(obj: object, builder: Builder): void {
  stored.set(obj, builder);
}

/** @internal the builder an object was read from, if it was read from a file. */
export function storedBuilderOf(obj: object): Builder | undefined {
  return stored.get(obj);
}

/** @internal records that `x` (a container or a lazy array) was read through an external link to `target`. */
export function markExternal(x: object, target: ExternalLinkTarget): void {
  targets.set(x, target);
}

/**
 * Where an object or array read through an HDF5 external link is (its file, an absolute path, and its path there);
 * undefined for anything else. A write links to it again (see `IOOptions.linkData`).
 */
export function externalLinkOf(x: unknown): ExternalLinkTarget | undefined {
  return typeof x === "object" && x !== null ? targets.get(x) : undefined;
}
