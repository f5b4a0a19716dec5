/**
 * The best-practice inspector, as the NWB Inspector (`nwbinspector`) for pynwb: checks that a file can be valid NWB
 * and still be hard to use (timestamps out of order, a placeholder description, a subject without a species, a
 * movie stored uncompressed...), each reported with an importance, the object's path and one line saying what was
 * found. Every check is one entry of {@link CHECKS}, so the list below is the whole of what is checked.
 *
 * The inspector reads metadata, and only small arrays, whole: timestamps (their order, NaNs, steps) and table ids
 * (the NWB Inspector reads their first 200 values only). It never reads a series' data: the compression check looks
 * at how a dataset is stored, not at its values.
 *
 * This module runs in browsers too (on a file opened from bytes): it touches no Node module. Whether external files
 * exist is asked of `options.fileExists`, which Node's entry (`inspect-file.ts`) supplies.
 */
import type { AbstractContainer, ArrayData } from "../containers/container.js";
import type { TimeSeries } from "../containers/base.js";
import type { ImageSeries, IndexSeries } from "../containers/image.js";
import type { DynamicTable } from "../containers/table.js";
import type { NWBFile } from "../containers/file.js";
import type { Subject } from "../generated/core/Subject.js";
import { StreamedArray } from "../data/arrays.js";
import { bytesPerElement, isNumericDType } from "../data/dtype.js";
import { product } from "../data/ndarray.js";
import { MEMORY_FOLDER } from "../io/hdf5/h5-memory.js";
import { ValidationError } from "../errors.js";

/** How much a finding matters, as the NWB Inspector's CRITICAL, BEST_PRACTICE_VIOLATION and BEST_PRACTICE_SUGGESTION. */
export type Importance = "critical" | "violation" | "suggestion";

/** The importances, most important first. */
export const IMPORTANCES: readonly Importance[] = ["critical", "violation", "suggestion"];

/** One finding. */
export interface InspectionMessage {
  /** How much it matters. */
  importance: Importance;
  /** The check's stable snake_case id (the NWB Inspector's name where it has one), e.g. `check_timestamps_ascending`. */
  check: string;
  /** The path in the file of the object (or dataset) concerned, e.g. `/acquisition/movie`. */
  path: string;
  /** What was found, in one line. */
  message: string;
}

/** What `inspect` and `inspectFile` take. */
export interface InspectOptions {
  /** Report only messages of this importance or a higher one; default "suggestion" (all). */
  level?: Importance;
  /** The present, for `check_session_start_time_future_date`; default `new Date()`. */
  now?: Date;
  /**
   * Bytes above which an uncompressed array is reported by `check_large_dataset_compression`. Default
   * {@link DEFAULT_LARGE_DATASET_BYTES} (50 MB, the NWB Inspector's lower bound for this suggestion).
   */
  largeDatasetBytes?: number;
  /**
   * Whether a file exists, for `check_image_series_external_file_valid` (given the NWB file's folder joined with the
   * stored relative path). Node's `inspect` and `inspectFile` ask the file system; without it (a browser) the
   * check is skipped.
   */
  fileExists?: (path: string) => boolean | Promise<boolean>;
}

/** The default of {@link InspectOptions.largeDatasetBytes}: 50 MB, the NWB Inspector's `mb_lower_bound`. */
export const DEFAULT_LARGE_DATASET_BYTES = 50e6;

/** What a check finds: a message about the object itself, or about one of its datasets (a path of its own). */
type Finding = string | { path: string; message: string };

/** What every check may use besides the object: the options, and what is found or read once for all checks. */
interface InspectionContext {
  readonly now: Date;
  readonly largeDatasetBytes: number;
  /** The folder that external files are relative to, when known. */
  readonly nwbFolder: string | undefined;
  /** The existence check, when there is one. */
  readonly fileExists: ((path: string) => boolean | Promise<boolean>) | undefined;
  /** ImageSeries that an IndexSeries points at (legacy `indexed_timeseries`): they may have no timestamps. */
  readonly indexedImageSeries: ReadonlySet<AbstractContainer>;
  /** Arrays already checked for compression (a dataset linked from two series is reported once). */
  readonly arraysSeen: Set<ArrayData>;
  /** The object's path in the file. */
  pathOf(obj: AbstractContainer): string;
  /** A series' timestamps, read once (shared timestamps too); undefined when it has none, or they are a stream. */
  timestampsOf(series: TimeSeries): Promise<Float64Array | undefined>;
}

