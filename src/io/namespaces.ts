/**
 * `loadNamespaces`: an extension's namespace YAML (and the schema files beside it) into tsnwb's catalog, as
 * pynwb's `load_namespaces`; its types then have classes (`getClass`) and are written and read like any other.
 */
import { readFile } from "node:fs/promises";
import * as nodePath from "node:path";
import { parse } from "yaml";
import { typeCatalog } from "../schema/bundled.js";
import { type NamespaceSpec, type SchemaSource, normaliseKeys } from "../schema/language.js";
import { FormatError, NotFoundError } from "../errors.js";

/** Loads every namespace of a namespace file (schema files are read relative to it); returns their names. */
export async function loadNamespaces(namespacePath: string): Promise<string[]> {
  const text = await readFile(namespacePath, "utf8").catch((e: unknown) => {
    throw new NotFoundError(namespacePath, `cannot read namespace file ${namespacePath}: ${e instanceof Error ? e.message : String(e)}`);
  });
  const doc = normaliseKeys(parseYaml(text, namespacePath) as { namespaces?: NamespaceSpec[] }).value;
  if (!Array.isArray(doc?.namespaces)) throw new FormatError(namespacePath, "not a namespace file: no 'namespaces' list");
  const loaded: string[] = [];
  for (const namespace of doc.namespaces) {
    if (typeCatalog.namespace(namespace.name)?.namespace.version === String(namespace.version)) continue;
    const sources: Record<string, SchemaSource> = {};
    let typeKeys: "neurodata_type" | "data_type" = "neurodata_type";
    for (const entry of namespace.schema ?? []) {
      if (!("source" in entry)) continue;
      const file = nodePath.resolve(nodePath.dirname(namespacePath), entry.source);
      const content = await readFile(file, "utf8").catch(() => readFile(`${file}.yaml`, "utf8")).catch((e: unknown) => {
        throw new NotFoundError(file, `namespace '${namespace.name}' lists ${entry.source}, which cannot be read: ${e instanceof Error ? e.message : String(e)}`);
      });
      const parsed = normaliseKeys(parseYaml(content, file) as SchemaSource);
      if (parsed.typeKeys === "data_type") typeKeys = "data_type";
      sources[entry.source] = parsed.value;
    }
    typeCatalog.add({ namespace: { ...namespace, version: String(namespace.version) }, sources, typeKeys });
    loaded.push(namespace.name);
  }
  return loaded;
}

function parseYaml(text: string, where: string): unknown {
  try {
    return parse(text);
  } catch (e) {
    throw new FormatError(where, `not valid YAML: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
