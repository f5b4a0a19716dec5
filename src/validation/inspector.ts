/**
 * The best-practice inspector, at parity with the NWB Inspector (nwbinspector 0.5.2) for pynwb: every one of its
 * checks, with its names, importances and object locations, its configurations (`dandi`), `skip`/`select` and
 * `threshold`; and tsnwb's own checks besides ({@link TSNWB_EXTRA_CHECKS}). A file can be valid NWB and still be
 * hard to use (timestamps out of order, a placeholder description, a subject without a species...): each finding
 * says so with an importance, the check's name, the object and one line.
 *
 * The checks are in `checks/` (one module per part of the NWB Inspector's, and `extras.ts`). As the NWB Inspector,
 * they read metadata, and only the first 200 values of columns and timestamps (timestamps whole for
 * `check_regular_timestamps`); never a series' data: the compression checks look at how a dataset is stored.
 *
 * This module runs in browsers too (on a file opened from bytes): it touches no Node module. Whether external files
 * exist is asked of `options.fileExists`, which Node's entry (`inspect-file.ts`) supplies.
 */
import type { AbstractContainer, ArrayData } from "../containers/container.js";
import type { TimeSeries } from "../containers/base.js";
import type { NWBFile } from "../containers/file.js";
import { StreamedArray } from "../data/arrays.js";
import { MEMORY_FOLDER } from "../io/hdf5/h5-memory.js";
import { ValidationError, isTsnwbError } from "../errors.js";
import { type Check, type CheckInfo, type Finding, type Importance, type InspectionContext, type Severity, field, isPlainDataset } from "./checks/support.js";
import { GENERAL_CHECKS } from "./checks/general.js";
import { NWBFILE_METADATA_CHECKS } from "./checks/nwbfile-metadata.js";
import { TIME_SERIES_CHECKS } from "./checks/time-series.js";
import { TABLE_CHECKS } from "./checks/tables.js";
import { DOMAIN_CHECKS } from "./checks/domains.js";
import { EXTRA_CHECKS } from "./checks/extras.js";
import { ACROSS_FILES_CHECKS } from "./across-files.js";
import { DANDI_CONFIG, IMPORTANCES, INSPECTOR_CONFIGS, type InspectionMessage, type InspectorConfig } from "./inspector-names.js";

export type { CheckInfo, Importance, Severity };

export { ACROSS_FILES_CHECKS, type AcrossFilesOptions, type FileFacts, fileFacts, inspectAcrossFiles } from "./across-files.js";
export { IMPORTANCES, DANDI_CONFIG, INSPECTOR_CONFIGS, type InspectionMessage, type InspectorConfig } from "./inspector-names.js";

/** What `inspect` and `inspectFile` take. */
export interface InspectOptions {
  /** Report only checks of this importance (after `config`) or a higher one; default BEST_PRACTICE_SUGGESTION (all). */
  threshold?: Importance;
  /** Importances changed or checks skipped: a configuration, or the name of a known one ("dandi"). */
  config?: InspectorConfig | string;
  /** Names of checks to leave out (the NWB Inspector's `ignore`, `--ignore`). Not with `select`. */
  skip?: readonly string[];
  /** Names of the only checks to run. Not with `skip`. */
  select?: readonly string[];
  /** The present, for `check_session_start_time_future_date`; default `new Date()`. */
  now?: Date;
  /**
   * Whether a file exists, for `check_image_series_external_file_valid` (given the NWB file's folder joined with the
   * stored relative path). Node's `inspect` and `inspectFile` ask the file system; without it (a browser) the
   * check is skipped.
   */
  fileExists?: (path: string) => boolean | Promise<boolean>;
  /**
   * How many frames an external file holds (given its path as for `fileExists`), or undefined when unknown, for
   * `check_image_series_external_file_frames`. Node's `inspect` and `inspectFile` read videos' and images' headers;
   * without it (a browser) the check is skipped.
   */
  frameCount?: (path: string) => Promise<number | undefined>;
}

/** Every check, the NWB Inspector's first (in its modules' order), then tsnwb's. */
const CHECKS: readonly Check[] = [...GENERAL_CHECKS, ...NWBFILE_METADATA_CHECKS, ...TIME_SERIES_CHECKS, ...TABLE_CHECKS, ...DOMAIN_CHECKS, ...EXTRA_CHECKS];

/** Every check the inspector runs (without how), those of several files together last: for documentation, and to list them. */
export const INSPECTOR_CHECKS: readonly CheckInfo[] = [
  ...CHECKS.map(({ id, importance, appliesTo, what, extra }) => ({ id, importance, appliesTo, what, ...(extra ? { extra } : {}) })),
  ...ACROSS_FILES_CHECKS,
];

/** tsnwb's checks that the NWB Inspector does not have: what `tsnwb inspect` may report beyond it. */
export const TSNWB_EXTRA_CHECKS: readonly string[] = EXTRA_CHECKS.map((c) => c.id);

/** The ranks of importances: a check runs when its rank is at least the threshold's. */
const RANK: Record<Importance, number> = { CRITICAL: 2, BEST_PRACTICE_VIOLATION: 1, BEST_PRACTICE_SUGGESTION: 0 };

