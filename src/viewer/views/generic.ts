/**
 * Any object no other view shows: its fields (attributes as values, datasets by dtype and shape with their first
 * values, objects it holds or links to, each a link to it).
 */
import type { AbstractContainer } from "../../browser.js";
import { cellText } from "./cells.js";
import type { ViewModule } from "./view.js";

/** One field of an object. */
export interface FieldSummary {
  name: string;
  kind: "value" | "dataset" | "object" | "objects";
  text: string;
  /** For a dataset: its dtype and shape. */
  dtype?: string;
  shape?: number[];
  /** For objects: their paths in the file, to open them. */
  paths?: string[];
}

export interface GenericData {
  type: string;
  fields: FieldSummary[];
}

/** Whether `v` is array data (stored or in memory): it has a shape, a dtype and a read. */
function isArrayData(v: unknown): v is { shape: number[]; dtype: string; read(s?: readonly (readonly [number, number])[]): Promise<unknown> } {
  return typeof v === "object" && v !== null && Array.isArray((v as { shape?: unknown }).shape) && typeof (v as { dtype?: unknown }).dtype === "string" && typeof (v as { read?: unknown }).read === "function";
}

function isContainer(v: unknown): v is AbstractContainer {
  return typeof v === "object" && v !== null && typeof (v as { neurodata_type?: unknown }).neurodata_type === "string" && typeof (v as { name?: unknown }).name === "string";
}

const pathOf = (c: AbstractContainer) => c.container_source?.path ?? c.name;

/** The fields of an object, summarised: what `render` lists. */
export async function summarise(obj: AbstractContainer): Promise<GenericData> {
  const fields: FieldSummary[] = [];
  for (const [name, v] of Object.entries(obj)) {
    if (v === undefined || name === "parent" || name.startsWith("_") || name === "container_source" || name === "name") continue;
    if (isArrayData(v)) {
      const count = v.shape.reduce((a, b) => a * b, 1);
      // The first values (a short read: one row's worth of the first axis at most).
      let first = "";
      try {
        const head = count === 0 ? [] : await v.read(v.shape.length === 0 ? undefined : [[0, Math.min(v.shape[0]!, 8)]]);
        first = cellText(head);
      } catch (e) {
        first = `(cannot be read: ${e instanceof Error ? e.message : String(e)})`;
      }
      fields.push({ name, kind: "dataset", dtype: v.dtype, shape: [...v.shape], text: first });
    } else if (isContainer(v)) fields.push({ name, kind: "object", text: `${v.name} (${v.neurodata_type})`, paths: [pathOf(v)] });
    else if (v instanceof Map) {
      const items = [...v.values()].filter(isContainer);
      fields.push({ name, kind: "objects", text: `${items.length}`, paths: items.map(pathOf) });
    } else if (Array.isArray(v) && v.length > 0 && v.every(isContainer)) fields.push({ name, kind: "objects", text: `${v.length}`, paths: v.map(pathOf) });
    else if (typeof v !== "function") fields.push({ name, kind: "value", text: cellText(v) });
  }
  return { type: obj.neurodata_type, fields };
}

export const genericView: ViewModule<GenericData> = {
  name: "generic",
  types: ["Container", "Data"],
  extract: (obj) => summarise(obj),
  render(element, data, context) {
    const table = document.createElement("table");
    table.className = "fields";
    for (const f of data.fields) {
      const tr = table.insertRow();
      tr.dataset.field = f.name;
      tr.insertCell().textContent = f.name;
      const cell = tr.insertCell();
      if (f.kind === "dataset") cell.textContent = `${f.dtype} [${f.shape!.join(", ")}] ${f.text}`;
      else if (f.paths) {
        if (f.kind === "objects") cell.append(`${f.text}: `);
        for (const [k, p] of f.paths.entries()) {
          const a = Object.assign(document.createElement("a"), { href: "#", textContent: f.kind === "object" ? f.text : p.split("/").pop()! });
          a.addEventListener("click", (e) => {
            e.preventDefault();
            context.select(p);
          });
          if (k > 0) cell.append(", ");
          cell.append(a);
        }
      } else cell.textContent = f.text;
    }
    element.append(table);
    return {};
  },
};
