/**
 * Proves that tsnwb's bundled schema model agrees with the official YAML in ../shared/schema (NWB core 2.7.0,
 * hdmf-common 1.8.0 and hdmf-experimental): the same namespaces and types, each type defined with the same members
 * (attributes, datasets, groups, links with their dtypes, shapes, dims, quantities, required flags, values and
 * defaults), the same parents, and inheritance resolved as the specification language says. The YAML is read here
 * with the `yaml` package, independently of tsnwb's loader. Doc strings are tsnwb's own, so they are never compared.
 * A few layouts (the fields objects expose) are checked by hand at the end.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { typeCatalog } from "../src/schema/bundled.js";
import { layoutOf, type Field } from "../src/schema/fields.js";

const SCHEMA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "shared", "schema");
const NAMESPACE_FILES = [
  path.join(SCHEMA_DIR, "hdmf-common-schema-1.8.0", "namespace.yaml"),
  path.join(SCHEMA_DIR, "nwb-schema-2.7.0", "nwb.namespace.yaml"),
];

// ---- Reading the YAML ----------------------------------------------------------------------------------------

type Spec = Record<string, unknown>;

interface YamlType {
  name: string;
  namespace: string;
  source: string;
  kind: "group" | "dataset";
  /** The definition with `data_type_*` renamed to `neurodata_type_*`, docs kept. */
  spec: Spec;
}

interface YamlNamespace {
  name: string;
  version: string;
  /** The namespaces it includes, in order. */
  includes: string[];
  /** Its own schema files, in order. */
  sources: string[];
  types: YamlType[];
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function asRecord(x: unknown, what: string): Record<string, unknown> {
  if (!isRecord(x)) throw new Error(`${what}: expected a mapping, found ${JSON.stringify(x)}`);
  return x;
}

function asList(x: unknown, what: string): unknown[] {
  if (x === undefined) return [];
  if (!Array.isArray(x)) throw new Error(`${what}: expected a list, found ${JSON.stringify(x)}`);
  return x;
}

function asText(x: unknown, what: string): string {
  if (typeof x !== "string") throw new Error(`${what}: expected a string, found ${JSON.stringify(x)}`);
  return x;
}

function readYaml(file: string): unknown {
  return parse(readFileSync(file, "utf8"));
}

/** hdmf-common writes `data_type_def`/`data_type_inc`; NWB (and the model) `neurodata_type_def`/`neurodata_type_inc`. */
function withNwbTypeKeys(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(withNwbTypeKeys);
  if (!isRecord(x)) return x;
  const renamed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(x)) {
    const nwbKey = key === "data_type_def" ? "neurodata_type_def" : key === "data_type_inc" ? "neurodata_type_inc" : key;
    renamed[nwbKey] = withNwbTypeKeys(value);
  }
  return renamed;
}

/** A copy without any `doc` key, at any depth (compound dtype members included). */
function withoutDocs(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(withoutDocs);
  if (!isRecord(x)) return x;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(x)) if (key !== "doc") out[key] = withoutDocs(value);
  return out;
}

/** Every type a schema file defines, at any depth (a definition nested in another type's members counts too). */
function typesDefinedIn(file: string, namespace: string, source: string): YamlType[] {
  const found: YamlType[] = [];
  const visit = (spec: Spec, kind: "group" | "dataset") => {
    const name = spec["neurodata_type_def"];
    if (name !== undefined) found.push({ name: asText(name, `${source}: a type name`), namespace, source, kind, spec });
    for (const g of asList(spec["groups"], `${source}: groups`)) visit(asRecord(g, `${source}: a group`), "group");
    for (const d of asList(spec["datasets"], `${source}: datasets`)) visit(asRecord(d, `${source}: a dataset`), "dataset");
  };
  visit(asRecord(withNwbTypeKeys(readYaml(file)), source), "group");
  return found;
}

