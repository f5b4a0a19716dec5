/**
 * What pynwb says of an object it reads but would refuse to make anew (its `_error_on_new_warn_on_construct`): a
 * warning, and the object read as stored. An ImageSeries of external files should have one starting frame per
 * file, the format "external", and no frames of its own (pynwb 2.1's files hold both kinds of mistake).
 */
import type { AbstractContainer } from "../containers/container.js";
import { warn } from "../warnings.js";

/** Warns, as pynwb does on read, of what `obj` holds that a new object could not. */
export function warnAsPynwbOnRead(obj: AbstractContainer): void {
  if (!obj.isA("ImageSeries")) return;
  const o = obj as unknown as { external_file?: unknown[]; starting_frame?: unknown[]; format?: string; data?: { shape?: number[] } };
  if (!Array.isArray(o.external_file)) return;
  const files = o.external_file.length;
  if (!Array.isArray(o.starting_frame) || o.starting_frame.length !== files) {
    warn(obj.describe(), "starting_frame", `${Array.isArray(o.starting_frame) ? o.starting_frame.length : "no"} starting frame(s) for ${files} external file(s): there should be one per file`);
  }
  if (o.format !== "external") warn(obj.describe(), "format", `is ${JSON.stringify(o.format)}, but must be "external" when external_file is given`);
  if ((o.data?.shape?.[0] ?? 0) !== 0) warn(obj.describe(), "data", "holds frames as well as external_file: one or the other");
}
