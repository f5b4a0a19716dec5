/**
 * The NWB Inspector's checks of any object (nwbinspector/checks/_general.py and _nwb_containers.py): names,
 * descriptions, compression of large datasets and empty optional text, with its names and importances.
 */
import type { AbstractContainer } from "../../containers/container.js";
import type { TypeDef } from "../../schema/catalog.js";
import { layoutOf } from "../../schema/fields.js";
import { typeCatalog } from "../../schema/bundled.js";
import { PYNWB_OPTIONAL_TEXT_ARGS } from "../../generated/pynwb/optional-text-args.js";
import { bytesPerElement, isNumericDType } from "../../data/dtype.js";
import { product } from "../../data/ndarray.js";
import { type Check, type Finding, field, hasField, isArrayData, isPlainDataset, when } from "./support.js";

/** The NWB Inspector's placeholders, compared in lower case without surrounding dots. */
const DESCRIPTION_PLACEHOLDERS = ["no description", "no desc", "none", "placeholder"];

/** The NWB Inspector's bounds of the compression checks: 50 MB to 20 GB a suggestion, above a violation. */
export const SMALL_DATASET_BYTES = 50e6;
export const LARGE_DATASET_BYTES = 20e9;
/** Above this, a suggestion to compress is of HIGH severity. */
const HIGH_SEVERITY_BYTES = 10e9;

/** Python's `str.strip(chars)`. */
function strip(text: string, chars: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && chars.includes(text[start]!)) start++;
  while (end > start && chars.includes(text[end - 1]!)) end--;
  return text.slice(start, end);
}

/** The object's datasets as h5py sees them (plain values, not scalars): what the compression checks look at. */
function datasetsOf(obj: AbstractContainer): { key: string; bytes: number; compressed: boolean }[] {
  const out: { key: string; bytes: number; compressed: boolean }[] = [];
  for (const f of obj.layout.fields) {
    if (f.kind !== "dataset") continue;
    const value = field(obj, f.key);
    if (!isPlainDataset(value) || !isArrayData(value) || !isNumericDType(value.dtype)) continue;
    const stored = (value as { compression?: string | null }).compression;
    const compression = stored !== undefined ? stored : obj.storage[f.key]?.compression ?? null;
    out.push({ key: f.key, bytes: product(value.shape) * bytesPerElement(value.dtype), compressed: compression !== null });
  }
  return out;
}

export const GENERAL_CHECKS: readonly Check[] = [
  {
    id: "check_name_slashes", importance: "CRITICAL", appliesTo: "any",
    what: "an object's name has no slash (/ or \\)",
    run: (obj) => when(/[/\\]/.test(obj.name), () => "Object name contains slashes."),
  },
  {
    id: "check_description", importance: "BEST_PRACTICE_SUGGESTION", appliesTo: "any",
    what: `an object with a description has one that is neither empty nor a placeholder (${DESCRIPTION_PLACEHOLDERS.map((p) => `"${p}"`).join(", ")})`,
    run: (obj) => {
      if (!hasField(obj, "description")) return [];
      const description = field(obj, "description");
      if (description === undefined || description === null || (typeof description === "string" && strip(description, " ") === "")) return ["Description is missing."];
      if (typeof description !== "string") return [];
      return when(DESCRIPTION_PLACEHOLDERS.includes(strip(description.toLowerCase(), ".")), () => `Description ('${description}') is a placeholder.`);
    },
  },
  {
    id: "check_large_dataset_compression", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "any",
    what: "a dataset of more than 20 GB is compressed (read from storage settings, not data)",
    run: (obj) => {
      const big = datasetsOf(obj).find((d) => !d.compressed && d.bytes > LARGE_DATASET_BYTES);
      return big ? [{ message: `${big.key} is a large uncompressed dataset! Please enable compression.`, severity: "HIGH" }] : [];
    },
  },
  {
    id: "check_small_dataset_compression", importance: "BEST_PRACTICE_SUGGESTION", appliesTo: "any",
    what: "a dataset of 50 MB to 20 GB is compressed (read from storage settings, not data)",
    run: (obj) => {
      const found = datasetsOf(obj).find((d) => !d.compressed && d.bytes > SMALL_DATASET_BYTES && d.bytes < LARGE_DATASET_BYTES);
      if (!found) return [];
      const message = `${found.key} is not compressed. Consider enabling compression when writing a dataset.`;
      const finding: Finding = found.bytes > HIGH_SEVERITY_BYTES ? { message, severity: "HIGH" } : message;
      return [finding];
    },
  },
  {
    id: "check_empty_string_for_optional_attribute", importance: "BEST_PRACTICE_SUGGESTION", appliesTo: "any",
    what: "an optional text argument of pynwb's constructor (no default) is left out rather than given as an empty string",
    run: (obj) => (optionalTextArgs(obj) ?? [])
      .filter((key) => field(obj, key) === "")
      .map((key) => `The attribute "${key}" is optional and you have supplied an empty string. Improve my omitting this attribute (in MatNWB or PyNWB) or entering as None (in PyNWB)`),
  },
];

/** hdmf's dtypes that its generated classes take as `str` (`ascii` is bytes). */
const STR_DTYPES = new Set(["text", "utf", "utf8", "utf-8"]);

/**
 * The arguments the NWB Inspector's check_empty_string_for_optional_attribute looks at: those of pynwb's
 * constructor typed `str` with the default None (generated from pynwb, PYNWB_OPTIONAL_TEXT_ARGS), for objects whose
 * pynwb class is an NWBContainer; undefined for others (tables, data). An extension's type (a class hdmf generates)
 * takes its nearest pynwb ancestor's arguments and, as hdmf's class generator makes them, its own optional scalar
 * text attributes and datasets without a default.
 */
function optionalTextArgs(obj: AbstractContainer): readonly string[] | undefined {
  const own = obj.typeDef;
  for (let t: TypeDef | undefined = own; t !== undefined; t = t.parent) {
    const known = t.namespace === "core" ? PYNWB_OPTIONAL_TEXT_ARGS[t.name] : undefined;
    if (known === undefined) continue;
    if (t === own) return known;
    const inherited = new Set(layoutOf(typeCatalog, t).fields.map((f) => f.key));
    const added = obj.layout.fields.filter((f) => (f.kind === "attribute" || f.kind === "dataset") && !inherited.has(f.key)
      && typeof f.spec.dtype === "string" && STR_DTYPES.has(f.spec.dtype) && f.spec.shape === undefined && f.spec.dims === undefined
      && !f.required && f.spec.default_value === undefined && f.spec.value === undefined);
    return [...known, ...added.map((f) => f.key)];
  }
  return undefined;
}
