/**
 * The inspector's checks of several files together: what the NWB Inspector checks only when it inspects a folder
 * (its `inspect_all`), over facts gathered from each file. nwbinspector 0.5.2 has one such check,
 * `check_unique_identifiers`: no two files may share an identifier.
 *
 * The facts are plain data (`FileFacts`), so that they can be gathered wherever each file is read (a worker, a
 * browser) and checked together elsewhere. This module touches no Node module.
 */
import type { NWBFile } from "../containers/file.js";
import { ValidationError } from "../errors.js";
import type { CheckInfo, Importance } from "./checks/support.js";
import { pyStr } from "./python-format.js";
import { IMPORTANCES, INSPECTOR_CONFIGS, type InspectionMessage, type InspectorConfig } from "./inspector-names.js";

/** What the checks across files need of each file. */
export interface FileFacts {
  /** The file's path (or name) as given; the messages name files by its last part. */
  file_path: string;
  /** The file's `identifier`. */
  identifier: string;
}

/** The facts of a file the checks across files use. */
export function fileFacts(nwbfile: NWBFile, file_path: string): FileFacts {
  return { file_path, identifier: nwbfile.identifier };
}

/** The checks of several files together, with the NWB Inspector's names and importances. */
export const ACROSS_FILES_CHECKS: readonly CheckInfo[] = [
  { id: "check_unique_identifiers", importance: "CRITICAL", appliesTo: "NWBFile", what: "no two of the files inspected together share an identifier" },
];

/** What `inspectAcrossFiles` takes: `inspect`'s configuration options, and the path the files were found under. */
export interface AcrossFilesOptions {
  /** The folder inspected (the messages' `file_path`, as the NWB Inspector's); default the files' common folder. */
  path?: string;
  /** As `inspect`'s: report only at this importance or a higher one. */
  threshold?: Importance;
  /** As `inspect`'s: importances changed or checks skipped (a configuration, or "dandi"). */
  config?: InspectorConfig | string;
  /** As `inspect`'s: names of checks to leave out. */
  skip?: readonly string[];
  /** As `inspect`'s: names of the only checks to run. */
  select?: readonly string[];
}

const RANK: Record<Importance, number> = { CRITICAL: 2, BEST_PRACTICE_VIOLATION: 1, BEST_PRACTICE_SUGGESTION: 0 };

/**
 * The findings of the checks across files (the NWB Inspector's `check_unique_identifiers`: one CRITICAL message per
 * identifier that several files share, at `/` of NWBFile `root`, with its message). `skip`, `select`, a
 * configuration and the threshold apply as to every check (the NWB Inspector reports it whatever they say).
 */
export function inspectAcrossFiles(files: readonly FileFacts[], options: AcrossFilesOptions = {}): InspectionMessage[] {
  const check = ACROSS_FILES_CHECKS[0]!;
  const config = typeof options.config === "string" ? INSPECTOR_CONFIGS[options.config] : options.config;
  if (options.select !== undefined ? !options.select.includes(check.id) : [...(options.skip ?? []), ...(config?.SKIP ?? [])].includes(check.id)) return [];
  const importance = IMPORTANCES.find((i) => config?.[i]?.includes(check.id)) ?? check.importance;
  const threshold = options.threshold ?? "BEST_PRACTICE_SUGGESTION";
  if (!(threshold in RANK)) throw new ValidationError("inspectAcrossFiles", "threshold", `one of ${IMPORTANCES.join(", ")}`, JSON.stringify(threshold));
  if (RANK[importance] < RANK[threshold]) return [];
  const byIdentifier = new Map<string, string[]>();
  for (const { identifier, file_path } of files) byIdentifier.set(identifier, [...(byIdentifier.get(identifier) ?? []), file_path]);
  const path = options.path ?? commonFolder(files.map((f) => f.file_path));
  return [...byIdentifier].filter(([, paths]) => paths.length > 1).map(([identifier, paths]) => ({
    message: `The identifier '${identifier}' is used across the .nwb files: ${pythonList(naturalSort(paths.map(baseName)))}. `
      + "The identifier of any NWBFile should be a completely unique value - we recommend using uuid4 to achieve this.",
    importance, severity: "LOW", check_function_name: check.id, object_type: "NWBFile", object_name: "root", location: "/", path: "/", file_path: path,
  }));
}

/** The last part of a path, POSIX or Windows. */
function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
}

/** The deepest folder holding every path ("." for bare names). */
function commonFolder(paths: readonly string[]): string {
  const folders = paths.map((p) => p.split(/[/\\]/).slice(0, -1));
  const common: string[] = [];
  for (let i = 0; folders.every((f) => i < f.length && f[i] === folders[0]![i]); i++) common.push(folders[0]![i]!);
  return common.length === 0 ? "." : common.join("/") || "/";
}

/** natsort's order: runs of digits compared as numbers, the rest as text. */
function naturalSort(names: string[]): string[] {
  const parts = (s: string) => s.split(/(\d+)/);
  return names.sort((a, b) => {
    const [x, y] = [parts(a), parts(b)];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const [p, q] = [x[i]!, y[i]!];
      const c = i % 2 === 1 ? Number(p) - Number(q) : p < q ? -1 : p > q ? 1 : 0;
      if (c !== 0) return c;
    }
    return x.length - y.length;
  });
}

/** A list of names as Python prints it (`['a.nwb', 'b.nwb']`). */
function pythonList(names: readonly string[]): string {
  return `[${names.map(pyStr).join(", ")}]`;
}
