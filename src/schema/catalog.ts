/**
 * The namespace catalog: loaded namespaces and their types, with inheritance resolved as hdmf resolves it. A type's
 * resolved spec holds everything it inherits. A member a subtype declares again (same name, or same type for unnamed
 * members) stands as written (its quantity, dtype, defaults: a missing quantity is 1 again), and only its own
 * members merge with the parent's; an attribute declared again replaces the parent's whole. At the type's own
 * level, what the subtype does not say (its dtype, shape) is inherited.
 */
import {
  type AttributeSpec, type DatasetSpec, type GroupSpec, type LinkSpec, type NamespaceDocument, type SchemaSource,
} from "./language.js";
import { NotFoundError, ValidationError } from "../errors.js";

/** A type as the catalog knows it. */
export interface TypeDef {
  /** The type's name. */
  readonly name: string;
  /** The namespace that defines it. */
  readonly namespace: string;
  /** The schema file (`source`) that defines it. */
  readonly source: string;
  /** Whether it is stored as a group or a dataset. */
  readonly kind: "group" | "dataset";
  /** The definition as written. */
  readonly spec: GroupSpec | DatasetSpec;
  /** The type it extends, if any. */
  readonly parent?: TypeDef;
  /** The definition with every inherited member merged in. */
  readonly resolved: GroupSpec | DatasetSpec;
}

type Member = AttributeSpec | DatasetSpec | GroupSpec | LinkSpec;

/** How a member is matched against its parent's: by name, or for unnamed members by the type they hold. */
function memberKey(m: Member): string {
  if (m.name !== undefined) return m.name;
  if ("target_type" in m) return `<link ${m.target_type}>`;
  return `<${(m as GroupSpec).neurodata_type_inc}>`;
}

function mergeLists<T extends Member>(base: T[] | undefined, own: T[] | undefined, wholesale: boolean): T[] | undefined {
  if (!base?.length) return own;
  if (!own?.length) return base;
  const out = new Map(base.map((m) => [memberKey(m), m] as const));
  for (const m of own) {
    const k = memberKey(m);
    const b = out.get(k);
    out.set(k, b === undefined || wholesale ? m : mergeMembers(b, m, false));
  }
  return [...out.values()];
}

/**
 * `own` refining `base`. At a type's level (`typeLevel`) what `own` does not say is inherited; a member declared
 * again stands as written. Member lists merge in both cases (attributes replaced whole, other members recursively).
 */
function mergeMembers<T extends Member>(base: T, own: T, typeLevel: boolean): T {
  const out = (typeLevel ? { ...base, ...own } : { ...own }) as Record<string, unknown>;
  for (const key of ["attributes", "datasets", "groups", "links"] as const) {
    const lists = (m: Member) => (m as unknown as Record<string, Member[] | undefined>)[key];
    const merged = mergeLists(lists(base), lists(own), key === "attributes" || key === "links");
    if (merged !== undefined) out[key] = merged;
  }
  return out as T;
}

/** A type's definition refining its parent's resolved one. */
export function mergeSpec<T extends Member>(base: T, own: T): T {
  return mergeMembers(base, own, true);
}

/**
 * The type definitions of a schema file: those at its top, and those made inside another type's spec, at any depth
 * (a `Potato` defined among `PotatoSack`'s groups, as pynwb's extension tutorial does; hdmf registers both).
 */
function* typeDefinitions(groups: readonly GroupSpec[], datasets: readonly DatasetSpec[]): Generator<{ kind: "group" | "dataset"; spec: GroupSpec | DatasetSpec }> {
  for (const spec of groups) {
    if (spec.neurodata_type_def !== undefined) yield { kind: "group", spec };
    yield* typeDefinitions(spec.groups ?? [], spec.datasets ?? []);
  }
  for (const spec of datasets) if (spec.neurodata_type_def !== undefined) yield { kind: "dataset", spec };
}

/** Namespaces and their types, with inheritance resolved (pynwb's type map): `get(type, namespace)` gives a type. */
export class NamespaceCatalog {
  private readonly documents = new Map<string, NamespaceDocument>();
  /** Type definitions as written, by `namespace:name`, before resolution. */
  private readonly definitions = new Map<string, { namespace: string; source: string; kind: "group" | "dataset"; spec: GroupSpec | DatasetSpec }>();
  private readonly resolvedTypes = new Map<string, TypeDef>();
  /**
   * Types found, by namespace then name: every object's `isA` and `layout` look its type up (a table's `addRow` many
   * times a row); emptied when a namespace is added.
   */
  private readonly found = new Map<string | undefined, Map<string, TypeDef>>();