/** What a check is: its id, how important its findings are, what it applies to and what it checks. */
export interface CheckInfo {
  /** Stable snake_case id, the NWB Inspector's where it has the same check. */
  id: string;
  /** How much its findings matter. */
  importance: Importance;
  /** The neurodata type it applies to (and every type that extends it); "any" for every typed object. */
  appliesTo: string;
  /** What it checks, in one line. */
  what: string;
}

/** A check: its description and how it runs. */
interface Check extends CheckInfo {
  run(obj: AbstractContainer, context: InspectionContext): Finding[] | Promise<Finding[]>;
}

/** A list of one finding when `found`, else none: most checks find one thing or nothing. */
const when = (found: boolean, message: () => string): Finding[] => (found ? [message()] : []);

/** Timestamps that differ by no more than this (seconds) are "equal steps": the NWB Inspector rounds to 9 decimals. */
const REGULAR_TIMESTAMPS_TOLERANCE = 1e-9;

/**
 * Descriptions that say nothing, compared in lower case without surrounding spaces and dots: the NWB Inspector's
 * (`no description` is pynwb's default for a TimeSeries), and the type's own field name.
 */
const DESCRIPTION_PLACEHOLDERS = new Set(["no description", "no desc", "none", "placeholder", "description", "n/a", "tbd", "todo"]);

/** The NWB Inspector's (DANDI's) form of a name: "Last, First", "Last, First M." or "Last, First, Middle". */
const EXPERIMENTER_FORM = /^([\p{L}\p{N}_\s\-.']+),\s+([\p{L}\p{N}_\s\-.']+)$/u;

/** An ISO 8601 duration ("P90D", "P2Y3M", "PT12H"), as the NWB Inspector's `duration_regex`. */
const ISO_DURATION = /^P(?!$)(\d+(?:\.\d+)?Y)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?W)?(\d+(?:\.\d+)?D)?(T(?=\d)(\d+(?:\.\d+)?H)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?S)?)?$/;

/** Subject.sex as the NWB Inspector takes it: male, female, other, unknown (C. elegans: XO male, XX hermaphrodite). */
const SEX_VALUES = ["M", "F", "O", "U"];
const C_ELEGANS_SEX_VALUES = ["XO", "XX"];

/** An ISO 8601 date-time ends with its UTC offset ("Z", "+01:00", "-0700"); without one the instant is unknown. */
const UTC_OFFSET = /(Z|[+-]\d{2}(:?\d{2})?)$/;

/**
 * An identifier shorter than this, made of digits only, or one of these words (case, spaces and punctuation aside)
 * is unlikely to be unique across files: NWB asks for a globally unique one (a UUID is best).
 */
const MIN_IDENTIFIER_LENGTH = 8;
const COMMON_IDENTIFIERS = new Set([
  "id", "identifier", "test", "testing", "example", "exampleid", "session", "sessionid", "nwb", "nwbfile", "file", "data",
  "default", "none", "null", "unknown", "placeholder", "untitled", "tmp", "temp",
]);

/**
 * Every check, in one place. Where the NWB Inspector has the same check, the id is its name, and so is the
 * importance unless an entry notes the Inspector's (tsnwb ranks a missing subject, sex or age, for instance, as a
 * violation: the file is still usable, and the Inspector's CRITICAL is kept for what makes data wrong).
 */
