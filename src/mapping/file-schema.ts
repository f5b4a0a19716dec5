/**
 * The schema a file is written in, found as pynwb's validator finds it (pynwb/validate.py): the namespaces the file
 * caches, in the versions it caches; for a file that caches none (pynwb 1.0.2 and older wrote none), tsnwb's
 * bundled namespaces, as pynwb falls back to its own. A file that caches tsnwb's own versions (every file tsnwb and
 * current pynwb write) is read with the bundled catalog, its extensions added to it; a file of an older version
 * gets a catalog of its own, so that NWB 2.3's rules judge an NWB 2.3 file.
 */
import type { GroupBuilder } from "./builders.js";
import { NamespaceCatalog } from "../schema/catalog.js";
import { latestCachedVersion, loadCachedSpecifications } from "./specifications.js";

/** Which schema a file is judged (and written again) by. */
export interface FileSchema {
  /** The namespaces, with inheritance resolved. */
  readonly catalog: NamespaceCatalog;
  /**
   * `cached`: the file's own `/specifications`; `bundled`: tsnwb's namespaces, because the file caches none (then
   * its `nwb_version` is its own claim: tsnwb has no schema of that version to hold it to).
   */
  readonly origin: "cached" | "bundled";
  /** The version the root's `nwb_version` attribute names, if it names one. */
  readonly nwbVersion: string | undefined;
}

/**
 * The schema of the file whose tree is `root`. `bundled` is tsnwb's catalog (which cached extensions are added to
 * when the file is of tsnwb's versions). A cache tsnwb cannot read is a FormatError naming the file.
 */
export async function fileSchema(root: GroupBuilder, fileName: string, bundled: NamespaceCatalog): Promise<FileSchema> {
  const attr = root.attributes.get("nwb_version")?.value;
  const version = attr !== undefined && !("kind" in attr) ? (attr.data as ArrayLike<unknown>)[0] : undefined;
  const nwbVersion = typeof version === "string" ? version : undefined;
  const specs = root.groups.get("specifications");
  const cached = new Map<string, string>();
  for (const [name, byVersion] of specs?.groups ?? []) {
    const latest = latestCachedVersion(byVersion);
    if (latest !== undefined) cached.set(name, latest);
  }
  if (cached.size === 0) return { catalog: bundled, origin: "bundled", nwbVersion };
  // Cached namespaces tsnwb bundles, each in the version tsnwb has: the bundled catalog serves (extensions added).
  const sameAsBundled = [...cached].every(([name, v]) => bundled.namespace(name) === undefined || bundled.namespace(name)!.namespace.version === v);
  if (sameAsBundled) {
    await loadCachedSpecifications(bundled, root, fileName);
    return { catalog: bundled, origin: "cached", nwbVersion };
  }
  const own = new NamespaceCatalog();
  await loadCachedSpecifications(own, root, fileName);
  return { catalog: own, origin: "cached", nwbVersion };
}