/** The ranks of a message's importance: a failed check (ERROR) first, as the NWB Inspector ranks it. */
const MESSAGE_RANK: Record<Importance | "ERROR", number> = { ERROR: 4, ...RANK };

/**
 * The message of a check that failed: the exception's line (`RangeError: ...`), then where it was thrown (innermost
 * first, as JavaScript's stack). The NWB Inspector gives Python's traceback, which ends with the exception's line.
 */
function failureMessage(error: unknown): string {
  if (!(error instanceof Error)) return `Error: ${String(error)}`;
  const line = `${error.name}: ${error.message}`;
  const frames = (error.stack ?? "").split("\n").filter((l) => /^\s+at /.test(l));
  return [line, ...frames].join("\n");
}

/** The subject checks that DANDI requires; the NWB Inspector drops them for in vitro "protein" subjects. */
const SUBJECT_CHECKS = new Set(DANDI_CONFIG.CRITICAL);

/** The checks to run and their importances, after the configuration, skip/select and the threshold. */
function configuredChecks(options: InspectOptions): { check: Check; importance: Importance }[] {
  const { skip, select } = options;
  if (skip !== undefined && select !== undefined) throw new ValidationError("inspect", "skip", "either 'skip' or 'select', not both", "both");
  const config = typeof options.config === "string" ? INSPECTOR_CONFIGS[options.config] : options.config;
  if (typeof options.config === "string" && config === undefined) {
    throw new ValidationError("inspect", "config", `the name of a known configuration (${Object.keys(INSPECTOR_CONFIGS).join(", ")}) or a configuration`, JSON.stringify(options.config));
  }
  const threshold = options.threshold ?? "BEST_PRACTICE_SUGGESTION";
  if (!(threshold in RANK)) throw new ValidationError("inspect", "threshold", `one of ${IMPORTANCES.join(", ")}`, JSON.stringify(threshold));
  const known = new Set(INSPECTOR_CHECKS.map((c) => c.id));
  for (const [key, names] of [["skip", skip], ["select", select], ...Object.entries(config ?? {})] as [string, readonly string[] | undefined][]) {
    if (key !== "skip" && key !== "select" && key !== "SKIP" && !(key in RANK)) throw new ValidationError("inspect", "config", `importances (${IMPORTANCES.join(", ")}) or SKIP as keys`, JSON.stringify(key));
    const unknown = (names ?? []).filter((n) => !known.has(n));
    if (unknown.length > 0) throw new ValidationError("inspect", key, "names of checks (INSPECTOR_CHECKS)", unknown.join(", "));
  }
  const skipped = new Set([...(skip ?? []), ...(config?.SKIP ?? [])]);
  return CHECKS.flatMap((check) => {
    const importance = (IMPORTANCES.find((i) => config?.[i]?.includes(check.id)) ?? check.importance);
    if (select !== undefined ? !select.includes(check.id) : skipped.has(check.id)) return [];
    return RANK[importance] >= RANK[threshold] ? [{ check, importance }] : [];
  });
}

/**
 * Inspects an NWB file, read from a file or built in memory, for best practices; gives the findings, most important
 * first (then by path and check). Reads no series data (see the module's comment). A check that fails on an object
 * (throws) gives, as in the NWB Inspector, a message of importance ERROR (the exception; location null), and the
 * other checks still run. The checks of several files together: `inspectAcrossFiles` (`inspectFiles` in Node).
 */
export async function inspect(nwbfile: NWBFile, options: InspectOptions = {}): Promise<InspectionMessage[]> {
  let checks = configuredChecks(options);
  // As the NWB Inspector: an in vitro file ("protein..." subject_id) skips the subject checks that a configuration makes critical.
  const subjectId = nwbfile.subject?.subject_id ?? "";
  if (subjectId.startsWith("protein") && checks.some((c) => SUBJECT_CHECKS.has(c.check.id) && c.importance === "CRITICAL")) {
    checks = checks.filter((c) => !SUBJECT_CHECKS.has(c.check.id));
  }
  const objects = [...nwbfile.objects.values()];
  const context = contextFor(nwbfile, objects, options);
  const messages: InspectionMessage[] = [];
  for (const obj of objects) {
    for (const { check, importance } of checks) {
      if (check.appliesTo !== "any" && !obj.isA(check.appliesTo)) continue;
      let findings: Finding[];
      try {
        findings = await check.run(obj, context);
      } catch (e) {
        // A file found damaged while a check reads it (a table without its ids) cannot be read, as pynwb's read of it
        // fails: the file's error, not a check's.
        if (isTsnwbError(e, "FormatError")) throw e;
        // As the NWB Inspector: a check that fails on an object is reported (ERROR, the exception as the message, no
        // location) and the inspection goes on with the other checks and objects.
        messages.push({
          message: failureMessage(e), importance: "ERROR", severity: "LOW", check_function_name: check.id,
          object_type: obj.neurodata_type, object_name: obj.name, location: null, path: context.pathOf(obj),
        });
        continue;
      }
      for (const finding of findings) {
        const { message, severity } = typeof finding === "string" ? { message: finding, severity: "LOW" as const } : finding;
        messages.push({
          message, importance, severity, check_function_name: check.id, object_type: obj.neurodata_type, object_name: obj.name,
          location: locationOf(obj, context.pathOf), path: context.pathOf(obj),
        });
      }
    }
  }
  const severityRank = (s: Severity) => (s === "HIGH" ? 1 : 0);
  return messages.sort((a, b) => MESSAGE_RANK[b.importance] - MESSAGE_RANK[a.importance] || severityRank(b.severity) - severityRank(a.severity)
    || a.path.localeCompare(b.path) || a.check_function_name.localeCompare(b.check_function_name));
}

