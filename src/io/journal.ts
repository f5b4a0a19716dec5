/**
 * The undo journal of a write into an existing file (mode "a" with `inPlace`, and live files): HDF5 has no journal
 * of its own, so a process killed while it rewrites a file's metadata leaves the file damaged (pynwb's mode "a"
 * has the same risk). Before any byte the file had when the journal began (or at its last checkpoint) is changed,
 * the original bytes of its page are saved, once, to `.NAME.tsnwb-journal` beside it, each record complete (with
 * its checksum) before the file is touched. Bytes appended past that size need no saving: restoring truncates
 * them. Deleting the journal is the commit.
 *
 * A checkpoint (a live file after HDF5's flush, which leaves it consistent) starts the journal again from the file
 * as it is, so a kill rolls back to the last flush only. Restoring (`tsnwb clean`, or the next open of the file)
 * writes the saved pages back, truncates to the saved size, and clears the superblock's "open for write" flags a
 * killed HDF5 1.10 writer leaves (as `h5clear -s`).
 *
 * Records reach the operating system before the file's bytes they save, which survives any end of the process (a
 * kill, a crash). An in-place append's journal is also forced to disk (fsync) before each overwrite, its folder
 * once it exists, and the file before the journal is removed, so that a power loss or a crash of the system is
 * survived too (0.1-0.3 s of a 1000-frame append, bench/append_journal.mjs); a live file's is not: with a flush
 * per frame, forcing it made a live append about 5 times slower (see the README's limits).
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, existsSync, openSync, readFileSync, readSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import * as nodePath from "node:path";
import { FormatError, ModeError } from "../errors.js";
import { clearSuperblockFlags, lookup3, readUint, writeUint } from "./hdf5/object-header.js";

/** Saved in whole pages: HDF5 rewrites small pieces of metadata many times, each page is saved once. */
const PAGE = 4096;
const MAGIC = "TSNWBJ01";
/**
 * The header's bytes: the magic, the JSON's length, the JSON, zeros, the checksum of what precedes it. Of fixed
 * size, so that a checkpoint replaces it with one write (within a page: a kill cannot cut it).
 */
const HEADER_BYTES = 1024;
/** Writes that leave a page unchanged before it is saved anyway, rather than read and compared at each. */
const SAVE_AFTER_UNCHANGED = 8;
/** A record's head: the position (8 bytes), length (4), generation (4) and checksum (4) of the bytes that follow. */
const RECORD_HEAD = 20;

/** Who began a journal, and what file it restores. */
export interface JournalHeader {
  /** The file's name (beside the journal). */
  target: string;
  /** What wrote the file: an in-place append, or a live file (checkpointed at each flush). */
  kind: "in-place" | "live";
  pid: number;
  host: string;
  /** When the writer started (Linux: clock ticks since boot), so that a reused process id is not taken for it. */
  processStart?: string;
  /** The file's identity: a journal is only ever applied to the file it was made for, not one since put at its path. */
  dev: string;
  ino: string;
  /** The file's size when the journal began or at its last checkpoint: what restoring truncates to. */
  size: number;
  /** Counts the checkpoints: records of an earlier one are not applied. */
  generation: number;
}

/** `.NAME.tsnwb-journal`: one per file, made exclusively, so it is also the lock of an in-place or live writer. */
export function journalPath(target: string): string {
  return nodePath.join(nodePath.dirname(target), `.${nodePath.basename(target)}.tsnwb-journal`);
}

/** The journal of a write in progress. */
export class UndoJournal {
  /** Pages (of PAGE bytes) whose original bytes are saved since the last checkpoint. */
  private readonly saved = new Set<number>();
  /** How often writes left each page unchanged since the last checkpoint (see `save`). */
  private readonly unchanged = new Map<number, number>();
  /** Where the journal's next record goes. */
  private end = 0;
  private closed = false;

  private constructor(
    private readonly path: string,
    private readonly fd: number,
    /** The file, open to read its original bytes (by descriptor: a live new file is renamed while journaled). */
    private readonly file: number,
    private header: JournalHeader,
    /** Whether the journal is forced to disk before each overwrite (in place; see the module's comment). */
    private readonly durable: boolean,
  ) {}

