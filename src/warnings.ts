/**
 * Construction warnings, as pynwb's: things that are allowed but probably a mistake (data and timestamps of
 * different lengths, a starting_frame without external files...). They go to `process.emitWarning` in Node (or
 * `console.warn` elsewhere) unless a handler is set.
 */

export interface NWBWarning {
  /** The object's description, e.g. `ImageSeries 'movie'`. */
  object: string;
  /** The field it is about. */
  field: string;
  /** What pynwb would warn. */
  message: string;
}

let handler: ((w: NWBWarning) => void) | undefined;

/** Sets the function warnings go to (undefined: the default); returns the previous one. */
export function setWarningHandler(h: ((w: NWBWarning) => void) | undefined): ((w: NWBWarning) => void) | undefined {
  const previous = handler;
  handler = h;
  return previous;
}

export function warn(object: string, field: string, message: string): void {
  const w = { object, field, message };
  if (handler) return handler(w);
  const text = `${object}: field '${field}': ${message}`;
  const proc = (globalThis as { process?: { emitWarning?: (m: string, o: { type: string }) => void } }).process;
  if (proc?.emitWarning) proc.emitWarning(text, { type: "NWBWarning" });
  else console.warn(text);
}