const CHECKS: readonly Check[] = [
  // --- TimeSeries: timing -------------------------------------------------------------------------------------
  {
    id: "check_timestamps_match_first_dimension", importance: "critical", appliesTo: "TimeSeries",
    what: "a series' timestamps are as many as its data's first axis",
    run: (obj, context) => {
      const series = obj as TimeSeries;
      const { data, timestamps } = series;
      if (!timestamps || data === undefined || data instanceof StreamedArray || timestamps instanceof StreamedArray) return [];
      const frames = data.shape[0] ?? 0;
      // As the NWB Inspector: external files leave data empty; a legacy IndexSeries' ImageSeries may have no timestamps.
      if ((obj as ImageSeries).external_file !== undefined && frames === 0) return [];
      if (timestamps.shape[0] === 0 && context.indexedImageSeries.has(obj)) return [];
      return when(timestamps.shape[0] !== frames, () => `${count(timestamps.shape[0]!, "timestamp")} for ${count(frames, "sample")} (data's first axis)`);
    },
  },
  {
    id: "check_timestamps_ascending", importance: "violation", appliesTo: "TimeSeries",
    what: "timestamps never go back in time",
    run: async (obj, context) => {
      const t = await context.timestampsOf(obj as TimeSeries);
      if (!t) return [];
      // Pairs with a NaN are left to check_timestamps_without_nans.
      for (let i = 1; i < t.length; i++) {
        if (t[i]! < t[i - 1]!) return [`timestamps are not ascending: timestamps[${i}] = ${t[i]} comes after timestamps[${i - 1}] = ${t[i - 1]}`];
      }
      return [];
    },
  },
  {
    id: "check_timestamps_without_nans", importance: "violation", appliesTo: "TimeSeries",
    what: "no timestamp is NaN",
    run: async (obj, context) => {
      const t = await context.timestampsOf(obj as TimeSeries);
      const first = t ? t.findIndex(Number.isNaN) : -1;
      if (!t || first < 0) return [];
      return [`${t.filter(Number.isNaN).length} of ${t.length} timestamps are NaN (the first at index ${first})`];
    },
  },
  {
    id: "check_regular_timestamps", importance: "suggestion", appliesTo: "TimeSeries", // the NWB Inspector: violation
    what: "timestamps with equal steps (3 or more) could be a starting_time and a rate",
    run: async (obj, context) => {
      const t = await context.timestampsOf(obj as TimeSeries);
      if (!t || t.length < 3) return [];
      const step = t[1]! - t[0]!;
      if (!(step > 0)) return [];
      for (let i = 2; i < t.length; i++) if (!(Math.abs(t[i]! - t[i - 1]! - step) <= REGULAR_TIMESTAMPS_TOLERANCE)) return [];
      return [`the ${t.length} timestamps are evenly spaced (${tidy(step)} s apart): starting_time=${tidy(t[0]!)} and rate=${tidy(1 / step)} would say the same`];
    },
  },
  {
    id: "check_rate_is_not_zero", importance: "critical", appliesTo: "TimeSeries",
    what: "a series of more than one sample has a sampling rate other than 0",
    run: (obj) => {
      const { rate, data } = obj as TimeSeries;
      const samples = data === undefined || data instanceof StreamedArray ? undefined : data.shape[0];
      return when(rate === 0 && samples !== undefined && samples > 1, () => `rate is 0 Hz for ${count(samples!, "sample")}`);
    },
  },
  {
    id: "check_rate_is_positive", importance: "critical", appliesTo: "TimeSeries",
    what: "the sampling rate is not negative",
    run: (obj) => {
      const { rate } = obj as TimeSeries;
      return when(rate !== undefined && rate < 0, () => `rate is negative (${rate} Hz)`);
    },
  },
  // --- ImageSeries and IndexSeries ------------------------------------------------------------------------------
  {
    id: "check_image_series_external_file_valid", importance: "critical", appliesTo: "ImageSeries",
    what: "each relative external file exists beside the NWB file (absolute paths: see the next check)",
    run: async (obj, context) => {
      const files = (obj as ImageSeries).external_file;
      const { nwbFolder, fileExists } = context;
      if (!files || nwbFolder === undefined || !fileExists) return [];
      const missing: Finding[] = [];
      for (const file of files) {
        if (isAbsolutePath(file)) continue;
        if (!(await fileExists(`${nwbFolder}/${file}`))) missing.push(`external file '${file}' does not exist (looked in ${nwbFolder})`);
      }
      return missing;
    },
  },
  {
    id: "check_image_series_external_file_relative", importance: "violation", appliesTo: "ImageSeries",
    what: "external files are given relative to the NWB file's folder, so the two can move together",
    run: (obj) => ((obj as ImageSeries).external_file ?? []).filter(isAbsolutePath).map((file) => `external file '${file}' is an absolute path; make it relative to the NWB file's folder`),
  },
  {
    id: "check_image_series_starting_frame_per_external_file", importance: "critical", appliesTo: "ImageSeries", // not in the NWB Inspector
    what: "starting_frame has one entry per external file",
    run: (obj) => {
      const { external_file: files, starting_frame: starting } = obj as ImageSeries;
      if (!files) return [];
      return when((starting?.length ?? 0) !== files.length, () => `starting_frame has ${count(starting?.length ?? 0, "entry", "entries")} for ${count(files.length, "external file")}`);
    },
  },
  {
    id: "check_image_series_too_few_frames", importance: "suggestion", appliesTo: "ImageSeries", // not in the NWB Inspector
    what: "an ImageSeries has at least 2 frames (one image is an Image, in an Images)",
    run: (obj) => {
      const { external_file: files, data } = obj as ImageSeries;
      if (files !== undefined || data === undefined || data instanceof StreamedArray) return [];
      const frames = data.shape[0] ?? 0;
      return when(frames < 2, () => `an ImageSeries of ${count(frames, "frame")}: store a single image as an Image (in an Images) instead`);
    },
  },
  {
    id: "check_index_series_points_to_image", importance: "violation", appliesTo: "IndexSeries",
    what: "an IndexSeries indexes an Images (indexed_images), not an ImageSeries (indexed_timeseries, deprecated)",
    run: (obj, context) => {
      const target = (obj as IndexSeries).indexed_timeseries;
      return when(target !== undefined, () => `indexed_timeseries (${context.pathOf(target!)}) is deprecated: point indexed_images at an Images instead`);
    },
  },
  // --- Storage --------------------------------------------------------------------------------------------------
  {
    // The NWB Inspector splits this: check_small_dataset_compression (suggestion, 50 MB to 20 GB) and
    // check_large_dataset_compression (violation, above 20 GB). Here: one suggestion above `largeDatasetBytes`.
    id: "check_large_dataset_compression", importance: "suggestion", appliesTo: "any",
    what: "numeric arrays larger than largeDatasetBytes are stored compressed (read from storage settings, not data)",
    run: (obj, context) => {
      const findings: Finding[] = [];
      const values = obj as unknown as Record<string, unknown>;
      for (const field of obj.layout.fields) {
        if (field.kind !== "dataset" && field.kind !== "value") continue;
        const array = values[field.key];
        if (!isArrayData(array) || array instanceof StreamedArray || !isNumericDType(array.dtype) || context.arraysSeen.has(array)) continue;
        context.arraysSeen.add(array);
        const bytes = product(array.shape) * bytesPerElement(array.dtype);
        // A dataset in a file says how it is stored; an array in memory is written with its object's storage options.
        const stored = (array as { compression?: string | null }).compression;
        const compression = stored !== undefined ? stored : obj.storage[field.key]?.compression ?? null;
        if (compression !== null || bytes <= context.largeDatasetBytes) continue;
        const path = field.path.length === 0 ? context.pathOf(obj) : joinPath(context.pathOf(obj), field.path);
        findings.push({ path, message: `${field.key} is ${formatBytes(bytes)} and not compressed: store it with compression (H5DataIO { compression: "gzip" })` });
      }
      return findings;
    },
  },
  // --- Descriptions ---------------------------------------------------------------------------------------------
  {
    // The NWB Inspector's check_description reports this and the next as one suggestion.
    id: "check_description_missing", importance: "violation", appliesTo: "any",
    what: "an object whose type has a description has a non-empty one",
    run: (obj) => {
      if (!hasField(obj, "description")) return [];
      const description = (obj as { description?: unknown }).description;
      if (description !== undefined && typeof description !== "string") return [];
      return when(description === undefined || description.trim() === "", () => (description === undefined ? "description is missing" : "description is empty"));
    },
  },
  {
    id: "check_description_placeholder", importance: "suggestion", appliesTo: "any",
    what: `a description is not a placeholder (${[...DESCRIPTION_PLACEHOLDERS].map((p) => `"${p}"`).join(", ")})`,
    run: (obj) => {
      const description = (obj as { description?: unknown }).description;
      if (!hasField(obj, "description") || typeof description !== "string") return [];
      return when(DESCRIPTION_PLACEHOLDERS.has(description.trim().replace(/^\.+|\.+$/g, "").toLowerCase()), () => `description "${description}" is a placeholder: say what this object holds`);
    },
  },
  // --- Session metadata -----------------------------------------------------------------------------------------
  {
    id: "check_experimenter_form", importance: "suggestion", appliesTo: "NWBFile",
    what: `each experimenter is named "Last, First" (DANDI's form)`,
    run: (obj) => ((obj as NWBFile).experimenter ?? []).filter((name) => !EXPERIMENTER_FORM.test(name)).map((name) => `experimenter "${name}" is not in the form "Last, First" (or "Last, First M." or "Last, First, Middle")`),
  },
  {
    id: "check_session_start_time_future_date", importance: "critical", appliesTo: "NWBFile",
    what: "session_start_time is not in the future",
    run: (obj, context) => {
      const start = dateTimeText((obj as NWBFile).session_start_time);
      const instant = Date.parse(start);
      return when(instant > context.now.getTime(), () => `session_start_time ${start} is in the future`);
    },
  },
  {
    // Not in the NWB Inspector: pynwb adds a zone to every time it writes; other writers may not.
    id: "check_session_start_time_time_zone", importance: "violation", appliesTo: "NWBFile",
    what: "session_start_time has a UTC offset (a time without one is no instant)",
    run: (obj) => {
      const start = dateTimeText((obj as NWBFile).session_start_time);
      return when(/T\d/.test(start) && !UTC_OFFSET.test(start), () => `session_start_time ${start} has no UTC offset (e.g. +01:00 or Z): its instant is unknown`);
    },
  },
  {
    id: "check_identifier_looks_unique", importance: "suggestion", appliesTo: "NWBFile", // not in the NWB Inspector
    what: `identifier is not short (under ${MIN_IDENTIFIER_LENGTH} characters), digits only or a common word, which other files may use too`,
    run: (obj) => {
      const identifier = (obj as NWBFile).identifier;
      const why = COMMON_IDENTIFIERS.has(identifier.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "")) ? "is a common word"
        : /^\d+$/.test(identifier) ? "is only a number"
          : identifier.length < MIN_IDENTIFIER_LENGTH ? `is shorter than ${MIN_IDENTIFIER_LENGTH} characters` : undefined;
      return when(why !== undefined, () => `identifier "${identifier}" ${why}: it should be unique across all NWB files (a UUID is)`);
    },
  },
  // --- Subject ----------------------------------------------------------------------------------------------------
  {
    id: "check_subject_exists", importance: "violation", appliesTo: "NWBFile", // the NWB Inspector: critical
    what: "the file describes its subject",
    run: (obj) => when((obj as NWBFile).subject === undefined, () => "subject is missing (set one with setSubject)"),
  },
  {
    id: "check_subject_species_exists", importance: "violation", appliesTo: "Subject",
    what: "the subject has a species",
    run: (obj) => when(!(obj as Subject).species, () => "species is missing (e.g. \"Mus musculus\")"),
  },
  {
    id: "check_subject_sex", importance: "violation", appliesTo: "Subject", // the NWB Inspector: critical
    what: `the subject's sex is one of ${SEX_VALUES.join(", ")} (for C. elegans: ${C_ELEGANS_SEX_VALUES.join(", ")})`,
    run: (obj) => {
      const { sex, species } = obj as Subject;
      if (!sex) return ["sex is missing"];
      const allowed = species === "Caenorhabditis elegans" || species === "C. elegans" ? C_ELEGANS_SEX_VALUES : SEX_VALUES;
      return when(!allowed.includes(sex), () => `sex "${sex}" is not one of ${allowed.join(", ")}`);
    },
  },
  {
    id: "check_subject_age", importance: "violation", appliesTo: "Subject", // the NWB Inspector: critical
    what: `the subject has an age (or a date_of_birth), an ISO 8601 duration such as "P90D" (or a range "P1D/P3D", "P90Y/")`,
    run: (obj) => {
      const { age, date_of_birth } = obj as Subject;
      if (age === undefined) return when(date_of_birth === undefined, () => "age is missing, and so is date_of_birth");
      const [lower, upper, ...more] = age.split("/");
      const valid = ISO_DURATION.test(age) || (upper !== undefined && more.length === 0 && ISO_DURATION.test(lower!) && (upper === "" || ISO_DURATION.test(upper)));
      return when(!valid, () => `age "${age}" is not an ISO 8601 duration such as "P90D" (90 days) or "P2Y" (2 years)`);
    },
  },
  // --- Tables -----------------------------------------------------------------------------------------------------
  {
    id: "check_empty_table", importance: "violation", appliesTo: "DynamicTable",
    what: "a table has rows",
    run: (obj) => when((obj as DynamicTable).length === 0, () => "the table has no rows"),
  },
  {
    id: "check_ids_unique", importance: "critical", appliesTo: "DynamicTable",
    what: "a table's ids are unique (reads the id column)",
    run: async (obj) => {
      const table = obj as DynamicTable;
      // Rows added in memory become the columns' data here, as before a write.
      table.flushRows();
      const ids = Array.from((await table.id.data.read()) as ArrayLike<number | bigint>, (id) => String(id));
      const seen = new Set<string>();
      const repeated = new Set<string>();
      for (const id of ids) (seen.has(id) ? repeated : seen).add(id);
      const shown = `${[...repeated].slice(0, 5).join(", ")}${repeated.size > 5 ? ", ..." : ""}`;
      return when(repeated.size > 0, () => `ids are not unique: ${shown} ${repeated.size === 1 ? "appears" : "appear"} more than once`);
    },
  },
];