  /**
   * Begins the journal of `target`, whose bytes are at `file` now (the target itself, or a live file's temporary
   * name before it is renamed to the target). Fails when another writer's journal is there.
   */
  static begin(target: string, kind: JournalHeader["kind"], file = target): UndoJournal {
    const path = journalPath(target);
    let fd: number;
    try {
      fd = openSync(path, "wx");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") throw new ModeError(`${target} is being written by another process (its journal ${path} exists; if no writer is running, tsnwb clean ${nodePath.dirname(target)} restores the file)`);
      throw e;
    }
    let read: number | undefined;
    try {
      read = openSync(file, "r");
      const stat = fstatSync(read, { bigint: true });
      const header: JournalHeader = {
        target: nodePath.basename(target), kind, pid: process.pid, host: hostname(), processStart: processStart(process.pid),
        dev: String(stat.dev), ino: String(stat.ino), size: Number(stat.size), generation: 0,
      };
      const journal = new UndoJournal(path, fd, read, header, kind === "in-place");
      journal.writeHeader();
      if (journal.durable) {
        fsyncSync(fd);
        forceToDisk(nodePath.dirname(path));
      }
      return journal;
    } catch (e) {
      if (read !== undefined) closeSync(read);
      closeSync(fd);
      unlinkSync(path);
      throw e;
    }
  }

  /**
   * Saves the original bytes of the pages of `[position, position + length)` that the journal does not hold yet;
   * call before writing there. Given the bytes about to be written (`incoming`), pages they leave as they are are
   * not saved: HDF5 writes a chunk whole when a flush adds a value to it (a live series' timestamps, 64 KiB for
   * 8 bytes), and the rest of it needs no saving before the next checkpoint, the next flush of a live file. A page
   * written unchanged again and again (an in-place append flushed at every frame) is saved once instead.
   */
  save(position: number, length: number, incoming?: Uint8Array): void {
    const end = Math.min(position + length, this.header.size);
    if (position >= end || this.closed) return;
    const last = Math.floor((end - 1) / PAGE);
    for (let page = Math.floor(position / PAGE); page <= last; ) {
      if (this.saved.has(page)) {
        page++;
        continue;
      }
      let stop = page + 1;
      while (stop <= last && !this.saved.has(stop)) stop++;
      this.saveRun(page, stop, incoming && { position, bytes: incoming });
      page = stop;
    }
  }

  /** Before the file is truncated to `length`: the bytes past it are saved. */
  truncating(length: number): void {
    this.save(length, Math.max(0, this.header.size - length));
  }

  /** The file is consistent now (HDF5 has flushed it): a kill from here on rolls back to this point. */
  checkpoint(): void {
    this.header = { ...this.header, size: fstatSync(this.file).size, generation: this.header.generation + 1 };
    this.saved.clear();
    this.unchanged.clear();
    // One write replaces the header: before it, the journal restores the previous checkpoint; after it, this one.
    // The earlier records, of another generation, are ignored, and overwritten by the next ones (not truncated:
    // freeing and allocating the journal's blocks at every flush of a live file costs more than the rest).
    this.writeHeader();
  }

  /** The write is complete: the journal is removed (after the file's last change). */
  commit(): void {
    if (this.durable && !this.closed) fsyncSync(this.file);
    this.drop();
  }

  /** The file is being removed (a live new file that failed): the journal goes without restoring anything. */
  drop(): void {
    this.close();
    unlinkSync(this.path);
  }