function readNamespaces(): YamlNamespace[] {
  const out: YamlNamespace[] = [];
  for (const file of NAMESPACE_FILES) {
    const doc = asRecord(readYaml(file), file);
    for (const entry of asList(doc["namespaces"], `${file}: namespaces`)) {
      const ns = asRecord(entry, `${file}: a namespace`);
      const name = asText(ns["name"], `${file}: a namespace name`);
      const namespace: YamlNamespace = { name, version: asText(ns["version"], `${name}: version`), includes: [], sources: [], types: [] };
      for (const item of asList(ns["schema"], `${name}: schema`)) {
        const schema = asRecord(item, `${name}: a schema entry`);
        if (schema["namespace"] !== undefined) {
          namespace.includes.push(asText(schema["namespace"], `${name}: an included namespace`));
          continue;
        }
        const source = asText(schema["source"], `${name}: a schema source`);
        namespace.sources.push(source);
        namespace.types.push(...typesDefinedIn(path.join(path.dirname(file), source), name, source));
      }
      out.push(namespace);
    }
  }
  return out;
}

const YAML_NAMESPACES = readNamespaces();

function yamlNamespace(name: string): YamlNamespace {
  const ns = YAML_NAMESPACES.find((n) => n.name === name);
  if (!ns) throw new Error(`no namespace '${name}' in the YAML`);
  return ns;
}

/** The namespaces seen from `name`: itself first, then those it includes, depth first. */
function yamlClosure(name: string, seen: string[] = []): string[] {
  if (seen.includes(name)) return seen;
  seen.push(name);
  for (const inc of yamlNamespace(name).includes) yamlClosure(inc, seen);
  return seen;
}

/** The YAML type `name` as seen from `namespace` (its own types first, then its included namespaces'). */
function yamlTypeSeenFrom(name: string, namespace: string): YamlType {
  for (const ns of yamlClosure(namespace)) {
    const type = yamlNamespace(ns).types.find((t) => t.name === name);
    if (type) return type;
  }
  throw new Error(`the YAML has no type '${name}' seen from namespace '${namespace}'`);
}

function parentNameOf(spec: Spec): string | undefined {
  const inc = spec["neurodata_type_inc"];
  return inc === undefined ? undefined : asText(inc, "neurodata_type_inc");
}

function sortBy<T>(items: T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => key(a).localeCompare(key(b)));
}

// ---- Inheritance, resolved independently --------------------------------------------------------------------

const MEMBER_LISTS = ["attributes", "datasets", "groups", "links"] as const;

/**
 * What a child's member must share with a parent's to override it: its name; for unnamed members, the type it
 * holds (`neurodata_type_inc`), or for links the type they target.
 */
function overrideIdentity(member: Spec): string {
  if (member["name"] !== undefined) return `name ${asText(member["name"], "a member name")}`;
  if (member["target_type"] !== undefined) return `link to ${asText(member["target_type"], "target_type")}`;
  return `typed ${asText(member["neurodata_type_inc"], "an unnamed member's neurodata_type_inc")}`;
}

/**
 * The parent's members with the child's overriding them in place, then the child's new members. As hdmf resolves
 * them: an overriding attribute (or link) replaces the parent's whole; an overriding dataset or group stands as
 * written, its own member lists merged with the parent's.
 */
function overrideMembers(parentMembers: Spec[], childMembers: Spec[], wholesale: boolean): Spec[] {
  const merged = parentMembers.map((m) => ({ identity: overrideIdentity(m), member: m }));
  for (const child of childMembers) {
    const identity = overrideIdentity(child);
    const inherited = merged.find((m) => m.identity === identity);
    if (inherited) inherited.member = wholesale ? child : refine(inherited.member, child, false);
    else merged.push({ identity, member: child });
  }
  return merged.map((m) => m.member);
}

/**
 * The child refining the parent. A type inherits what its own definition does not say; a member declared again
 * keeps only its own keys (hdmf: a missing quantity is 1 again). Member lists merge in both cases.
 */