/**
 * The NWB Inspector's location of an object (`_parse_location`): fixed places for the file, the subject, devices
 * and electrode groups; else the group holding the object's first dataset of plain values (a link's target's
 * group); null for an object without one (a table, a column, a module, an image...).
 */
export function locationOf(obj: AbstractContainer, pathOf: (obj: AbstractContainer) => string): string | null {
  if (obj.isA("NWBFile")) return "/";
  if (obj.isA("Subject")) return "/general/subject";
  if (obj.isA("Device")) return `/general/devices/${obj.name}`;
  if (obj.isA("ElectrodeGroup")) return `/general/extracellular_ephys/${obj.name}`;
  if (!obj.parent) return "/";
  for (const f of obj.layout.fields) {
    if (f.kind !== "dataset") continue;
    const value = field(obj, f.key);
    const array = Array.isArray(value) ? undefined : (value as ArrayData | undefined);
    // A scalar dataset is read as its value; a one-dimensional list of text or numbers is a dataset.
    if (!isPlainDataset(value) || (array !== undefined && array.shape.length === 0 && !(array instanceof StreamedArray))) continue;
    const stored = (array as { storedAt?: { path: string } } | undefined)?.storedAt?.path;
    // An object read from a file whose dataset was not there (pynwb: None) holds an empty array made on reading.
    if (obj.container_source && array !== undefined && stored === undefined && array.shape.every((n) => n === 0)) continue;
    if (stored !== undefined) return stored.slice(0, stored.lastIndexOf("/")) || "/";
    return pathOf(obj);
  }
  return null;
}

function contextFor(nwbfile: NWBFile, objects: AbstractContainer[], options: InspectOptions): InspectionContext {
  const file = nwbfile.container_source?.file;
  // External files are relative to the NWB file's folder: unknown for a file never written, one opened from bytes
  // (its path is in h5wasm's memory) and one read by URL.
  const onDisk = file !== undefined && !file.startsWith(`${MEMORY_FOLDER}/`) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(file);
  const timestamps = new Map<ArrayData, Promise<Float64Array>>();
  const paths = new Map<AbstractContainer, string>();
  const pathOf = (obj: AbstractContainer): string => {
    let path = paths.get(obj);
    if (path === undefined) paths.set(obj, (path = obj.container_source?.path ?? pathInMemory(obj, pathOf)));
    return path;
  };
  return {
    now: options.now ?? new Date(),
    nwbFolder: onDisk ? folderOf(file) : undefined,
    fileExists: onDisk ? options.fileExists : undefined,
    frameCount: onDisk ? options.frameCount : undefined,
    objects,
    pathOf,
    timestampsOf: (series: TimeSeries) => {
      const t = series.timestamps;
      if (t === undefined || t instanceof StreamedArray) return Promise.resolve(undefined);
      // Timestamps are one number per sample, small beside the data: read whole, once, whichever check asks first.
      let read = timestamps.get(t);
      if (!read) timestamps.set(t, (read = t.read().then((v) => Float64Array.from(v as ArrayLike<number>, Number))));
      return read;
    },
  };
}

/**
 * Where an object not read from (nor written to) a file will be: its parent's path and the place the parent's type
 * gives it (`acquisition/<name>`, `general/subject`...), or the parent's path and its name.
 */
function pathInMemory(obj: AbstractContainer, pathOf: (obj: AbstractContainer) => string): string {
  const parent = obj.parent;
  if (!parent) return obj.isA("NWBFile") ? "/" : `/${obj.name}`;
  const values = parent as unknown as Record<string, unknown>;
  for (const field of parent.layout.fields) {
    const v = values[field.key];
    if (field.kind === "child" && v === obj) return joinPath(pathOf(parent), field.path);
    if (field.kind === "children" && v instanceof Map && v.get(obj.name) === obj) return joinPath(pathOf(parent), [...field.path, obj.name]);
  }
  return joinPath(pathOf(parent), [obj.name]);
}

function joinPath(base: string, parts: string[]): string {
  return `${base === "/" ? "" : base}/${parts.join("/")}`;
}

/** The folder of a file path, POSIX or Windows ("/data/a.nwb" -> "/data", "a.nwb" -> "."). */
function folderOf(file: string): string {
  const cut = Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\"));
  return cut < 0 ? "." : cut === 0 ? "/" : file.slice(0, cut);
}