  /** The write failed: the file is restored (as after a kill) and the journal removed. */
  rollback(): void {
    this.close();
    restore(this.path, nodePath.join(nodePath.dirname(this.path), this.header.target), readJournal(this.path));
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.file);
    closeSync(this.fd);
  }

  private writeHeader(): void {
    const json = new TextEncoder().encode(JSON.stringify(this.header));
    if (12 + json.length + 4 > HEADER_BYTES) throw new Error(`${this.path}: a journal header of ${json.length} bytes does not fit in ${HEADER_BYTES}`);
    const bytes = new Uint8Array(HEADER_BYTES);
    bytes.set(new TextEncoder().encode(MAGIC), 0);
    writeUint(bytes, 8, 4, json.length);
    bytes.set(json, 12);
    writeUint(bytes, HEADER_BYTES - 4, 4, lookup3(bytes.subarray(0, HEADER_BYTES - 4)));
    writeAll(this.fd, bytes, 0);
    this.end = HEADER_BYTES;
  }

  /**
   * Saves pages [first, stop), none saved yet: read in one piece, written as one record per run of pages the
   * write changes (all of them when what is written is not known).
   */
  private saveRun(first: number, stop: number, write?: { position: number; bytes: Uint8Array }): void {
    const from = first * PAGE;
    const length = Math.min(stop * PAGE, this.header.size) - from;
    const old = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.file, old, done, length - done, from + done);
      // The file is shorter than the saved size only where a truncation (saved first) made it so.
      if (n === 0) break;
      done += n;
    }
    const compared = new Map<number, boolean>();
    const changes = (page: number): boolean => {
      if (!write || (this.unchanged.get(page) ?? 0) >= SAVE_AFTER_UNCHANGED) return true;
      if (!compared.has(page)) {
        const a = Math.max(page * PAGE, write.position);
        const b = Math.min((page + 1) * PAGE, write.position + write.bytes.length, from + done);
        const changed = a < b && Buffer.compare(old.subarray(a - from, b - from), write.bytes.subarray(a - write.position, b - write.position)) !== 0;
        if (!changed) this.unchanged.set(page, (this.unchanged.get(page) ?? 0) + 1);
        compared.set(page, changed);
      }
      return compared.get(page)!;
    };
    for (let page = first; page < stop; ) {
      if (!changes(page)) {
        page++;
        continue;
      }
      let end = page + 1;
      while (end < stop && changes(end)) end++;
      this.appendRecord(page * PAGE, old.subarray(page * PAGE - from, Math.min(end * PAGE - from, done)));
      for (let p = page; p < end; p++) this.saved.add(p);
      page = end;
    }
  }

  /** One record: the original `bytes` at `position`, complete with its checksum before the file is touched. */
  private appendRecord(position: number, bytes: Uint8Array): void {
    const record = new Uint8Array(RECORD_HEAD + bytes.length);
    record.set(bytes, RECORD_HEAD);
    writeUint(record, 0, 8, position);
    writeUint(record, 8, 4, bytes.length);
    writeUint(record, 12, 4, this.header.generation);
    writeUint(record, 16, 4, recordChecksum(record));
    writeAll(this.fd, record, this.end);
    if (this.durable) fsyncSync(this.fd);
    this.end += record.length;
  }
}

/** Forces a file's bytes, or a folder's entries (a file just made in it), to disk. */
export function forceToDisk(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}

/** A record's checksum: over its position, length, generation and bytes (its checksum field read as zero). */
function recordChecksum(record: Uint8Array): number {
  // A copy (a Buffer's slice would be a view of the journal read).
  const copy = new Uint8Array(record);
  copy.fill(0, 16, 20);
  return lookup3(copy);
}

/** A journal as read back: its header (undefined when incomplete) and its complete records. */
interface JournalContents {
  header?: JournalHeader;
  records: { position: number; bytes: Uint8Array }[];
}

/**
 * Reads a journal. A header cut short means the file was not touched since (the header is written first, when the
 * journal begins); the records of its generation are read up to the first incomplete one, whose bytes of the
 * file were not touched either.
 */
function readJournal(path: string): JournalContents {
  const bytes = readFileSync(path);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (bytes.length < HEADER_BYTES || magic !== MAGIC || lookup3(bytes.subarray(0, HEADER_BYTES - 4)) !== readUint(bytes, HEADER_BYTES - 4, 4)) return { records: [] };
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + readUint(bytes, 8, 4)))) as JournalHeader;
  const records: JournalContents["records"] = [];
  for (let at = HEADER_BYTES; at + RECORD_HEAD <= bytes.length; ) {
    const size = readUint(bytes, at + 8, 4);
    if (at + RECORD_HEAD + size > bytes.length) break;
    const record = bytes.subarray(at, at + RECORD_HEAD + size);
    if (readUint(record, 12, 4) !== header.generation || recordChecksum(record) !== readUint(record, 16, 4)) break;
    records.push({ position: readUint(record, 0, 8), bytes: record.subarray(RECORD_HEAD) });
    at += RECORD_HEAD + size;
  }
  return { header, records };
}

