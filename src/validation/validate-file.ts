/**
 * `validate(path | nwbfile | io)` in Node: a file on disk (or a URL), HDF5 or an NWB Zarr store, is opened for
 * reading, checked, and closed.
 */
import { openToRead } from "../io/open-file.js";
import { NWBZarrIO } from "../io/zarr/nwb-zarr-io.js";
import { NWBIOBase } from "../io/io-base.js";
import { NWBFile } from "../containers/file.js";
import type { ValidationIssue } from "./validator.js";
import { type ValidateOptions, validateIO, validateNWBFile, validateReadTree } from "./validate.js";

/** Checks a file (by path or URL; HDF5 or Zarr), an open file, or an NWBFile in memory against the schema; [] when valid. */
export async function validate(target: string | NWBFile | NWBIOBase | NWBZarrIO, options: ValidateOptions = {}): Promise<ValidationIssue[]> {
  if (target instanceof NWBFile) return validateNWBFile(target);
  if (target instanceof NWBIOBase) return validateIO(target, options);
  if (target instanceof NWBZarrIO) return validateReadTree(await target._readTree(), target.path, options);
  const io = await openToRead(target);
  try {
    return io instanceof NWBZarrIO ? await validateReadTree(await io._readTree(), io.path, options) : await validateIO(io, options);
  } finally {
    await io.close();
  }
}
