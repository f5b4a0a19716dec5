/**
 * Which class models which neurodata type: the bundled classes (generated, or hand-written where they add
 * rules), classes registered by users, and classes made at run time for types only a loaded namespace defines
 * (extensions), each extending its parent type's class, as pynwb's `get_class` makes them.
 */
import { AbstractContainer, type ContainerClass, type AbstractContainerOptions } from "./container.js";
import { BUNDLED_CLASSES } from "../generated/classes.js";
import { typeCatalog } from "../schema/bundled.js";
import { NotFoundError, ValidationError } from "../errors.js";

/** A class made at run time: its fields are the schema's, reachable by name. */
export type DynamicClass = ContainerClass & (new (opts: AbstractContainerOptions & Record<string, unknown>) => AbstractContainer & Record<string, unknown>);

/**
 * Classes by `namespace:type`, filled on first use: the container modules (a table making a column of the type its
 * schema names) use this registry while the bundled classes that extend them are still being loaded.
 */
let registered: Map<string, ContainerClass> | undefined;
function classes(): Map<string, ContainerClass> {
  if (!registered) {
    registered = new Map();
    for (const cls of BUNDLED_CLASSES) registered.set(`${cls.namespace}:${cls.neurodata_type}`, cls);
  }
  return registered;
}

/** The class that models `neurodata_type` as seen from `namespace`, or undefined when no loaded namespace defines it. */
export function classFor(neurodata_type: string, namespace?: string): ContainerClass | undefined {
  if (!typeCatalog.has(neurodata_type, namespace)) return undefined;
  const def = typeCatalog.get(neurodata_type, namespace);
  const key = `${def.namespace}:${def.name}`;
  const known = classes().get(key);
  if (known) return known;
  const parent = def.parent ? classFor(def.parent.name, def.parent.namespace)! : AbstractContainer;
  const Parent = parent as unknown as new (opts: never) => AbstractContainer;
  // A plain subclass: the root's constructor sets the fields of `new.target`'s type, so nothing else is needed.
  const made = {
    [def.name]: class extends Parent {
      static readonly neurodata_type: string = def.name;
      static readonly namespace: string = def.namespace;
    },
  }[def.name]!;
  classes().set(key, made as unknown as ContainerClass);
  return made as unknown as ContainerClass;
}

/**
 * A class made at run time, typed as a subclass of the bundled class `Base`: its objects are `Base`'s (so they go
 * where `Base` is expected, with `Base`'s fields typed), and the extension's own fields are reachable by name.
 */
export type DynamicSubclass<Base extends ContainerClass> = ContainerClass & {
  /** Typed so that `instanceof` narrows to this subclass (by the prototype's type), not to AbstractContainer. */
  readonly prototype: InstanceType<Base> & Record<string, unknown>;
  new (opts: ConstructorParameters<Base>[0] & Record<string, unknown>): InstanceType<Base> & Record<string, unknown>;
};

/**
 * The class of a type, by name (pynwb's `get_class`): bundled types, and types of namespaces loaded with
 * `loadNamespaces` or from a file's cached specification. Given `base` (a class the type extends, by the schema:
 * `getClass("TetrodeSeries", "mylab", ElectricalSeries)`), the class is typed as its subclass, and an error names
 * the type when it does not extend `base`.
 */
export function getClass(neurodata_type: string, namespace: string): DynamicClass;
export function getClass<Base extends ContainerClass>(neurodata_type: string, namespace: string, base: Base): DynamicSubclass<Base>;
export function getClass(neurodata_type: string, namespace: string, base?: ContainerClass): DynamicClass {
  const cls = classFor(neurodata_type, namespace);
  if (!cls) throw new NotFoundError(neurodata_type, `no type '${neurodata_type}' in namespace '${namespace}' (load it with loadNamespaces first)`);
  if (base && !(cls === base || cls.prototype instanceof base)) {
    throw new ValidationError(`getClass('${neurodata_type}', '${namespace}')`, "base", `a class that ${neurodata_type} extends`, `${base.neurodata_type} (${neurodata_type}'s ancestry: ${typeCatalog.lineage(typeCatalog.get(neurodata_type, namespace)).map((t) => t.name).join(" < ")})`);
  }
  return cls as DynamicClass;
}

/** Uses `cls` for its type from now on (pynwb's `register_class`): a hand-written class for an extension type. */
export function registerClass(cls: ContainerClass): void {
  if (!typeCatalog.has(cls.neurodata_type, cls.namespace)) {
    throw new NotFoundError(cls.neurodata_type, `cannot register ${cls.neurodata_type}: namespace '${cls.namespace}' does not define it`);
  }
  classes().set(`${cls.namespace}:${cls.neurodata_type}`, cls);
}

/** The names of the types tsnwb has classes for (bundled and loaded). */
export function modelledTypes(): string[] {
  return typeCatalog.namespaces.flatMap((d) => typeCatalog.typeNames(d.namespace.name));
}
