/**
 * `tsnwb codegen NAMESPACE.yaml... --out FILE.ts [--import-from tsnwb]`: an extension's TypeScript module, with a
 * typed class per type (MatNWB's `generateExtension`); see `schema/extension-source.ts`. Several namespace files
 * (an extension, then one that includes it) make one module of them all, loaded in that order.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as nodePath from "node:path";
import type { Command } from "commander";

/** Adds the `codegen` command to the CLI. */
export function addCodegenCommand(program: Command): void {
  program
    .command("codegen")
    .description("write a TypeScript module of an extension's classes (typed options and fields, as tsnwb's own), which loads the extension when imported")
    .argument("<namespaces...>", "the extension's namespace YAML (its schema files beside it); extensions it includes first")
    .requiredOption("--out <file>", "the TypeScript file to write")
    .option("--import-from <module>", "how the module imports tsnwb", "tsnwb")
    .action(async (namespaceFiles: string[], opts: { out: string; importFrom: string }) => {
      // Loaded here, not with the command line: the schema and YAML are this command's, not every command's.
      const [{ loadNamespaces }, { typeCatalog }, { extensionSource }] = await Promise.all([
        import("../io/namespaces.js"), import("../schema/bundled.js"), import("../schema/extension-source.js"),
      ]);
      const namespaces: string[] = [];
      for (const file of namespaceFiles) namespaces.push(...await loadNamespaces(file));
      const source = extensionSource(typeCatalog, namespaces, opts.importFrom, namespaceFiles.map((f) => nodePath.basename(f)).join(", "));
      mkdirSync(nodePath.dirname(nodePath.resolve(opts.out)), { recursive: true });
      writeFileSync(opts.out, source);
      const types = namespaces.flatMap((ns) => typeCatalog.typeNames(ns));
      console.log(`wrote ${opts.out}: ${types.length} classes (${types.join(", ")}) of ${namespaces.join(", ")}`);
    });
}
