/**
 * `tsnwb inspect`: the best-practice inspector (as the NWB Inspector) over NWB files. Exit status 1 when anything at
 * or above the chosen level is found, so that scripts and CI can stop on it; 0 otherwise. A file that cannot be read
 * fails the command with its FormatError (exit 2, by main.ts).
 */
import { Option, type Command } from "commander";
import { IMPORTANCES, type Importance, type InspectionMessage } from "../validation/inspector.js";
import { inspectFile } from "../validation/inspect-file.js";

/** The width of the importance column: the longest importance, and two spaces. */
const IMPORTANCE_WIDTH = Math.max(...IMPORTANCES.map((i) => i.length)) + 2;

/** One message as a line: `IMPORTANCE  path  check: message`. */
export function formatMessage(m: InspectionMessage): string {
  return `${m.importance.toUpperCase().padEnd(IMPORTANCE_WIDTH)}${m.path}  ${m.check}: ${m.message}`;
}

export function addInspectCommand(program: Command): void {
  program
    .command("inspect")
    .description("check NWB files for best practices, as the NWB Inspector; exits 1 when something at or above --level is found")
    .argument("<files...>", "NWB files")
    .option("--json", "print a JSON array of { file, messages }")
    .addOption(new Option("--level <importance>", "report only messages of this importance or a higher one").choices([...IMPORTANCES]).default("suggestion"))
    .action(async (files: string[], opts: { json?: boolean; level: Importance }) => {
      const results: { file: string; messages: InspectionMessage[] }[] = [];
      // One file after the other: each is opened, inspected and closed before the next, so memory stays that of one.
      for (const file of files) results.push({ file, messages: await inspectFile(file, { level: opts.level }) });
      if (opts.json) console.log(JSON.stringify(results));
      else {
        for (const { file, messages } of results) {
          console.log(`${file}: ${messages.length === 0 ? "no messages" : `${messages.length} message${messages.length === 1 ? "" : "s"}`} at level ${opts.level} or above`);
          for (const m of messages) console.log(`  ${formatMessage(m)}`);
        }
      }
      // exitCode, not exit(): the output is written out before the process ends.
      if (results.some((r) => r.messages.length > 0)) process.exitCode = 1;
    });
}
