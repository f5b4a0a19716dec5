/**
 * tsnwb's own checks, which the NWB Inspector does not make: a negative rate, external files against
 * starting_frame, one-frame ImageSeries, order_of_images against the images, a time without a UTC offset, an
 * identifier other files may share; and the table rules tsnwb's validator makes (columns as long as the ids, indices
 * that never decrease and stay within their column, regions within their table, all rows read), which the NWB
 * Inspector checks only in part. Listed by {@link TSNWB_EXTRA_CHECKS}.
 */
import type { AbstractContainer } from "../../containers/container.js";
import type { TimeSeries } from "../../containers/base.js";
import type { ImageSeries } from "../../containers/image.js";
import type { NWBFile } from "../../containers/file.js";
import type { DynamicTable } from "../../containers/table.js";
import { type Check, field, numbers, readable, when } from "./support.js";
import { orderOfImages } from "./domains.js";
import { dateTimeText } from "./nwbfile-metadata.js";

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

/** Absolute as POSIX or Windows takes it. */
const isAbsolute = (path: string): boolean => path.startsWith("/") || path.startsWith("\\") || /^[A-Za-z]:[\\/]/.test(path);

const count = (n: number, singular: string, plural = `${singular}s`): string => `${n} ${n === 1 ? singular : plural}`;