function refine(parent: Spec, child: Spec, typeLevel: boolean): Spec {
  const out: Spec = typeLevel ? { ...parent, ...child } : { ...child };
  for (const list of MEMBER_LISTS) {
    if (parent[list] === undefined && child[list] === undefined) continue;
    const parentMembers = asList(parent[list], list).map((m) => asRecord(m, list));
    const childMembers = asList(child[list], list).map((m) => asRecord(m, list));
    out[list] = overrideMembers(parentMembers, childMembers, list === "attributes" || list === "links");
  }
  return out;
}

/** A YAML type with everything it inherits merged in. */
function resolvedFromYaml(type: YamlType): Spec {
  const parentName = parentNameOf(type.spec);
  if (parentName === undefined) return type.spec;
  return refine(resolvedFromYaml(yamlTypeSeenFrom(parentName, type.namespace)), type.spec, true);
}

// ---- Layout helpers -------------------------------------------------------------------------------------------

function layoutOfType(name: string) {
  return layoutOf(typeCatalog, typeCatalog.get(name, "core"));
}

function fieldKeys(name: string): string[] {
  return layoutOfType(name).fields.map((f) => f.key).sort();
}

function field(typeName: string, key: string): Field {
  const found = layoutOfType(typeName).fields.find((f) => f.key === key);
  if (!found) throw new Error(`${typeName} has no field '${key}'`);
  return found;
}

function fixedValue(typeName: string, key: string): unknown {
  const found = layoutOfType(typeName).fixed.find((f) => f.key === key);
  if (!found) throw new Error(`${typeName} has no fixed value '${key}'`);
  return found.value;
}

// ---- The checks -----------------------------------------------------------------------------------------------

const ALL_TYPES = YAML_NAMESPACES.flatMap((ns) => ns.types);

describe("namespaces", () => {
  it("the YAML defines the three namespaces this test expects", () => {
    expect(YAML_NAMESPACES.map((n) => n.name).sort()).toEqual(["core", "hdmf-common", "hdmf-experimental"]);
  });

  it("the catalog holds the YAML's namespaces, in the same versions", () => {
    const bundled = typeCatalog.namespaces.map((d) => ({ name: d.namespace.name, version: d.namespace.version }));
    const yaml = YAML_NAMESPACES.map((n) => ({ name: n.name, version: n.version }));
    expect(sortBy(bundled, (n) => n.name)).toEqual(sortBy(yaml, (n) => n.name));
  });

  for (const ns of YAML_NAMESPACES) {
    it(`${ns.name}: includes the same namespaces and lists the same schema files`, () => {
      const entries = typeCatalog.namespace(ns.name)?.namespace.schema ?? [];
      const includes = entries.flatMap((e) => ("namespace" in e ? [e.namespace] : []));
      const sources = entries.flatMap((e) => ("source" in e ? [e.source] : []));
      expect({ includes, sources }).toEqual({ includes: ns.includes, sources: ns.sources });
    });

    it(`${ns.name}: defines the same types`, () => {
      expect([...typeCatalog.typeNames(ns.name)].sort()).toEqual(ns.types.map((t) => t.name).sort());
    });

    it(`${ns.name}: each type has the YAML's source, kind and parent (found in the same namespace)`, () => {
      const describeBundled = (name: string) => {
        const def = typeCatalog.get(name, ns.name);
        return {
          namespace: def.namespace, source: def.source, kind: def.kind,
          parent: def.parent === undefined ? undefined : `${def.parent.namespace}:${def.parent.name}`,
        };
      };
      const describeYaml = (type: YamlType) => {
        const parentName = parentNameOf(type.spec);
        const parent = parentName === undefined ? undefined : yamlTypeSeenFrom(parentName, ns.name);
        return {
          namespace: type.namespace, source: type.source, kind: type.kind,
          parent: parent === undefined ? undefined : `${parent.namespace}:${parent.name}`,
        };
      };
      const bundled = Object.fromEntries(ns.types.map((t) => [t.name, describeBundled(t.name)]));
      const yaml = Object.fromEntries(ns.types.map((t) => [t.name, describeYaml(t)]));
      expect(bundled).toEqual(yaml);
    });
  }
});

