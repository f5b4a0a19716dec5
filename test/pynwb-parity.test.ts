/**
 * tsnwb's constructors against pynwb's, type by type. test/py/pynwb_constructors.py (run once, by pynwb itself)
 * lists, for every type pynwb maps to a class, the arguments its constructor requires, its defaults, and what an
 * object made from nothing (or a name) holds. Then, for each type:
 * - what pynwb requires, tsnwb refuses to go without (an object made with everything else is refused, naming it);
 * - what pynwb does not require (it has a default, or no such argument), tsnwb does not refuse to go without;
 * - pynwb's plain defaults are tsnwb's (`description` "no description", an empty column's `data`...);
 * - an object made from nothing (or a name) has pynwb's name, a description and pynwb's columns, and where pynwb's
 *   constructor refuses (a SimultaneousRecordingsTable without its recordings table), tsnwb's does too.
 * Where tsnwb differs on purpose, the difference is listed below with its reason.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type AbstractContainer, type TypeDef, ValidationError, getClass, setWarningHandler, typeCatalog } from "../src/index.js";
import { layoutOf, regionTableOptions } from "../src/schema/fields.js";
import { ORACLE, ROOT } from "./helpers.js";
import { Maker } from "./maker.js";

interface PynwbConstructor {
  namespace: string;
  class: string;
  required: string[];
  defaults: Record<string, unknown>;
  made?: { name?: string; description?: string; colnames?: string[]; categories?: string[]; error?: string };
}

/** pynwb requires these, and tsnwb has no option for them: why. By `Type.argument`; subtypes inherit. */
const NO_OPTION: Record<string, string> = {
  "IndexSeries.unit": "the schema fixes an IndexSeries' unit; pynwb asks for it only to check it",
};

/** tsnwb requires these, pynwb's constructor does not: why. By `Type.option`; subtypes inherit. */
const TSNWB_REQUIRES: Record<string, string> = {
  "TimeSeries.rate": "pynwb requires 'timestamps' or 'rate' too, in its constructor's body ('either timestamps or rate must be specified')",
  "ImageSeries.data": "pynwb requires 'data' or 'external_file' too, in its constructor's body",
  "DynamicTableRegion.table": "a region is written with the table it points into; pynwb lets it be set later, tsnwb wants it when made",
  "CSRMatrix.indices": "pynwb takes them from a scipy sparse matrix given as data; tsnwb has no sparse matrix type",
  "CSRMatrix.indptr": "pynwb takes them from a scipy sparse matrix given as data; tsnwb has no sparse matrix type",
  "CSRMatrix.shape": "pynwb takes them from a scipy sparse matrix given as data; tsnwb has no sparse matrix type",
  "DecompositionSeries.bands": "pynwb's default bands table has none of the columns the schema requires: pynwb's own validator refuses the file",
  "EnumData.elements": "the column of values the indices point into: an object, without which nothing can be written",
  // Not done: pynwb makes HERD's six tables empty when not given; tsnwb wants them (HERD is experimental, and no
  // place in an NWB file holds one: pynwb writes it to a file of its own).
  "HERD.keys": "not made empty yet, as pynwb makes them",
  "HERD.files": "not made empty yet, as pynwb makes them",
  "HERD.entities": "not made empty yet, as pynwb makes them",
  "HERD.objects": "not made empty yet, as pynwb makes them",
  "HERD.object_keys": "not made empty yet, as pynwb makes them",
  "HERD.entity_keys": "not made empty yet, as pynwb makes them",
  "AnnotationSeries.timestamps": "pynwb's constructor takes no rate: it requires timestamps in its body (a file with a rate is one pynwb cannot read)",
  "IntervalSeries.timestamps": "pynwb's constructor takes no rate: it requires timestamps in its body (a file with a rate is one pynwb cannot read)",
  "IndexSeries.indexed_images": "pynwb requires 'indexed_images' or 'indexed_timeseries' too, in its constructor's body",
  "SimultaneousRecordingsTable.intracellular_recordings_table": "pynwb requires it too, in its constructor's body (see the objects made from nothing)",
  "SequentialRecordingsTable.simultaneous_recordings_table": "pynwb requires it too, in its constructor's body",
  "RepetitionsTable.sequential_recordings_table": "pynwb requires it too, in its constructor's body",
  "ExperimentalConditionsTable.repetitions_table": "pynwb requires it too, in its constructor's body",
};

const SKIP_ARGS = new Set(["name", "id", "columns", "colnames"]);

/** The entry of a `Type.key` table that applies to `type` (its own, or an ancestor's). */
function inherited(table: Record<string, string>, type: TypeDef, key: string): string | undefined {
  for (const t of typeCatalog.lineage(type)) if (table[`${t.name}.${key}`] !== undefined) return table[`${t.name}.${key}`];
  return undefined;
}

function construct(type: TypeDef, opts: Record<string, unknown>): AbstractContainer {
  return new (getClass(type.name, type.namespace))(opts as never);
}

function attempt(f: () => unknown): unknown {
  try {
    f();
    return undefined;
  } catch (e) {
    return e;
  }
}

const bundled = typeCatalog.namespaces
  .filter((d) => ["core", "hdmf-common", "hdmf-experimental"].includes(d.namespace.name))
  .flatMap((d) => typeCatalog.typeNames(d.namespace.name).map((n) => typeCatalog.get(n, d.namespace.name)));

