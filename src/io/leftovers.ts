/**
 * Temporary files a crashed write left behind. Writes work on `.NAME.<id>.tsnwb-tmp` beside the target and rename
 * it into place at `close()`; a process killed before that leaves the temporary file. `tsnwb info` reports those of
 * the file it shows, and `tsnwb clean DIR` removes a folder's.
 */
import { readdirSync, rmSync, statSync } from "node:fs";
import * as nodePath from "node:path";

/** A leftover temporary file: its path, the NWB file it was being written as, its size and last change. */
export interface Leftover {
  path: string;
  target: string;
  bytes: number;
  modified: Date;
}

/** `.NAME.<8 hex digits>.tsnwb-tmp`: what {@link temporaryPath} makes, and what is looked for here. */
const TEMPORARY = /^\.(.+)\.[0-9a-f]{8}\.tsnwb-tmp$/;

/** A new temporary file beside `target`, where a write works until `close()` renames it into place. */
export function temporaryPath(target: string): string {
  const id = globalThis.crypto.randomUUID().slice(0, 8);
  return nodePath.join(nodePath.dirname(target), `.${nodePath.basename(target)}.${id}.tsnwb-tmp`);
}

/** The leftover temporary files in `folder` (of any NWB file, or only of `target` when given). */
export function findLeftovers(folder: string, target?: string): Leftover[] {
  const out: Leftover[] = [];
  for (const name of readdirSync(folder)) {
    const m = TEMPORARY.exec(name);
    if (!m || (target !== undefined && m[1] !== nodePath.basename(target))) continue;
    const path = nodePath.join(folder, name);
    const stat = statSync(path);
    if (stat.isFile()) out.push({ path, target: nodePath.join(folder, m[1]!), bytes: stat.size, modified: stat.mtime });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Removes the leftover temporary files of `folder`; gives those removed. One being written right now by a running
 * tsnwb process would be removed too: `olderThanSeconds` spares those changed more recently.
 */
export function cleanLeftovers(folder: string, olderThanSeconds = 0): Leftover[] {
  const cutoff = Date.now() - olderThanSeconds * 1000;
  const removed: Leftover[] = [];
  for (const leftover of findLeftovers(folder)) {
    if (leftover.modified.getTime() > cutoff) continue;
    rmSync(leftover.path, { force: true });
    removed.push(leftover);
  }
  return removed;
}
