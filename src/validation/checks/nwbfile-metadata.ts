/**
 * The NWB Inspector's checks of a file's metadata, its subject and its processing modules' names
 * (nwbinspector/checks/_nwbfile_metadata.py), with its names and importances.
 */
import type { NWBFile } from "../../containers/file.js";
import type { Subject } from "../../generated/core/Subject.js";
import { type Check, when } from "./support.js";
import { pyDateTime } from "../python-format.js";

/** An ISO 8601 duration ("P90D", "P2Y3M", "PT12H"), as the NWB Inspector's `duration_regex`. */
const ISO_DURATION = /^P(?!$)(\d+(?:\.\d+)?Y)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?W)?(\d+(?:\.\d+)?D)?(T(?=\d)(\d+(?:\.\d+)?H)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?S)?)?$/;

/** Latin binomial or an NCBI taxonomy IRI, as the NWB Inspector's `species_form_regex` (its dots match any character). */
const SPECIES_FORM = /^(?:([A-Z][a-z]* [a-z]+)|(http:\/\/purl.obolibrary.org\/obo\/NCBITaxon_\d+))$/;

/** DANDI's form of a name: "Last, First", "Last, First M." or "Last, First, Middle" (Python's `\w` is Unicode). */
const EXPERIMENTER_FORM = /^([\p{L}\p{N}_\s\-.']+),\s+([\p{L}\p{N}_\s\-.']+)$/u;

/** The schema's processing module names, as the NWB Inspector's PROCESSING_MODULE_CONFIG. */
export const PROCESSING_MODULE_NAMES = ["ophys", "ecephys", "icephys", "behavior", "misc", "ogen", "retinotopy"];

const DOI_STARTS = ["doi:", "http://dx.doi.org/", "https://doi.org/"];