describe("pynwb's constructors and tsnwb's", () => {
  let pynwb: Record<string, PynwbConstructor> = {};
  beforeAll(() => {
    const out = execFileSync(ORACLE, ["python", path.join(ROOT, "test", "py", "pynwb_constructors.py")], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    pynwb = JSON.parse(out) as Record<string, PynwbConstructor>;
    setWarningHandler(() => {});
  });

  it("pynwb has a class for every bundled type", () => {
    expect(bundled.filter((t) => pynwb[t.name] === undefined).map((t) => t.name)).toEqual([]);
  });

  it("what pynwb requires, tsnwb requires", () => {
    const problems: string[] = [];
    for (const type of bundled) {
      const py = pynwb[type.name]!;
      const keys = new Set([...layoutOf(typeCatalog, type).fields.map((f) => f.key), ...regionTableOptions(typeCatalog, type).map((r) => r.option)]);
      for (const arg of py.required) {
        if (SKIP_ARGS.has(arg)) continue;
        if (!keys.has(arg)) {
          if (inherited(NO_OPTION, type, arg) === undefined) problems.push(`${type.name}: pynwb requires '${arg}', which tsnwb has no option for`);
          continue;
        }
        const opts = new Maker().options(type);
        delete opts[arg];
        const error = attempt(() => construct(type, opts));
        if (error === undefined) problems.push(`${type.name}: pynwb requires '${arg}', tsnwb makes one without it`);
        else if (!(error instanceof ValidationError) || error.field !== arg) problems.push(`${type.name}: without '${arg}': ${String(error)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("what pynwb does not require, tsnwb does not require either", () => {
    const problems: string[] = [];
    for (const type of bundled) {
      const py = pynwb[type.name]!;
      const full = new Maker().options(type);
      const full_error = attempt(() => construct(type, full));
      if (full_error !== undefined) {
        problems.push(`${type.name}: made with every required option: ${String(full_error)}`);
        continue;
      }
      for (const key of Object.keys(full)) {
        if (py.required.includes(key) || inherited(TSNWB_REQUIRES, type, key) !== undefined) continue;
        const opts = new Maker().options(type);
        delete opts[key];
        const error = attempt(() => construct(type, opts));
        if (error !== undefined) problems.push(`${type.name}: pynwb does not require '${key}', tsnwb does: ${String(error)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("pynwb's plain defaults are tsnwb's", () => {
    const problems: string[] = [];
    for (const type of bundled) {
      const py = pynwb[type.name]!;
      const fields = new Map(layoutOf(typeCatalog, type).fields.map((f) => [f.key, f] as const));
      for (const [key, value] of Object.entries(py.defaults)) {
        const f = fields.get(key);
        if (value === null || key === "name" || f === undefined || f.kind === "children" || inherited(TSNWB_REQUIRES, type, key) !== undefined) continue;
        const opts = new Maker().options(type);
        // A default of an attribute of an optional dataset (a Subject's age__reference) is written only with it, by both.
        if (f.within !== undefined && opts[f.within] === undefined) continue;
        delete opts[key];
        let made: Record<string, unknown>;
        try {
          made = construct(type, opts) as unknown as Record<string, unknown>;
        } catch (e) {
          problems.push(`${type.name}: without '${key}' (pynwb's default ${JSON.stringify(value)}): ${String(e)}`);
          continue;
        }
        const got = made[key];
        if (value === "[]") {
          if ((got as { shape?: number[] } | undefined)?.shape?.[0] !== 0) problems.push(`${type.name}.${key}: pynwb's default is empty, tsnwb's is ${JSON.stringify(got)}`);
        } else if (got !== value) problems.push(`${type.name}.${key}: pynwb's default is ${JSON.stringify(value)}, tsnwb's ${JSON.stringify(got)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("an object made from nothing (or a name) is pynwb's: name, description, columns, or the same refusal", () => {
    const problems: string[] = [];
    for (const type of bundled) {
      const made = pynwb[type.name]!.made;
      // HERD: see TSNWB_REQUIRES.
      if (made === undefined || type.name === "HERD") continue;
      const opts = pynwb[type.name]!.required.includes("name") ? { name: "given" } : {};
      let obj: Record<string, unknown>;
      try {
        obj = construct(type, opts) as unknown as Record<string, unknown>;
      } catch (e) {
        if (made.error === undefined) problems.push(`${type.name}: pynwb makes one from ${JSON.stringify(opts)}, tsnwb refuses: ${String(e)}`);
        continue;
      }
      if (made.error !== undefined) {
        problems.push(`${type.name}: pynwb refuses one from ${JSON.stringify(opts)} (${made.error}), tsnwb makes it`);
        continue;
      }
      if (obj.name !== made.name) problems.push(`${type.name}: named ${JSON.stringify(obj.name)}, pynwb's ${JSON.stringify(made.name)}`);
      if (made.description !== undefined && (typeof obj.description !== "string" || obj.description.length === 0)) {
        problems.push(`${type.name}: no description, pynwb's is ${JSON.stringify(made.description)}`);
      }
      if (made.colnames !== undefined && JSON.stringify([...(obj.colnames as string[])].sort()) !== JSON.stringify([...made.colnames].sort())) {
        problems.push(`${type.name}: colnames ${JSON.stringify(obj.colnames)}, pynwb's ${JSON.stringify(made.colnames)}`);
      }
      if (made.categories !== undefined && JSON.stringify(obj.categories) !== JSON.stringify(made.categories)) {
        problems.push(`${type.name}: categories ${JSON.stringify(obj.categories)}, pynwb's ${JSON.stringify(made.categories)}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
