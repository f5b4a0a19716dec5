/**
 * `validate(path | nwbfile | io)` in Node: a file on disk (or a URL) is opened for reading, checked, and closed.
 */
import { NWBHDF5IO } from "../io/nwb-io.js";
import { NWBIOBase } from "../io/io-base.js";
import { NWBFile } from "../containers/file.js";
import type { ValidationIssue } from "./validator.js";
import { type ValidateOptions, validateIO, validateNWBFile } from "./validate.js";

/** Checks a file (by path or URL), an open file, or an NWBFile in memory against the schema; [] when valid. */
export async function validate(target: string | NWBFile | NWBIOBase, options: ValidateOptions = {}): Promise<ValidationIssue[]> {
  if (target instanceof NWBFile) return validateNWBFile(target);
  if (target instanceof NWBIOBase) return validateIO(target, options);
  const io = await NWBHDF5IO.open(target, "r");
  try {
    return await validateIO(io, options);
  } finally {
    await io.close();
  }
}