/** Date-time fields as text (tsnwb keeps them as ISO strings; a Date set by hand is taken as its ISO form). */
export function dateTimeText(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

/** The instant of a date-time text; one without a UTC offset is taken as UTC (as Python compares naive times to naive). */
function instant(text: string): number {
  const hasZone = /(Z|[+-]\d{2}(:?\d{2})?)$/.test(text) && /T/.test(text);
  return Date.parse(hasZone || !/T/.test(text) ? text : `${text}Z`);
}

/**
 * A duration's length in milliseconds, counted back from `end` as isodate's `totimedelta(end=...)`; which, as
 * isodate, cannot count fractional years or months back from a date (the check fails on them, in both inspectors).
 */
function durationMs(text: string, end: Date): number {
  const m = ISO_DURATION.exec(text)!;
  const num = (s: string | undefined) => (s === undefined ? 0 : Number.parseFloat(s));
  if (!Number.isInteger(num(m[1])) || !Number.isInteger(num(m[2]))) throw new RangeError("fractional years or months not supported for date calculations");
  const start = new Date(end.getTime());
  start.setUTCFullYear(start.getUTCFullYear() - num(m[1]));
  start.setUTCMonth(start.getUTCMonth() - num(m[2]));
  const days = num(m[3]) * 7 + num(m[4]);
  const seconds = num(m[6]) * 3600 + num(m[7]) * 60 + num(m[8]);
  return end.getTime() - start.getTime() + days * 86_400_000 + seconds * 1000;
}

export const NWBFILE_METADATA_CHECKS: readonly Check[] = [
  {
    id: "check_session_start_time_old_date", importance: "BEST_PRACTICE_SUGGESTION", appliesTo: "NWBFile",
    what: "session_start_time is after 1980-01-01 (an earlier one is likely a placeholder)",
    run: (obj) => {
      const start = dateTimeText((obj as NWBFile).session_start_time);
      return when(instant(start) <= Date.UTC(1980, 0, 1), () => `The session_start_time (${pyDateTime(start)}) may not be set to the true date of the recording.`);
    },
  },
  {
    id: "check_session_start_time_future_date", importance: "CRITICAL", appliesTo: "NWBFile",
    what: "session_start_time is not in the future",
    run: (obj, context) => {
      const start = dateTimeText((obj as NWBFile).session_start_time);
      return when(instant(start) >= context.now.getTime(), () => `The session_start_time (${pyDateTime(start)}) is set to a future date and time.`);
    },
  },
  {
    id: "check_experimenter_exists", importance: "BEST_PRACTICE_SUGGESTION", appliesTo: "NWBFile",
    what: "the file names an experimenter",
    run: (obj) => when(((obj as NWBFile).experimenter ?? []).length === 0, () => "Experimenter is missing."),
  },
  {
    id: "check_experimenter_form", importance: "BEST_PRACTICE_SUGGESTION", appliesTo: "NWBFile",
    what: `each experimenter is named "Last, First" (DANDI's form)`,
    run: (obj) => ((obj as NWBFile).experimenter ?? []).filter((name) => !EXPERIMENTER_FORM.test(name)).map((name) =>
      `The name of experimenter '${name}' does not match any of the accepted DANDI forms: 'LastName, Firstname', 'LastName, FirstName MiddleInitial.' or 'LastName, FirstName, MiddleName'.`),
  },
  {
    id: "check_experiment_description", importance: "BEST_PRACTICE_SUGGESTION", appliesTo: "NWBFile",
    what: "the file has an experiment_description",
    run: (obj) => when(!(obj as NWBFile).experiment_description, () => "Experiment description is missing."),
  },
  {
    id: "check_institution", importance: "BEST_PRACTICE_SUGGESTION", appliesTo: "NWBFile",
    what: "the file names its institution",
    run: (obj) => when(!(obj as NWBFile).institution, () => "Metadata /general/institution is missing."),
  },
  {
    id: "check_keywords", importance: "BEST_PRACTICE_SUGGESTION", appliesTo: "NWBFile",
    what: "the file has keywords",
    run: (obj) => when(((obj as NWBFile).keywords ?? []).length === 0, () => "Metadata /general/keywords is missing."),
  },
  {
    id: "check_subject_exists", importance: "BEST_PRACTICE_SUGGESTION", appliesTo: "NWBFile",
    what: "the file describes its subject",
    run: (obj) => when((obj as NWBFile).subject === undefined, () => "Subject is missing."),
  },
  {
    id: "check_doi_publications", importance: "BEST_PRACTICE_SUGGESTION", appliesTo: "NWBFile",
    what: `each related publication starts with ${DOI_STARTS.map((s) => `'${s}'`).join(", ")}`,
    run: (obj) => ((obj as NWBFile).related_publications ?? []).filter((p) => !DOI_STARTS.some((s) => p.startsWith(s))).map((p) =>
      `Metadata /general/related_publications '${p}' does not start with 'doi: ###' and is not an external 'doi' link.`),
  },
  {
    id: "check_subject_age", importance: "BEST_PRACTICE_SUGGESTION", appliesTo: "Subject",
    what: `the subject has an age (or a date_of_birth), an ISO 8601 duration such as "P90D" (or a range "P1D/P3D", "P90Y/")`,
    run: (obj) => {
      const { age, date_of_birth } = obj as Subject;
      if (age === undefined) return when(date_of_birth === undefined, () => "Subject is missing age and date_of_birth. Please specify at least one of these fields.");
      if (ISO_DURATION.test(age)) return [];
      const parts = age.split("/");
      if (parts.length === 2 && ISO_DURATION.test(parts[0]!) && (parts[1] === "" || ISO_DURATION.test(parts[1]!))) return [];
      return [`Subject age, '${age}', does not follow ISO 8601 duration format, e.g. 'P2Y' for 2 years or 'P23W' for 23 weeks. You may also specify a range using a '/' separator, e.g., 'P1D/P3D' for an age range somewhere from 1 to 3 days. If you cannot specify the upper bound of the range, you may leave the right side blank, e.g., 'P90Y/' means 90 years old or older.`];
    },
  },
  {
    id: "check_subject_proper_age_range", importance: "BEST_PRACTICE_SUGGESTION", appliesTo: "Subject",
    what: "an age range's upper bound is longer than its lower one",
    run: (obj, context) => {
      const { age } = obj as Subject;
      const parts = age?.split("/") ?? [];
      if (parts.length !== 2 || !ISO_DURATION.test(parts[0]!) || !ISO_DURATION.test(parts[1]!)) return [];
      return when(durationMs(parts[0]!, context.now) >= durationMs(parts[1]!, context.now), () =>
        `The durations of the Subject age range, '${age}', are not strictly increasing. The upper (right) bound should be a longer duration than the lower (left) bound.`);
    },
  },
  {
    id: "check_subject_id_exists", importance: "BEST_PRACTICE_SUGGESTION", appliesTo: "Subject",
    what: "the subject has a subject_id",
    run: (obj) => when((obj as Subject).subject_id === undefined, () => "subject_id is missing."),
  },
  {
    id: "check_subject_sex", importance: "BEST_PRACTICE_SUGGESTION", appliesTo: "Subject",
    what: "the subject's sex is one of M, F, O, U (for C. elegans: XO, XX)",
    run: (obj) => {
      const { sex, species } = obj as Subject;
      if (!sex) return ["Subject.sex is missing."];
      if (species === "Caenorhabditis elegans" || species === "C. elegans") {
        return when(!["XO", "XX"].includes(sex), () => "For C. elegans, Subject.sex should be 'XO' (male) or 'XX' (hermaphrodite).");
      }
      return when(!["M", "F", "O", "U"].includes(sex), () => "Subject.sex should be one of: 'M' (male), 'F' (female), 'O' (other), or 'U' (unknown).");
    },
  },
  {
    id: "check_subject_species_exists", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "Subject",
    what: "the subject has a species",
    run: (obj) => when(!(obj as Subject).species, () => "Subject species is missing."),
  },
  {
    id: "check_subject_species_form", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "Subject",
    what: "the species is a Latin binomial ('Mus musculus') or an NCBI taxonomy IRI",
    run: (obj) => {
      const { species } = obj as Subject;
      return when(!!species && !SPECIES_FORM.test(species), () =>
        `Subject species '${species}' should either be in Latin binomial form (e.g., 'Mus musculus' and 'Homo sapiens') or be a NCBI taxonomy link (e.g., 'http://purl.obolibrary.org/obo/NCBITaxon_280675').`);
    },
  },
  {
    id: "check_processing_module_name", importance: "BEST_PRACTICE_SUGGESTION", appliesTo: "ProcessingModule",
    what: `a processing module is named after a modality (${PROCESSING_MODULE_NAMES.join(", ")})`,
    run: (obj) => when(!PROCESSING_MODULE_NAMES.includes(obj.name), () =>
      `Processing module is named ${obj.name}. It is recommended to use the schema module names: ${PROCESSING_MODULE_NAMES.join(", ")}`),
  },
];