  /** Adds a namespace with its schema files. A namespace already loaded in the same version is kept as it is. */
  add(doc: NamespaceDocument): void {
    const ns = doc.namespace;
    const existing = this.documents.get(ns.name);
    if (existing) {
      if (existing.namespace.version === ns.version) return;
      throw new ValidationError(`namespace '${ns.name}'`, "version", `the version already loaded (${existing.namespace.version})`, ns.version);
    }
    for (const entry of ns.schema) {
      if ("namespace" in entry && !this.documents.has(entry.namespace)) {
        throw new NotFoundError(entry.namespace, `namespace '${ns.name}' includes namespace '${entry.namespace}', which is not loaded`);
      }
    }
    this.documents.set(ns.name, doc);
    this.found.clear();
    for (const entry of ns.schema) {
      if (!("source" in entry)) continue;
      const source: SchemaSource | undefined = doc.sources[entry.source];
      if (!source) throw new NotFoundError(entry.source, `namespace '${ns.name}' lists the schema file '${entry.source}', which was not given`);
      for (const { kind, spec } of typeDefinitions(source.groups ?? [], source.datasets ?? [])) {
        this.definitions.set(`${ns.name}:${spec.neurodata_type_def!}`, { namespace: ns.name, source: entry.source, kind, spec });
      }
    }
  }

  /** The loaded namespace documents, in load order. */
  get namespaces(): NamespaceDocument[] {
    return [...this.documents.values()];
  }

  /** The namespace of that name, if loaded. */
  namespace(name: string): NamespaceDocument | undefined {
    return this.documents.get(name);
  }

  /** The namespaces `name` includes, directly or not, itself first. */
  closure(name: string): string[] {
    const out: string[] = [];
    const visit = (n: string) => {
      if (out.includes(n)) return;
      out.push(n);
      for (const e of this.documents.get(n)?.namespace.schema ?? []) if ("namespace" in e) visit(e.namespace);
    };
    visit(name);
    return out;
  }

  /** The names of the types a namespace defines itself. */
  typeNames(namespace: string): string[] {
    return [...this.definitions.values()].filter((d) => d.namespace === namespace).map((d) => d.spec.neurodata_type_def!);
  }

  /** Whether `name` is a type seen from `namespace` (its own or an included namespace's). */
  has(name: string, namespace?: string): boolean {
    return this.find(name, namespace) !== undefined;
  }

  /** The type `name` as seen from `namespace` (or from any namespace when none is given). */
  get(name: string, namespace?: string): TypeDef {
    const found = this.find(name, namespace);
    if (!found) {
      throw new NotFoundError(name, `no type '${name}' in namespace ${namespace === undefined ? "any loaded namespace" : `'${namespace}' or those it includes`}`);
    }
    return found;
  }

  private find(name: string, namespace?: string): TypeDef | undefined {
    let names = this.found.get(namespace);
    const known = names?.get(name);
    if (known) return known;
    const type = this.search(name, namespace);
    if (type) {
      if (!names) this.found.set(namespace, (names = new Map()));
      names.set(name, type);
    }
    return type;
  }

  private search(name: string, namespace?: string): TypeDef | undefined {
    const spaces = namespace === undefined ? [...this.documents.keys()] : this.closure(namespace);
    for (const ns of spaces) {
      if (this.definitions.has(`${ns}:${name}`)) return this.resolve(`${ns}:${name}`);
    }
    return undefined;
  }

  private resolve(key: string): TypeDef {
    const cached = this.resolvedTypes.get(key);
    if (cached) return cached;
    const def = this.definitions.get(key)!;
    const inc = def.spec.neurodata_type_inc;
    const parent = inc === undefined ? undefined : this.get(inc, def.namespace);
    if (parent && parent.kind !== def.kind) {
      throw new ValidationError(`type '${def.spec.neurodata_type_def}'`, "neurodata_type_inc", `a ${def.kind} type`, `${inc}, a ${parent.kind} type`);
    }
    const resolved = parent ? mergeSpec(parent.resolved, def.spec) : def.spec;
    const type: TypeDef = { name: def.spec.neurodata_type_def!, namespace: def.namespace, source: def.source, kind: def.kind, spec: def.spec, parent, resolved };
    this.resolvedTypes.set(key, type);
    return type;
  }

  /** The type's ancestry, itself first. */
  lineage(type: TypeDef): TypeDef[] {
    const out: TypeDef[] = [];
    for (let t: TypeDef | undefined = type; t; t = t.parent) out.push(t);
    return out;
  }

  /** Whether `type` is `ancestor` or extends it. */
  isA(type: TypeDef, ancestor: string): boolean {
    // Up the parents without a list of them: every object's isA comes here, a table's row adds many times.
    for (let t: TypeDef | undefined = type; t; t = t.parent) if (t.name === ancestor) return true;
    return false;
  }
}