/** What restoring a file from its journal did. */
export interface Recovery {
  journal: string;
  target: string;
  /**
   * `restored`: the file is as it was before the interrupted write (a live file: at its last flush); `stale`: the
   * file at the path is not the one journaled (replaced after the write completed), the journal was dropped;
   * `empty`: the journal has no header yet, so its writer had not changed the file: dropped by `tsnwb clean`, left
   * alone otherwise (its writer may be starting: it writes the header right after making the journal);
   * `running`: its writer is still running, nothing done; `elsewhere`: written from another machine, which alone
   * can tell whether the writer runs.
   */
  outcome: "restored" | "stale" | "empty" | "running" | "elsewhere";
  /** Whether the journal was removed (the file restored, or nothing to restore). */
  removed: boolean;
  /** The writer's process id and machine. */
  pid?: number;
  host?: string;
  /** Bytes written back. */
  bytes?: number;
}

/**
 * Restores `target` from the journal an interrupted write left beside it, unless its writer is still running;
 * undefined when there is none. A journal without its header is removed only when `dropEmpty` (`tsnwb clean`, told
 * that no write runs); elsewhere it may be a writer's that is starting.
 */
export function recoverJournal(target: string, dropEmpty = false): Recovery | undefined {
  const path = journalPath(target);
  if (!existsSync(path)) return undefined;
  const contents = readJournal(path);
  const header = contents.header;
  const left = (outcome: Recovery["outcome"]): Recovery => ({ journal: path, target, outcome, removed: false, pid: header?.pid, host: header?.host });
  if (!header && !dropEmpty) return left("empty");
  if (header && header.host !== hostname()) return left("elsewhere");
  if (header && writerRuns(header)) return left("running");
  return restore(path, target, contents);
}

/** Restores the file, its writer gone: the saved bytes, then the size, then the flags; the journal removed last. */
function restore(path: string, target: string, { header, records }: JournalContents): Recovery {
  const done = (outcome: Recovery["outcome"], bytes?: number): Recovery => {
    unlinkSync(path);
    return { journal: path, target, outcome, removed: true, pid: header?.pid, host: header?.host, ...(bytes === undefined ? {} : { bytes }) };
  };
  if (!header) return done("empty");
  const stat = existsSync(target) ? statSync(target, { bigint: true }) : undefined;
  if (!stat || String(stat.dev) !== header.dev || String(stat.ino) !== header.ino) return done("stale");
  const fd = openSync(target, "r+");
  let bytes = 0;
  try {
    for (const record of records) {
      writeAll(fd, record.bytes, record.position);
      bytes += record.bytes.length;
    }
    ftruncateSync(fd, header.size);
    const file = {
      read: (position: number, length: number) => {
        const out = new Uint8Array(length);
        if (readSync(fd, out, 0, length, position) !== length) throw new FormatError(target, `ends before byte ${position + length}`);
        return out;
      },
      write: (position: number, data: Uint8Array) => writeAll(fd, data, position),
    };
    if (header.size >= 48) clearSuperblockFlags(file);
    // On disk before the journal goes: a power loss then finds the journal again, not a file half restored.
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return done("restored", bytes);
}

/** Whether the journal's writer still runs on this machine (its process id alive, and started when it did). */
function writerRuns(header: JournalHeader): boolean {
  try {
    process.kill(header.pid, 0);
  } catch (e) {
    // EPERM: a process of another user has that id; it may be the writer.
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const start = processStart(header.pid);
  return header.processStart === undefined || start === undefined || start === header.processStart;
}

/** When process `pid` started (Linux's /proc: clock ticks since boot); undefined elsewhere. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (in parentheses) may hold spaces; the fields after it are numbered from 3.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}