export const EXTRA_CHECKS: readonly Check[] = [
  {
    id: "check_rate_is_positive", importance: "CRITICAL", appliesTo: "TimeSeries", extra: true,
    what: "the sampling rate is not negative",
    run: (obj) => {
      const { rate } = obj as TimeSeries;
      return when(rate !== undefined && rate < 0, () => `rate is negative (${rate} Hz)`);
    },
  },
  {
    id: "check_image_series_starting_frame_per_external_file", importance: "CRITICAL", appliesTo: "ImageSeries", extra: true,
    what: "starting_frame has one entry per external file, in non-decreasing order",
    run: (obj) => {
      const { external_file: files, starting_frame: starting } = obj as ImageSeries;
      if (!files) return [];
      if ((starting?.length ?? 0) !== files.length) return [`starting_frame has ${count(starting?.length ?? 0, "entry", "entries")} for ${count(files.length, "external file")}`];
      const back = starting!.findIndex((s, i) => i > 0 && s < starting![i - 1]!);
      return when(back > 0, () => `starting_frame goes back at entry ${back} (${starting![back - 1]} then ${starting![back]}): each file's frames follow the previous file's`);
    },
  },
  {
    id: "check_image_series_external_file_frames", importance: "CRITICAL", appliesTo: "ImageSeries", extra: true,
    what: "each external file holds as many frames as starting_frame gives it, and timestamps count every frame (reads the files' headers)",
    run: async (obj, context) => {
      const { external_file: files, starting_frame: starting } = obj as ImageSeries;
      const { nwbFolder, frameCount } = context;
      if (!files || !starting || starting.length !== files.length || nwbFolder === undefined || !frameCount) return [];
      const counts: (number | undefined)[] = [];
      for (const file of files) counts.push(await frameCount(isAbsolute(file) ? file : `${nwbFolder}/${file}`));
      const findings: string[] = [];
      for (let i = 0; i + 1 < files.length; i++) {
        const given = starting[i + 1]! - starting[i]!;
        if (counts[i] !== undefined && counts[i] !== given) {
          findings.push(`external file '${files[i]}' holds ${count(counts[i]!, "frame")}, but starting_frame gives it ${count(given, "frame")} (${starting[i]} to ${starting[i + 1]})`);
        }
      }
      const last = counts[counts.length - 1];
      const timestamps = (obj as ImageSeries).timestamps;
      if (last !== undefined && counts.every((c) => c !== undefined) && readable(timestamps)) {
        const total = starting[starting.length - 1]! + last;
        if (timestamps.shape[0] !== total) findings.push(`the external files hold ${count(total, "frame")}, but there are ${count(timestamps.shape[0]!, "timestamp")}`);
      }
      return findings;
    },
  },
  {
    id: "check_image_series_too_few_frames", importance: "BEST_PRACTICE_SUGGESTION", appliesTo: "ImageSeries", extra: true,
    what: "an ImageSeries stored in the file has at least 2 frames (one image is an Image, in an Images)",
    run: (obj) => {
      const { external_file: files, data } = obj as ImageSeries;
      if (files !== undefined || !readable(data)) return [];
      const frames = data.shape[0] ?? 0;
      return when(frames < 2, () => `an ImageSeries of ${count(frames, "frame")}: store a single image as an Image (in an Images) instead`);
    },
  },
  {
    id: "check_order_of_images_covers_images", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "Images", extra: true,
    what: "order_of_images points at images of its own Images, and at every one of them",
    run: async (obj, context) => {
      const order = await orderOfImages(obj);
      const images = field<Map<string, AbstractContainer>>(obj, "images") ?? new Map<string, AbstractContainer>();
      if (!order) return [];
      // References are the target objects (or, as some readers give them, their paths).
      const targets = order.map((t) => (typeof t === "string" ? t : context.pathOf(t as AbstractContainer)));
      const own = new Map([...images.values()].map((image) => [context.pathOf(image), image.name]));
      const foreign = targets.filter((t) => !own.has(t));
      const missing = [...own].filter(([p]) => !targets.includes(p)).map(([, name]) => name);
      return [
        ...foreign.map((t) => `order_of_images points at ${t}, which is not one of this Images' images`),
        ...when(missing.length > 0, () => `order_of_images leaves out ${missing.map((n) => `'${n}'`).join(", ")}: it should order every image`),
      ];
    },
  },
  {
    id: "check_table_columns_match_ids", importance: "CRITICAL", appliesTo: "DynamicTable", extra: true,
    what: "each column named in colnames exists and has as many rows (through its index) as the table has ids",
    run: (obj) => {
      const table = obj as DynamicTable;
      if (field(table, "id") === undefined) return [];
      table.flushRows();
      const rows = table.length;
      const columns = table.allColumns;
      // The column an index points at -> the index: a column's rows are those of its outermost index.
      const indexOf = new Map<AbstractContainer, AbstractContainer>();
      for (const c of columns.values()) {
        const target = field<AbstractContainer>(c, "target");
        if (c.isA("VectorIndex") && target) indexOf.set(target, c);
      }
      const findings: string[] = [];
      for (const name of table.colnames) {
        let top: AbstractContainer | undefined = columns.get(name);
        if (!top) {
          findings.push(`colnames lists '${name}', which is not a column of the table`);
          continue;
        }
        for (let up = indexOf.get(top); up && up !== top; up = indexOf.get(top)) top = up;
        const data = field(top, "data");
        const length = readable(data) ? data.shape[0] : undefined;
        if (length !== undefined && length !== rows) findings.push(`column '${top.name}' has ${count(length, "row")}, the table has ${count(rows, "id")}`);
      }
      return findings;
    },
  },
  {
    id: "check_table_index_valid", importance: "CRITICAL", appliesTo: "VectorIndex", extra: true,
    what: "a ragged column's index never decreases and ends within the column it indexes (reads the index)",
    run: async (obj) => {
      const data = field(obj, "data");
      const target = field<AbstractContainer>(obj, "target");
      const targetData = target ? field(target, "data") : undefined;
      if (!readable(data) || !readable(targetData)) return [];
      const ends = numbers(Array.from((await data.read()) as ArrayLike<unknown>));
      const back = ends.findIndex((e, i) => e < (i === 0 ? 0 : ends[i - 1]!));
      if (back >= 0) return [`${obj.name} decreases at row ${back} (${ends[back]} after ${back === 0 ? 0 : ends[back - 1]}): an index must not decrease`];
      const last = ends[ends.length - 1] ?? 0;
      const length = targetData.shape[0] ?? 0;
      return when(last > length, () => `${obj.name} ends at ${last}, past the ${count(length, "element")} of ${target!.name}`);
    },
  },
  {
    id: "check_dynamic_table_region_in_table", importance: "CRITICAL", appliesTo: "DynamicTableRegion", extra: true,
    what: "every row a region points at (all of them, not the first 200) is a row of its table",
    run: async (obj) => {
      const data = field(obj, "data");
      const table = field<DynamicTable>(obj, "table");
      if (!readable(data) || !table || field(table, "id") === undefined) return [];
      table.flushRows();
      const rows = table.length;
      const indices = numbers(Array.from((await data.read()) as ArrayLike<unknown>));
      const bad = indices.findIndex((i) => !Number.isInteger(i) || i < 0 || i >= rows);
      return when(bad >= 0, () => `element ${bad} of ${obj.name} is row ${indices[bad]} of ${table.name}, which has ${count(rows, "row")}`);
    },
  },
  {
    // pynwb adds a zone to every time it writes; other writers may not.
    id: "check_session_start_time_time_zone", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "NWBFile", extra: true,
    what: "session_start_time has a UTC offset (a time without one is no instant)",
    run: (obj) => {
      const start = dateTimeText((obj as NWBFile).session_start_time);
      return when(/T\d/.test(start) && !UTC_OFFSET.test(start), () => `session_start_time ${start} has no UTC offset (e.g. +01:00 or Z): its instant is unknown`);
    },
  },
  {
    id: "check_identifier_looks_unique", importance: "BEST_PRACTICE_SUGGESTION", appliesTo: "NWBFile", extra: true,
    what: `identifier is not short (under ${MIN_IDENTIFIER_LENGTH} characters), digits only or a common word, which other files may use too`,
    run: (obj) => {
      const identifier = (obj as NWBFile).identifier;
      const why = COMMON_IDENTIFIERS.has(identifier.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "")) ? "is a common word"
        : /^\d+$/.test(identifier) ? "is only a number"
          : identifier.length < MIN_IDENTIFIER_LENGTH ? `is shorter than ${MIN_IDENTIFIER_LENGTH} characters` : undefined;
      return when(why !== undefined, () => `identifier "${identifier}" ${why}: it should be unique across all NWB files (a UUID is)`);
    },
  },
];
