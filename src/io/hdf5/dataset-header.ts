/**
 * A dataset's shape, dtype and chunks read from its header's bytes (dataspace, datatype and layout messages), as
 * the tree reader needs them for the dataset's lazy handle: h5wasm's `get_dataset_metadata` finds the dataset by its
 * path, opens it and builds a JS object of a dozen fields, once per dataset (1,400 of them on a file of 2,000
 * objects, the larger part of the time its tree took to read once links and attributes came from the bytes). Only
 * plain types are read here (integers, IEEE floats, strings, object references; scalar or simple dataspaces;
 * layouts of versions 3 and 4); for others (compound, enum, float16, null dataspaces...) the caller asks HDF5,
 * whose answer gives the same dtype.
 */
import type { DType } from "../../data/dtype.js";
import { NotHere, dataspace, datatype } from "./attribute-messages.js";
import { parseLayout } from "./direct-read.js";
import { type ObjectHeader, messageBody } from "./object-header.js";

const MSG = { dataspace: 0x0001, datatype: 0x0003, layout: 0x0008 } as const;

const INTEGERS: Record<number, [DType, DType]> = { 1: ["int8", "uint8"], 2: ["int16", "uint16"], 4: ["int32", "uint32"], 8: ["int64", "uint64"] };

/** The dataset's shape, dtype (as h5wasm's metadata gives it) and chunks, or undefined (ask HDF5). */
export function datasetFromHeader(header: ObjectHeader): { shape: number[]; dtype: DType; chunks: number[] | null } | undefined {
  try {
    const one = (type: number) => {
      const found = header.messages.filter((m) => m.type === type);
      // Shared (stored elsewhere) or repeated: not read here.
      if (found.length !== 1 || found[0]!.flags & 0x02) throw new NotHere();
      return messageBody(found[0]!);
    };
    const shape = dataspace(one(MSG.dataspace), Number.MAX_SAFE_INTEGER);
    const type = datatype(one(MSG.datatype));
    const dtype: DType = type.kind === "integer" ? INTEGERS[type.size]![type.signed ? 0 : 1]
      : type.kind === "float" ? (type.size === 8 ? "float64" : "float32")
      : type.kind === "reference" ? "reference" : "text";
    const layout = one(MSG.layout);
    if (layout[0] !== 3 && layout[0] !== 4) return undefined;
    // Compact (0) and contiguous (1) have no chunks; chunked (2) its chunk's shape.
    if (layout[1] === 0 || layout[1] === 1) return { shape, dtype, chunks: null };
    if (layout[1] !== 2) return undefined;
    const parsed = parseLayout(layout, shape.length);
    if (parsed?.kind !== "chunked") return undefined;
    return { shape, dtype, chunks: parsed.chunk };
  } catch {
    return undefined;
  }
}
