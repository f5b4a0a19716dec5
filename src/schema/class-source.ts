/**
 * The TypeScript source of a type's class and of its constructor's options, from the type's layout: typed fields,
 * defaults, pynwb's names for collections. The generator writes the bundled types' classes with it
 * (codegen/generate-schema.ts, into src/generated/), and `tsnwb codegen` an extension's (`schema/extension-source.ts`).
 */
import type { NamespaceCatalog, TypeDef } from "./catalog.js";
import { isRefDtype } from "./language.js";
import { type Field, isDateTimeDtype, layoutOf, madeByTable, regionTableOptions, valueShape } from "./fields.js";
import { type CollectionMethods, PYNWB_COLLECTIONS, PYNWB_DEFAULT_NAMES } from "./pynwb-names.js";

/** Bundled types whose class is written by hand (for its rules and conveniences), by module under `src/`. */
export const HAND_WRITTEN: Record<string, string> = {
  NWBFile: "containers/file.js",
  TimeSeries: "containers/base.js",
  ProcessingModule: "containers/base.js",
  Image: "containers/base.js",
  Images: "containers/base.js",
  ImageSeries: "containers/image.js",
  IndexSeries: "containers/image.js",
  AbstractFeatureSeries: "containers/misc.js",
  DynamicTable: "containers/table.js",
  TimeIntervals: "containers/intervals.js",
  PlaneSegmentation: "containers/segmentation.js",
  Units: "containers/units.js",
  AlignedDynamicTable: "containers/aligned-table.js",
  IntracellularRecordingsTable: "containers/icephys.js",
  SimultaneousRecordingsTable: "containers/icephys.js",
  SequentialRecordingsTable: "containers/icephys.js",
  RepetitionsTable: "containers/icephys.js",
  ExperimentalConditionsTable: "containers/icephys.js",
  SweepTable: "containers/icephys.js",
};

/** The namespaces bundled with tsnwb, whose types' classes come with it. */
const BUNDLED_NAMESPACES = new Set(["core", "hdmf-common", "hdmf-experimental"]);

/** Whether a type's class is written by hand (the generated one is then its `<Type>Base`). */
export function isHandWritten(t: TypeDef): boolean {
  return HAND_WRITTEN[t.name] !== undefined && BUNDLED_NAMESPACES.has(t.namespace);
}

/** Names the root class already uses: a schema field of that name would hide it. */
const RESERVED = new Set(["name", "parent", "object_id", "neurodata_type", "namespace", "container_source", "storage", "describe", "fail", "add", "get", "toJSON"]);

/** Where the source of a class imports what it uses from; "" for what the same source defines. */
export interface ClassModules {
  /** The module that exports the class of `t`, as seen from the source of `from`'s class. */
  classOf(t: TypeDef, from: TypeDef): string;
  /** The module that exports the options of `t` (`<Type>Options`), as seen from the source of `from`'s class. */
  optionsOf(t: TypeDef, from: TypeDef): string;
  /** The module that exports `AbstractContainer`, `AbstractContainerOptions`, `ArrayData` and `DataInput`. */
  support: string;
}

/** A class's source: what it imports (names prefixed `type ` are types only), and its options and class. */
export interface ClassSource {
  /** Names to import, by module. */
  imports: Map<string, Set<string>>;
  /** The options interface and the class. */
  body: string;
}

