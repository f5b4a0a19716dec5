/**
 * `tsnwb inspect`: the best-practice inspector (as the NWB Inspector) over NWB files, in the bounded reading worker.
 * Exit status 1 when anything at or above the chosen level is found, so that scripts and CI can stop on it; 2 when
 * a file cannot be read (its one line on stderr, the other files still inspected); 0 otherwise.
 */
import { Option, type Command } from "commander";
import { IMPORTANCES, type Importance, type InspectionMessage } from "../validation/inspector.js";
import { FileWorker, reportFailure } from "./file-worker.js";

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
    .option("--json", "print a JSON array of { file, messages } ({ file, messages: [], error } for a file that cannot be read)")
    .addOption(new Option("--level <importance>", "report only messages of this importance or a higher one").choices([...IMPORTANCES]).default("suggestion"))
    .action(async (files: string[], opts: { json?: boolean; level: Importance }) => {
      const results: { file: string; messages: InspectionMessage[]; error?: string }[] = [];
      const worker = new FileWorker();
      try {
        // One file after the other: each is opened, inspected and closed before the next, so memory stays that of one.
        for (const file of files) {
          const outcome = await worker.run("inspect", { file, level: opts.level });
          if (!outcome.ok) {
            results.push({ file, messages: [], error: outcome.error.message });
            reportFailure(outcome.error);
            continue;
          }
          const messages = outcome.value;
          results.push({ file, messages });
          if (opts.json) continue;
          console.log(`${file}: ${messages.length === 0 ? "no messages" : `${messages.length} message${messages.length === 1 ? "" : "s"}`} at level ${opts.level} or above`);
          for (const m of messages) console.log(`  ${formatMessage(m)}`);
        }
      } finally {
        await worker.close();
      }
      if (opts.json) console.log(JSON.stringify(results));
      // exitCode, not exit(): the output is written out before the process ends.
      if (results.some((r) => r.messages.length > 0)) process.exitCode = Math.max(Number(process.exitCode ?? 0), 1);
    });
}