/** Every check the inspector runs (without how): for documentation, and to list them. */
export const INSPECTOR_CHECKS: readonly CheckInfo[] = CHECKS.map(({ id, importance, appliesTo, what }) => ({ id, importance, appliesTo, what }));

/** The ranks of importances: a message is reported when its rank is at least the level's. */
const RANK: Record<Importance, number> = { critical: 3, violation: 2, suggestion: 1 };

/**
 * Inspects an NWB file, read from a file or built in memory, for best practices; gives the findings at or above
 * `options.level`, most important first (then by path). Reads no series data (see the module's comment).
 */
export async function inspect(nwbfile: NWBFile, options: InspectOptions = {}): Promise<InspectionMessage[]> {
  const level = options.level ?? "suggestion";
  if (!(level in RANK)) throw new ValidationError("inspect", "level", `one of ${IMPORTANCES.join(", ")}`, JSON.stringify(level));
  const context = await contextFor(nwbfile, options);
  const checks = CHECKS.filter((c) => RANK[c.importance] >= RANK[level]);
  const messages: InspectionMessage[] = [];
  for (const obj of nwbfile.objects.values()) {
    for (const check of checks) {
      if (check.appliesTo !== "any" && !obj.isA(check.appliesTo)) continue;
      for (const finding of await check.run(obj, context)) {
        const { path, message } = typeof finding === "string" ? { path: context.pathOf(obj), message: finding } : finding;
        messages.push({ importance: check.importance, check: check.id, path, message });
      }
    }
  }
  return messages.sort((a, b) => RANK[b.importance] - RANK[a.importance] || a.path.localeCompare(b.path) || a.check.localeCompare(b.check));
}