describe("each type's definition, as bundled, is the YAML's (docs aside)", () => {
  for (const type of ALL_TYPES) {
    it(`${type.namespace}:${type.name}`, () => {
      const def = typeCatalog.get(type.name, type.namespace);
      expect(withoutDocs(def.spec)).toEqual(withoutDocs(type.spec));
    });
  }
});

describe("each type's resolved definition is the YAML's with its inheritance resolved (docs aside)", () => {
  for (const type of ALL_TYPES) {
    it(`${type.namespace}:${type.name}`, () => {
      const def = typeCatalog.get(type.name, type.namespace);
      expect(withoutDocs(def.resolved)).toEqual(withoutDocs(resolvedFromYaml(type)));
    });
  }
});

describe("layouts: the fields a user sees", () => {
  const TIME_SERIES_FIELDS = [
    "description", "comments", "data", "unit", "conversion", "resolution", "offset", "continuity", "starting_time",
    "rate", "timestamps", "control", "control_description",
  ];

  it("TimeSeries: its fields, and timestamps' fixed interval and unit", () => {
    expect(fieldKeys("TimeSeries")).toEqual([...TIME_SERIES_FIELDS].sort());
    expect(fixedValue("TimeSeries", "timestamps__interval")).toBe(1);
    expect(fixedValue("TimeSeries", "timestamps__unit")).toBe("seconds");
  });

  it("ElectricalSeries: TimeSeries' fields plus filtering, electrodes and channel_conversion; unit fixed to volts", () => {
    const inherited = TIME_SERIES_FIELDS.filter((key) => key !== "unit");
    expect(fieldKeys("ElectricalSeries")).toEqual([...inherited, "filtering", "electrodes", "channel_conversion"].sort());
    expect(field("ElectricalSeries", "electrodes")).toMatchObject({ kind: "child", type: "DynamicTableRegion" });
    expect(fixedValue("ElectricalSeries", "unit")).toBe("volts");
  });

  it("IndexSeries: no unit field; its unit is fixed", () => {
    expect(fieldKeys("IndexSeries")).not.toContain("unit");
    expect(fixedValue("IndexSeries", "unit")).toBe("N/A");
  });

  it.each([
    ["Position", "spatial_series", "SpatialSeries"],
    ["ImageSegmentation", "plane_segmentations", "PlaneSegmentation"],
    ["Fluorescence", "roi_response_series", "RoiResponseSeries"],
    ["LFP", "electrical_series", "ElectricalSeries"],
  ])("%s: holds its members in a children field %s of %s", (typeName, key, memberType) => {
    expect(field(typeName, key)).toMatchObject({ kind: "children", types: [memberType] });
  });

  it("NWBFile: has the fields for its metadata tables, devices, data and processing", () => {
    expect(fieldKeys("NWBFile")).toEqual(expect.arrayContaining([
      "devices", "electrode_groups", "electrodes", "imaging_planes", "trials", "epochs", "units", "intervals",
      "lab_meta_data", "subject", "acquisition", "stimulus", "stimulus_template", "processing",
    ]));
  });

  it("a member declared again stands as written, as hdmf resolves it: SpikeEventSeries' timestamps are required", () => {
    expect(field("TimeSeries", "timestamps").required).toBe(false);
    expect(field("SpikeEventSeries", "timestamps").required).toBe(true);
    // IndexSeries declares conversion again without a default; pynwb still writes TimeSeries' (PYNWB_DEFAULTS).
    expect(field("IndexSeries", "conversion")).toMatchObject({ required: false, default: 1 });
  });
});
