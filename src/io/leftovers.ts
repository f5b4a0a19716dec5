/**
 * What a crashed write left behind. Writes work on `.NAME.<id>.tsnwb-tmp` beside the target and rename it into
 * place at `close()`; a process killed before that leaves the temporary file. Writes into the file itself (mode
 * "a" in place, live files) keep `.NAME.tsnwb-journal` beside it (`journal.ts`); a process killed before `close()`
 * leaves the journal, from which the file is restored. `tsnwb info` reports those of the file it shows, and
 * `tsnwb clean DIR` restores and removes a folder's.
 */
import { readdirSync, rmSync, statSync } from "node:fs";
import * as nodePath from "node:path";
import { recoverJournal } from "./journal.js";

/**
 * A leftover: a temporary file, or the journal of an interrupted write; its path, the NWB file it was written for,
 * its size and last change. `restored`: set by {@link cleanLeftovers} for a journal the file was restored from.
 */
export interface Leftover {
  /** The leftover file's (or, for an NWB Zarr store being written, folder's) own path. */
  path: string;
  /** The NWB file it was written for. */
  target: string;
  /** A temporary file a write did not put in place, or the undo journal of an in-place write. */
  kind: "temporary" | "journal";
  /** Its size in bytes (0 for a folder). */
  bytes: number;
  /** When it was last changed. */
  modified: Date;
  /** A journal replayed by `cleanLeftovers`: the target is back as it was before the crashed write. */
  restored?: boolean;
}

/** `.NAME.<8 hex digits>.tsnwb-tmp`: what {@link temporaryPath} makes, and what is looked for here. */
const TEMPORARY = /^\.(.+)\.[0-9a-f]{8}\.tsnwb-tmp$/;
/** `.NAME.tsnwb-journal`: `journal.ts`'s `journalPath`. */
const JOURNAL = /^\.(.+)\.tsnwb-journal$/;

/** A new temporary file beside `target`, where a write works until `close()` renames it into place. */
export function temporaryPath(target: string): string {
  const id = globalThis.crypto.randomUUID().slice(0, 8);
  return nodePath.join(nodePath.dirname(target), `.${nodePath.basename(target)}.${id}.tsnwb-tmp`);
}

/** The leftovers in `folder` (of any NWB file, or only of `target` when given): journals first. */
export function findLeftovers(folder: string, target?: string): Leftover[] {
  const out: Leftover[] = [];
  for (const name of readdirSync(folder)) {
    const journal = JOURNAL.exec(name);
    const m = journal ?? TEMPORARY.exec(name);
    if (!m || (target !== undefined && m[1] !== nodePath.basename(target))) continue;
    const path = nodePath.join(folder, name);
    const stat = statSync(path);
    // A temporary folder is an NWB Zarr store being written (NWBZarrIO, mode "w").
    if (stat.isFile() || (stat.isDirectory() && !journal)) out.push({ path, target: nodePath.join(folder, m[1]!), kind: journal ? "journal" : "temporary", bytes: stat.isFile() ? stat.size : 0, modified: stat.mtime });
  }
  return out.sort((a, b) => (a.kind === b.kind ? a.path.localeCompare(b.path) : a.kind === "journal" ? -1 : 1));
}

/**
 * Restores the files of `folder` that interrupted writes left journals of, and removes its temporary files; gives
 * what it removed. A journal whose writer still runs is left alone. A temporary file being written right now by a
 * running tsnwb process would be removed too, as a journal its writer has just made: `olderThanSeconds` spares
 * those changed more recently.
 */
export function cleanLeftovers(folder: string, olderThanSeconds = 0): Leftover[] {
  const cutoff = Date.now() - olderThanSeconds * 1000;
  const removed: Leftover[] = [];
  for (const leftover of findLeftovers(folder)) {
    if (leftover.kind === "journal") {
      // One without its header yet is a writer's that was starting (cleaning says none runs now) or was killed then.
      const recovery = recoverJournal(leftover.target, leftover.modified.getTime() <= cutoff);
      if (recovery?.removed) removed.push({ ...leftover, restored: recovery.outcome === "restored" });
      continue;
    }
    if (leftover.modified.getTime() > cutoff) continue;
    rmSync(leftover.path, { force: true, recursive: true });
    removed.push(leftover);
  }
  return removed;
}
