/**
 * `tsnwb validate FILE... [--json] [--core]`: each file checked against the schema it caches (or tsnwb's bundled
 * one with --core). Exit status: 0 all valid, 1 a file breaks the schema, 2 a file cannot be read at all.
 */
import type { Command } from "commander";
import { type ValidationIssue, isTsnwbError, validate } from "../index.js";

/** One file's outcome: its issues, or why it could not be read. */
export interface FileValidation {
  file: string;
  valid: boolean;
  issues: ValidationIssue[];
  /** Set when the file could not be read (then `valid` is false and `issues` empty). */
  error?: string;
}

/** Validates each file; a file that cannot be read is reported, not thrown, so the others are still checked. */
export async function validateFiles(files: string[], core: boolean): Promise<FileValidation[]> {
  const out: FileValidation[] = [];
  for (const file of files) {
    try {
      const issues = await validate(file, { core });
      out.push({ file, valid: issues.length === 0, issues });
    } catch (e) {
      // Whatever stops the read (a tsnwb error, or HDF5 itself giving up on damaged bytes) means "cannot be read".
      out.push({ file, valid: false, issues: [], error: isTsnwbError(e) ? e.message : e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}

export function addValidateCommand(program: Command): void {
  program
    .command("validate")
    .description("check NWB files against the schema they cache (required members, dtypes, shapes, links, tables); reads no array data beyond table indices")
    .argument("<files...>", "NWB files")
    .option("--json", "print the results as JSON")
    .option("--core", "check against tsnwb's bundled schema (core, hdmf-common) instead of the files' cached namespaces")
    .action(async (files: string[], opts: { json?: boolean; core?: boolean }) => {
      const results = await validateFiles(files, opts.core ?? false);
      if (opts.json) console.log(JSON.stringify(results));
      else {
        for (const r of results) {
          if (r.error !== undefined) console.log(`${r.file}: cannot be read: ${r.error}`);
          else console.log(`${r.file}: ${r.issues.length === 0 ? "valid" : `${r.issues.length} issue(s)`}`);
          for (const i of r.issues) console.log(`  ${i.path}  ${i.rule}: ${i.message}`);
        }
      }
      process.exitCode = results.some((r) => r.error !== undefined) ? 2 : results.some((r) => !r.valid) ? 1 : 0;
    });
}
