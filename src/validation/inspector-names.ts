/**
 * The inspector's names and configurations, without its checks: what the command line needs to take its options
 * (the checks, and the library they read with, load in the reading worker only).
 */
import type { Importance, Severity } from "./checks/support.js";

/** The importances, most important first (the NWB Inspector's names). */
export const IMPORTANCES: readonly Importance[] = ["CRITICAL", "BEST_PRACTICE_VIOLATION", "BEST_PRACTICE_SUGGESTION"];

/** One finding, with the NWB Inspector's fields (as its JSON report), and tsnwb's `path`. */
export interface InspectionMessage {
  /** What was found, in one line. */
  message: string;
  /**
   * How much it matters: `CRITICAL`, `BEST_PRACTICE_VIOLATION` or `BEST_PRACTICE_SUGGESTION` (after a
   * configuration); `ERROR` when the check itself failed on the object (the message is the exception), as the NWB
   * Inspector reports it, whatever the threshold.
   */
  importance: Importance | "ERROR";
  /** Orders findings of one importance (a larger dataset first). */
  severity: Severity;
  /** The check's name, e.g. `check_timestamps_ascending`. */
  check_function_name: string;
  /** The object's type (its class in pynwb), e.g. `ElectricalSeries`. */
  object_type: string;
  /** The object's name. */
  object_name: string;
  /**
   * Where the NWB Inspector places the object: `/` for the file, `/general/subject`, a device's or electrode group's
   * path, otherwise the group of the object's first dataset, or null when it has none (tables, columns, modules...).
   * Null for an ERROR (the NWB Inspector gives none), and for the cross-file findings (`inspectAcrossFiles`), `/`.
   */
  location: string | null;
  /** The object's path in the file (tsnwb's, always known), e.g. `/intervals/trials`. */
  path: string;
  /** The NWB file, when inspected from a path (`inspectFile`, the CLI). */
  file_path?: string;
}

/**
 * A configuration, as the NWB Inspector's YAML files: check names under the importance they take instead of their
 * own, or under SKIP to leave them out.
 */
export type InspectorConfig = Partial<Record<Importance | "SKIP", readonly string[]>>;

/** The NWB Inspector's `dandi` configuration (internal_configs/dandi.inspector_config.yaml): what DANDI requires. */
export const DANDI_CONFIG: InspectorConfig = {
  CRITICAL: [
    "check_subject_exists", "check_subject_id_exists", "check_subject_sex", "check_subject_species_exists",
    "check_subject_species_form", "check_subject_age", "check_subject_proper_age_range",
  ],
  BEST_PRACTICE_VIOLATION: ["check_data_orientation"],
};

/** Configurations known by name (`--config dandi`). */
export const INSPECTOR_CONFIGS: Readonly<Record<string, InspectorConfig>> = { dandi: DANDI_CONFIG };

