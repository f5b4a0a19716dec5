/**
 * tsnwb's errors. Each is a typed class with a tag and structured fields, so a caller can
 * branch with {@link isTsnwbError} instead of matching message text.
 */

/** What kind of failure an error reports. */
export type TsnwbErrorTag =
  /** A construction rule of a neurodata type was broken (bad shape, missing field, ...). */
  | "ValidationError"
  /** A path does not exist, or an object the caller asked for is not in the file. */
  | "NotFoundError"
  /** A file is not HDF5, is truncated, or holds something tsnwb cannot make sense of. */
  | "FormatError"
  /** The I/O object was used in a way its mode does not allow. */
  | "ModeError"
  /** A streamed source failed while it was being written. */
  | "StreamError"
  /** What was about to be written breaks the schema (a required member missing, a link to the wrong type...). */
  | "SchemaError";

/** Base class of every error tsnwb throws on purpose. */
export class TsnwbError extends Error {
  /** Which error it is, for `switch` and {@link isTsnwbError}. */
  readonly tag: TsnwbErrorTag;
  /** An error of the given tag. */
  constructor(tag: TsnwbErrorTag, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.tag = tag;
    this.name = tag;
  }
}

/** A field of an object broke a rule; `object`, `field` and `expected` say which and how. */
export class ValidationError extends TsnwbError {
  /** The object's description: its type and name, e.g. `ImageSeries 'movie'`. */
  readonly object: string;
  /** The field that got it. */
  readonly field: string;
  /** What the field takes. */
  readonly expected: string;
  constructor(object: string, field: string, expected: string, found?: string) {
    super("ValidationError", `${object}: field '${field}': expected ${expected}${found === undefined ? "" : `, got ${found}`}`);
    this.object = object;
    this.field = field;
    this.expected = expected;
  }
}

/** An object, field or file that is not there; `path` names what was looked for. */
export class NotFoundError extends TsnwbError {
  /** What was looked for: a path, a name or a type. */
  readonly path: string;
  constructor(path: string, message?: string) {
    super("NotFoundError", message ?? `no such file or object: ${path}`);
    this.path = path;
  }
}

/** A file that is not NWB, or not readable as such; `path` names the file or object. */
export class FormatError extends TsnwbError {
  /** The file or object that could not be read. */
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super("FormatError", `${path}: ${message}`, options);
    this.path = path;
  }
}

/** A call that the file's mode or state does not allow (writing a file opened to read, using a closed file). */
export class ModeError extends TsnwbError {
  constructor(message: string) {
    super("ModeError", message);
  }
}

/** A frame source threw; `frameIndex` is the index of the first frame that was not written. */
export class StreamError extends TsnwbError {
  /** The index of the frame that failed. */
  readonly frameIndex: number;
  constructor(object: string, frameIndex: number, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super("StreamError", `${object}: the data source failed at frame ${frameIndex}: ${why}`, { cause });
    this.frameIndex = frameIndex;
  }
}

/** What a write was about to produce breaks the schema; `issues` lists each problem with its path and rule. */
export class SchemaError extends TsnwbError {
  /** Each problem: where in the file, the rule it breaks, and what is wrong. */
  readonly issues: {
    /** The path in the file. */
    path: string;
    /** The rule broken. */
    rule: string;
    /** What is wrong. */
    message: string;
  }[];
  constructor(file: string, issues: { path: string; rule: string; message: string }[]) {
    const shown = issues.slice(0, 5).map((i) => `${i.path}: ${i.message} (${i.rule})`).join("; ");
    super("SchemaError", `${file}: not written, it would not be valid NWB: ${shown}${issues.length > 5 ? `; and ${issues.length - 5} more` : ""}`);
    this.issues = issues;
  }
}

/** The class of each tag, so that {@link isTsnwbError} narrows to it (`e.field` of a ValidationError). */
export interface TsnwbErrorByTag {
  /** A value refused: wrong type, shape, range or missing. */
  ValidationError: ValidationError;
  /** An object, field or file not found. */
  NotFoundError: NotFoundError;
  /** A file that is not NWB or not readable as such. */
  FormatError: FormatError;
  /** A call the file's mode or state does not allow. */
  ModeError: ModeError;
  /** A frame source that failed while streaming. */
  StreamError: StreamError;
  /** What a write would produce breaks the schema. */
  SchemaError: SchemaError;
}

/** True when `err` is a tsnwb error, of the given tag if one is given; narrows to that tag's class. */
export function isTsnwbError<T extends TsnwbErrorTag = TsnwbErrorTag>(err: unknown, tag?: T): err is TsnwbErrorByTag[T] {
  return err instanceof TsnwbError && (tag === undefined || err.tag === tag);
}
