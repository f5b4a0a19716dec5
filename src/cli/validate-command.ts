/**
 * `tsnwb validate FILE... [--json] [--core]`: each file checked against the schema it caches (or tsnwb's bundled
 * one with --core), in the bounded reading worker. Exit status: 0 all valid, 1 a file breaks the schema, 2 a file
 * cannot be read at all (its one line on stderr).
 */
import type { Command } from "commander";
import type { ValidationIssue } from "../index.js";
import { FileWorker, reportFailure } from "./file-worker.js";

/** One file's outcome: its issues, or why it could not be read. */
export interface FileValidation {
  file: string;
  valid: boolean;
  issues: ValidationIssue[];
  /** Set when the file could not be read (then `valid` is false and `issues` empty). */
  error?: string;
}

export function addValidateCommand(program: Command): void {
  program
    .command("validate")
    .description("check NWB files against the schema they cache (required members, dtypes, shapes, links, tables); reads no array data beyond table indices")
    .argument("<files...>", "NWB files")
    .option("--json", "print the results as JSON")
    .option("--core", "check against tsnwb's bundled schema (core, hdmf-common) instead of the files' cached namespaces")
    .action(async (files: string[], opts: { json?: boolean; core?: boolean }) => {
      const results: FileValidation[] = [];
      const worker = new FileWorker();
      try {
        for (const file of files) {
          const outcome = await worker.run("validate", { file, core: opts.core ?? false });
          if (outcome.ok) {
            results.push({ file, valid: outcome.value.length === 0, issues: outcome.value });
            if (!opts.json) {
              console.log(`${file}: ${outcome.value.length === 0 ? "valid" : `${outcome.value.length} issue(s)`}`);
              for (const i of outcome.value) console.log(`  ${i.path}  ${i.rule}: ${i.message}`);
            }
          } else {
            // Whatever stops the read (a tsnwb error, HDF5 giving up on damaged bytes, a time limit) means "cannot be read".
            results.push({ file, valid: false, issues: [], error: outcome.error.message });
            reportFailure(outcome.error);
          }
        }
      } finally {
        await worker.close();
      }
      if (opts.json) console.log(JSON.stringify(results));
      if (!results.every((r) => r.valid)) process.exitCode = Math.max(Number(process.exitCode ?? 0), 1);
    });
}