/** A description as one comment line: whitespace collapsed, and nothing that would end the comment. */
export function docText(doc: string): string {
  return doc.replace(/\s+/g, " ").trim().replace(/\*\//g, "*\\/");
}

export function classSource(catalog: NamespaceCatalog, t: TypeDef, modules: ClassModules): ClassSource {
  const layout = layoutOf(catalog, t);
  const handWritten = isHandWritten(t);
  const className = handWritten ? `${t.name}Base` : t.name;
  const imports = new Map<string, Set<string>>();
  const need = (module: string, name: string) => {
    if (module === "") return;
    if (!imports.has(module)) imports.set(module, new Set());
    imports.get(module)!.add(name);
  };
  const typeRef = (name: string): string => {
    const target = catalog.get(name, t.namespace);
    if (target !== t || handWritten) need(modules.classOf(target, t), `type ${target.name}`);
    return target.name;
  };
  const parentFields = new Map<string, Field>();
  if (t.parent) for (const f of layoutOf(catalog, t.parent).fields) parentFields.set(f.key, f);
  const own = layout.fields.filter((f) => {
    const p = parentFields.get(f.key);
    // A dataset type's own value is always declared: its parent's may admit objects as well (NWBData).
    return p === undefined || f.kind === "value" || JSON.stringify(fieldType(p, () => "")) !== JSON.stringify(fieldType(f, () => "")) ||
      p.required !== f.required || p.pynwbRequired !== f.pynwbRequired || hasDefault(p) !== hasDefault(f);
  });
  for (const f of layout.fields) if (RESERVED.has(f.key)) throw new Error(`${t.name}: field '${f.key}' would hide a member every object has`);

  // What pynwb requires is required (PYNWB_REQUIRED too); a table makes its required columns when not given.
  const optionalOption = (f: Field): boolean =>
    !(f.required || f.pynwbRequired === true) || hasDefault(f) || (f.kind === "children" && !f.pynwbRequired) || madeByTable(catalog, t, f);
  const lines: string[] = [];
  const prop: string[] = [];
  const opt: string[] = [];
  for (const f of own) {
    let { property, option } = fieldType(f, typeRef);
    if (f.kind === "value" && holdsReferencesBelow(catalog, t)) {
      // A subtype holds objects (ImageReferences under NWBData): the parent's field admits both forms.
      property = `${property} | AbstractContainer[]`;
      option = `${option} | AbstractContainer[]`;
      need(modules.support, "type AbstractContainer");
    }
    const doc = `  /** ${docText(f.doc)} */\n`;
    const readonly = f.kind === "children" ? "readonly " : "";
    prop.push(`${doc}  declare ${readonly}${f.key}${f.required || hasDefault(f) || f.kind === "children" ? "" : "?"}: ${property};\n`);
    const optional = optionalOption(f);
    opt.push(`${doc}  ${f.key}${optional ? "?" : ""}: ${option};\n`);
    if (property.includes("ArrayData")) need(modules.support, "type ArrayData");
    if (option.includes("DataInput")) need(modules.support, "type DataInput");
  }
  let parentClass: string;
  let parentOptions: string;
  if (t.parent) {
    parentClass = t.parent.name;
    need(modules.classOf(t.parent, t), parentClass);
    parentOptions = `${t.parent.name}Options`;
    // A hand-written parent's options may relax the schema's (ImageSeries' `unit`): its subtypes take those.
    need(modules.optionsOf(t.parent, t), `type ${parentOptions}`);
  } else {
    parentClass = "AbstractContainer";
    parentOptions = "AbstractContainerOptions";
    need(modules.support, "AbstractContainer");
    need(modules.support, "type AbstractContainerOptions");
  }
  // Options a parent takes and this type does not (its value is fixed here, like an ElectricalSeries' unit) go too.
  const keys = new Set(layout.fields.map((f) => f.key));
  const dropped = [...parentFields.keys()].filter((k) => !keys.has(k));
  const overridden = [...own.filter((f) => parentFields.has(f.key)).map((f) => f.key), ...dropped].map((k) => JSON.stringify(k));
  const defaultName = PYNWB_DEFAULT_NAMES[t.name] ?? t.resolved.default_name ?? t.resolved.name;
  if (defaultName !== undefined) {
    overridden.push(`"name"`);
    opt.unshift(`  /** Default: "${defaultName}". */\n  name?: string;\n`);
  }
  // The table a region column the type requires points into, which pynwb's constructor takes to make the column.
  for (const r of regionTableOptions(catalog, t)) {
    opt.push(`  /** The ${typeRef(r.targetType)} that \`${r.column}\` points into: the column is made from it when not given. */\n  ${r.option}?: ${typeRef(r.targetType)};\n`);
  }
  const base = overridden.length ? `Omit<${parentOptions}, ${overridden.join(" | ")}>` : parentOptions;
  const adders = own.filter((f) => f.kind === "children").map((f) => {
    const types = (f as Extract<Field, { kind: "children" }>).types;
    const item = types.length > 1 ? `(${types.map(typeRef).join(" | ")})` : typeRef(types[0]!);
    const single = types.length === 1 ? catalog.get(types[0]!, t.namespace) : undefined;
    if (single) need(modules.classOf(single, t), single.name);
    return collectionMethods(f.key, item, PYNWB_COLLECTIONS[t.name]?.[f.key] ?? hdmfCollection(f.key, single !== undefined));
  });
  const typeDoc = docText(t.spec.doc);
  lines.push(`\n/** The options of {@link ${t.name}}: its fields, as a constructor takes them. */\n`);
  lines.push(`export interface ${t.name}Options extends ${base} {\n${opt.join("")}}\n`);
  lines.push(`\n/** ${typeDoc}${handWritten ? ` (The fields of {@link ${t.name}}, whose class adds its rules.)` : ""} */\n`);
  lines.push(`export class ${className} extends ${parentClass} {\n`);
  lines.push(`  /** The type's name in the schema, as files store it (attribute \`neurodata_type\`). */\n`);
  lines.push(`  static override readonly neurodata_type: string = ${JSON.stringify(t.name)};\n`);
  lines.push(`  /** The namespace that defines the type, as files store it (attribute \`namespace\`). */\n`);
  lines.push(`  static override readonly namespace: string = ${JSON.stringify(t.namespace)};\n`);
  lines.push(prop.join(""));
  // Nothing to give (a default name, no required field): constructed with no options, as pynwb's ImageSegmentation().
  const noneRequired = defaultName !== undefined && layout.fields.every(optionalOption);
  lines.push(`\n  constructor(opts: ${t.name}Options${noneRequired ? " = {}" : ""}) {\n    // The root sets every field of the most derived type from its layout; each class adds only its rules.\n    super(opts as never);\n  }\n`);
  lines.push(adders.join(""));
  lines.push("}\n");
  return { imports, body: lines.join("") };
}

/** The import statements of a source, by module (names prefixed `type ` are imported as types). */
export function importLines(imports: Map<string, Set<string>>): string {
  const lines: string[] = [];
  for (const [module, imported] of [...imports].sort(([a], [b]) => a.localeCompare(b))) {
    const list = [...imported].sort();
    const typeOnly = list.every((n) => n.startsWith("type "));
    const values = new Set(list.filter((n) => !n.startsWith("type ")));
    const names = list.filter((n) => !(n.startsWith("type ") && values.has(n.slice(5))));
    lines.push(typeOnly
      ? `import type { ${names.map((n) => n.slice(5)).join(", ")} } from "${module}";\n`
      : `import { ${names.join(", ")} } from "${module}";\n`);
  }
  return lines.join("");
}

/** The methods of a collection that pynwb does not name: hdmf's rule (`add_<field>`, `get_<field>`, `create_<field>` for one type). */
function hdmfCollection(key: string, oneType: boolean): CollectionMethods {
  return { add: `add_${key}`, get: `get_${key}`, ...(oneType ? { create: `create_${key}` } : {}) };
}

/** `add_plane_segmentation` -> `addPlaneSegmentation`. */
function camel(snake: string): string {
  return snake.split("_").map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join("");
}

/**
 * A collection's methods: `add<Field>` (every collection, hdmf's name), pynwb's own `add`/`get`/`create` names
 * where it has them, so that pynwb code translates line by line (`create_plane_segmentation(...)` ->
 * `createPlaneSegmentation({...})`).
 */
function collectionMethods(key: string, item: string, pynwb: CollectionMethods): string {
  const methods: string[] = [];
  const hdmfAdd = camel(`add_${key}`);
  methods.push(`\n  /** Adds to \`${key}\`${pynwb.add === `add_${key}` ? ` (as pynwb's \`${pynwb.add}\`)` : ""}. */\n  ${hdmfAdd}(...items: ${item}[]): this {\n    return this.addTo("${key}", items);\n  }\n`);
  const add = pynwb.add !== undefined ? camel(pynwb.add) : hdmfAdd;
  if (add !== hdmfAdd) {
    methods.push(`\n  /** Adds to \`${key}\` (pynwb's \`${pynwb.add}\`). */\n  ${add}(...items: ${item}[]): this {\n    return this.addTo("${key}", items);\n  }\n`);
  }
  if (pynwb.get !== undefined) {
    methods.push(`\n  /** The object \`name\` of \`${key}\`, or without a name its only one (pynwb's \`${pynwb.get}\`). */\n  ${camel(pynwb.get)}(name?: string): ${item} {\n    return this.getIn("${key}", name) as ${item};\n  }\n`);
  }
  if (pynwb.create !== undefined) {
    methods.push(`\n  /** Makes a ${item} from \`opts\`, adds it to \`${key}\` and gives it (pynwb's \`${pynwb.create}\`). */\n  ${camel(pynwb.create)}(opts: ConstructorParameters<typeof ${item}>[0]): ${item} {\n    const made = new ${item}(opts);\n    this.${add}(made);\n    return made;\n  }\n`);
  }
  return methods.join("");
}

/** Whether a dataset type's value is array data while one of its subtypes' values are references. */
function holdsReferencesBelow(catalog: NamespaceCatalog, t: TypeDef): boolean {
  if (t.kind !== "dataset" || isRefDtype((t.resolved as { dtype?: unknown }).dtype as never)) return false;
  return catalog.namespaces.some((d) => catalog.typeNames(d.namespace.name).some((n) => {
    const sub = catalog.get(n, d.namespace.name);
    return sub !== t && catalog.isA(sub, t.name) && isRefDtype((sub.resolved as { dtype?: unknown }).dtype as never);
  }));
}

export function hasDefault(f: Field): boolean {
  return f.default !== undefined;
}

/** The TypeScript types of a field: as the object holds it, and as a constructor takes it. */
export function fieldType(f: Field, typeRef: (name: string) => string): { property: string; option: string } {
  switch (f.kind) {
    case "link":
      return { property: typeRef(f.targetType), option: typeRef(f.targetType) };
    case "child":
      return { property: typeRef(f.type), option: typeRef(f.type) };
    case "children": {
      const item = f.types.map(typeRef).join(" | ");
      const list = f.types.length > 1 ? `(${item})[]` : `${item}[]`;
      return { property: `Map<string, ${item}>`, option: `${item} | ${list} | Map<string, ${item}>` };
    }
    default: {
      const shape = valueShape(f);
      const dtype = f.spec.dtype;
      const date = isDateTimeDtype(dtype);
      switch (shape) {
        case "text": return { property: "string", option: date ? "Date | string" : "string" };
        case "texts": return { property: "string[]", option: date ? "(Date | string)[]" : "string[]" };
        case "number": return { property: "number", option: "number" };
        case "numbers": return { property: "number[]", option: "number[]" };
        case "bool": return { property: "boolean", option: "boolean" };
        case "bools": return { property: "boolean[]", option: "boolean[]" };
        case "object": {
          const target = isRefDtype(dtype) ? typeRef(dtype.target_type) : "never";
          return { property: target, option: target };
        }
        case "objects": {
          const target = isRefDtype(dtype) ? typeRef(dtype.target_type) : "never";
          return { property: `${target}[]`, option: `${target}[]` };
        }
        case "array": return { property: "ArrayData", option: "DataInput" };
      }
    }
  }
}