async function contextFor(nwbfile: NWBFile, options: InspectOptions): Promise<InspectionContext> {
  const file = nwbfile.container_source?.file;
  // External files are relative to the NWB file's folder: unknown for a file never written, one opened from bytes
  // (its path is in h5wasm's memory) and one read by URL.
  const onDisk = file !== undefined && !file.startsWith(`${MEMORY_FOLDER}/`) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(file);
  const nwbFolder = onDisk ? folderOf(file) : undefined;
  const fileExists = onDisk ? options.fileExists : undefined;
  const indexedImageSeries = new Set<AbstractContainer>();
  for (const obj of nwbfile.objects.values()) {
    const target = obj.isA("IndexSeries") ? (obj as IndexSeries).indexed_timeseries : undefined;
    if (target) indexedImageSeries.add(target);
  }
  const timestamps = new Map<ArrayData, Promise<Float64Array>>();
  const paths = new Map<AbstractContainer, string>();
  const pathOf = (obj: AbstractContainer): string => {
    let path = paths.get(obj);
    if (path === undefined) paths.set(obj, (path = obj.container_source?.path ?? pathInMemory(obj, pathOf)));
    return path;
  };
  return {
    now: options.now ?? new Date(),
    largeDatasetBytes: options.largeDatasetBytes ?? DEFAULT_LARGE_DATASET_BYTES,
    nwbFolder,
    fileExists,
    indexedImageSeries,
    arraysSeen: new Set(),
    pathOf,
    timestampsOf: (series) => {
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

/** Absolute on POSIX ("/x") or Windows ("C:\x", "C:/x", "\\server\x"), wherever the file was written. */
function isAbsolutePath(path: string): boolean {
  return path.startsWith("/") || path.startsWith("\\") || /^[A-Za-z]:[\\/]/.test(path);
}

function hasField(obj: AbstractContainer, key: string): boolean {
  return obj.layout.fields.some((f) => f.key === key);
}

function isArrayData(v: unknown): v is ArrayData {
  return typeof v === "object" && v !== null && "shape" in v && "dtype" in v && typeof (v as { read?: unknown }).read === "function";
}

/** A number without float noise (0.09999999999999998 -> 0.1), for messages. */
function tidy(n: number): number {
  return Number(n.toPrecision(12));
}

/** "1 frame", "3 frames". */
function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** A date-time field as text (tsnwb keeps them as ISO strings; a Date set by hand is taken as its ISO form). */
function dateTimeText(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let unit = 0;
  let n = bytes;
  while (n >= 1000 && unit < units.length - 1) {
    n /= 1000;
    unit++;
  }
  return `${n.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
