/**
 * `tsnwb inspect`: the best-practice inspector (at parity with the NWB Inspector) over NWB files, in the bounded
 * reading worker. Exit status 1 when anything at or above the threshold is found, so that scripts and CI can stop
 * on it; 2 when a file cannot be read (its one line on stderr, the other files still inspected); 0 otherwise.
 */
import { readFileSync } from "node:fs";
import { Option, type Command } from "commander";
import type { Importance, InspectOptions } from "../validation/inspector.js";
import { IMPORTANCES, INSPECTOR_CONFIGS, type InspectionMessage, type InspectorConfig } from "../validation/inspector-names.js";
import { ValidationError } from "../errors.js";
import { FileWorker, type Outcome, readingWorkers, reportFailure } from "./file-worker.js";
import type { FileFacts } from "../validation/across-files.js";
import type { InspectedFile } from "../validation/inspect-file.js";
import { acrossFilesMessages, filesToInspect } from "./inspect-across.js";

/** The width of the importance column: the longest importance, and two spaces. */
const IMPORTANCE_WIDTH = Math.max(...IMPORTANCES.map((i) => i.length)) + 2;

/** tsnwb's earlier names of the importances, still taken by `--level`. */
const LEVELS: Record<string, Importance> = { critical: "CRITICAL", violation: "BEST_PRACTICE_VIOLATION", suggestion: "BEST_PRACTICE_SUGGESTION" };

/** One message as a line: `IMPORTANCE  path  check: message` (of a failed check, the exception's line; --json has where it was thrown). */
export function formatMessage(m: InspectionMessage): string {
  return `${m.importance.padEnd(IMPORTANCE_WIDTH)}${m.path}  ${m.check_function_name}: ${m.message.split("\n")[0]}`;
}

/** `--config`: a known configuration's name ("dandi") or the path of a YAML file in the NWB Inspector's form. */
async function loadConfig(nameOrPath: string): Promise<InspectorConfig> {
  const known = INSPECTOR_CONFIGS[nameOrPath];
  if (known) return known;
  // The YAML parser loads for a configuration file only.
  const { parse: parseYaml } = await import("yaml");
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(nameOrPath, "utf8"));
  } catch (e) {
    throw new ValidationError("tsnwb inspect", "--config", `${Object.keys(INSPECTOR_CONFIGS).join(", ")} or a readable YAML file`, `${nameOrPath} (${(e as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError("tsnwb inspect", "--config", "a YAML mapping of importances (or SKIP) to lists of check names", nameOrPath);
  }
  return parsed as InspectorConfig;
}

const list = (v: string | undefined): string[] | undefined => (v === undefined ? undefined : v.split(",").map((s) => s.trim()).filter((s) => s !== ""));

interface InspectCommandOptions {
  json?: boolean;
  threshold?: Importance;
  level?: string;
  config?: string;
  skip?: string;
  select?: string;
}

export function addInspectCommand(program: Command): void {
  program
    .command("inspect")
    .description("check NWB files for best practices, as the NWB Inspector; exits 1 when something at or above --threshold is found")
    .argument("<paths...>", "NWB files, or folders (every .nwb file under them): several are also checked together (identifiers unique)")
    .option("--json", "print the NWB Inspector's JSON report: { header, messages } (an unreadable file: one message of importance ERROR)")
    .addOption(new Option("--threshold <importance>", "report only checks of this importance or a higher one").choices([...IMPORTANCES]))
    .addOption(new Option("--level <level>", "as --threshold, in tsnwb's earlier names").choices(Object.keys(LEVELS)).conflicts("threshold"))
    .option("--config <name-or-file>", "change importances or skip checks: 'dandi', or a YAML file in the NWB Inspector's form")
    .option("--skip <checks>", "comma-separated names of checks to leave out (the NWB Inspector's --ignore)")
    .addOption(new Option("--ignore <checks>", "as --skip").hideHelp())
    .option("--select <checks>", "comma-separated names of the only checks to run")
    .action(async (paths: string[], opts: InspectCommandOptions & { ignore?: string }) => {
      const files = filesToInspect(paths);
      const threshold = opts.threshold ?? (opts.level ? LEVELS[opts.level] : undefined) ?? "BEST_PRACTICE_SUGGESTION";
      const skip = list(opts.skip ?? opts.ignore);
      const select = list(opts.select);
      if (skip && select) throw new ValidationError("tsnwb inspect", "--skip", "either --skip or --select, not both", "both");
      const options: InspectOptions = { threshold, ...(opts.config ? { config: await loadConfig(opts.config) } : {}), ...(skip ? { skip } : {}), ...(select ? { select } : {}) };
      const all: (InspectionMessage | ReadError)[] = [];
      const facts: FileFacts[] = [];
      let found = false;
      /** A file's outcome, in the report: files are reported in the order given, whichever worker read them. */
      const report = (file: string, outcome: Outcome<InspectedFile>) => {
        if (!outcome.ok) {
          all.push({ message: outcome.error.message, importance: "ERROR", severity: "LOW", check_function_name: "During io.read()", object_type: null, object_name: null, location: null, file_path: file });
          reportFailure(outcome.error);
          return;
        }
        const { messages } = outcome.value;
        facts.push(outcome.value.facts);
        found ||= messages.length > 0;
        all.push(...messages);
        if (opts.json) return;
        console.log(`${file}: ${messages.length === 0 ? "no messages" : `${messages.length} message${messages.length === 1 ? "" : "s"}`} at ${threshold} or above`);
        for (const m of messages) console.log(`  ${formatMessage(m)}`);
      };
      // Each worker takes the next file when done with one: each file is opened, inspected and closed before that
      // worker's next, so memory stays that of one file a worker. Outcomes wait only for those of earlier files.
      const outcomes: (Outcome<InspectedFile> | undefined)[] = [];
      let next = 0;
      let reported = 0;
      const workers = Array.from({ length: readingWorkers(files.length) }, () => new FileWorker());
      try {
        await Promise.all(workers.map(async (worker) => {
          while (next < files.length) {
            const index = next++;
            outcomes[index] = await worker.run("inspectWithFacts", { file: files[index]!, options });
            for (let done = outcomes[reported]; done !== undefined; done = outcomes[reported]) {
              outcomes[reported] = undefined;
              report(files[reported]!, done);
              reported++;
            }
          }
        }));
      } finally {
        // Not awaited: ending a thread (its heap and HDF5's memory torn down) takes a few hundredths of a second the
        // command need not wait for; the process exits once the report is written (`cli.ts`).
        for (const w of workers) void w.close();
      }
      // The files together (as the NWB Inspector, for several files): in the report first, as its; printed last.
      const across = acrossFilesMessages(paths, facts, options);
      found ||= across.length > 0;
      all.unshift(...across);
      if (!opts.json && across.length > 0) {
        console.log(`${facts.length} files together: ${across.length} message${across.length === 1 ? "" : "s"} at ${threshold} or above`);
        for (const m of across) console.log(`  ${formatMessage(m)}`);
      }
      if (opts.json) console.log(JSON.stringify({ header: { Timestamp: new Date().toISOString(), Platform: `${process.platform}-${process.arch}`, tsnwb_version: program.version() ?? null }, messages: all }));
      // exitCode, not exit(): the output is written out before the process ends.
      if (found) process.exitCode = Math.max(Number(process.exitCode ?? 0), 1);
    });
}

/** A file that could not be read, in the report as the NWB Inspector puts it: a message of importance ERROR. */
interface ReadError {
  message: string;
  importance: "ERROR";
  severity: "LOW";
  check_function_name: string;
  object_type: null;
  object_name: null;
  location: null;
  file_path: string;
}
