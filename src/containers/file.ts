/**
 * The schema's `nwb.file`: NWBFile, the root of every file, and Subject.
 */
import { NWBContainer } from "./container.js";
import { ProcessingModule, addChild } from "./base.js";
import { Device } from "./device.js";
import type { FieldSpec, TypeSpec } from "../schema/spec.js";
import { dateTimeProblem, toISODateTime } from "../data/datetime.js";
import { NotFoundError } from "../errors.js";

/** The NWB version tsnwb writes. */
export const NWB_VERSION = "2.7.0";

const SUBJECT_TEXT = ["description", "genotype", "sex", "species", "strain", "subject_id", "weight"] as const;

export interface SubjectOptions {
  /** ISO 8601 duration, e.g. "P90D". */
  age?: string;
  /** What `age` counts from: "birth" (default) or "gestational". */
  age__reference?: "birth" | "gestational";
  date_of_birth?: Date | string;
  description?: string;
  genotype?: string;
  sex?: string;
  species?: string;
  strain?: string;
  subject_id?: string;
  weight?: string;
}

/** The animal or person recorded; it lives at `/general/subject`. */
export class Subject extends NWBContainer {
  static override spec: TypeSpec = {
    neurodata_type: "Subject",
    namespace: "core",
    storage: "group",
    fields: [
      { kind: "dataset", key: "age", dtype: "text", form: "scalar", attributes: [{ name: "reference", key: "age__reference", dtype: "text" }] },
      { kind: "dataset", key: "date_of_birth", dtype: "text", form: "scalar" },
      ...SUBJECT_TEXT.map((key): FieldSpec => ({ kind: "dataset", key, dtype: "text", form: "scalar" })),
    ],
  };
  age?: string;
  age__reference?: string;
  date_of_birth?: string;
  description?: string;
  genotype?: string;
  sex?: string;
  species?: string;
  strain?: string;
  subject_id?: string;
  weight?: string;

  constructor(opts: SubjectOptions = {}) {
    super("subject");
    for (const key of [...SUBJECT_TEXT, "age"] as const) this[key] = this.text(key, opts[key], undefined);
    if (opts.age__reference !== undefined && opts.age__reference !== "birth" && opts.age__reference !== "gestational") {
      this.fail("age__reference", `"birth" or "gestational"`, opts.age__reference);
    }
    if (this.age !== undefined) this.age__reference = opts.age__reference ?? "birth";
    if (opts.date_of_birth !== undefined) {
      const problem = dateTimeProblem(opts.date_of_birth);
      if (problem) this.fail("date_of_birth", "a Date or an ISO 8601 date-time with a UTC offset", problem);
      this.date_of_birth = toISODateTime(opts.date_of_birth);
    }
  }
}

/** Text fields of `/general` that are single strings. */
const GENERAL_TEXT = [
  "data_collection", "experiment_description", "institution", "lab", "notes", "pharmacology", "protocol",
  "session_id", "slices", "surgery", "virus",
] as const;
/** Text fields of `/general` that are lists. */
const GENERAL_LISTS = ["experimenter", "keywords", "related_publications"] as const;

export interface NWBFileOptions {
  session_description: string;
  identifier: string;
  /** A Date (written in UTC) or an ISO 8601 string with a UTC offset (written with that offset). */
  session_start_time: Date | string;
  /** Default: `session_start_time`. */
  timestamps_reference_time?: Date | string;
  /** Default: now. */
  file_create_date?: Date | string | (Date | string)[];
  experimenter?: string | string[];
  keywords?: string[];
  related_publications?: string | string[];
  experiment_description?: string;
  session_id?: string;
  institution?: string;
  lab?: string;
  notes?: string;
  pharmacology?: string;
  protocol?: string;
  slices?: string;
  surgery?: string;
  virus?: string;
  data_collection?: string;
  /** The text stored at `/general/stimulus`. */
  stimulus_notes?: string;
  /** The script that made the file, and its file name (written as the `file_name` attribute). */
  source_script?: string;
  source_script_file_name?: string;
  subject?: Subject;
}

/** An NWB file: its metadata and everything it holds. */
export class NWBFile extends NWBContainer {
  static override spec: TypeSpec = {
    neurodata_type: "NWBFile",
    namespace: "core",
    storage: "group",
    fields: [
      { kind: "attribute", key: "nwb_version", dtype: "text" },
      { kind: "dataset", key: "file_create_date", dtype: "text", form: "vector" },
      { kind: "dataset", key: "identifier", dtype: "text", form: "scalar" },
      { kind: "dataset", key: "session_description", dtype: "text", form: "scalar" },
      { kind: "dataset", key: "session_start_time", dtype: "text", form: "scalar" },
      { kind: "dataset", key: "timestamps_reference_time", dtype: "text", form: "scalar" },
      { kind: "group", name: "acquisition", always: true, fields: [{ kind: "children", key: "acquisition" }] },
      { kind: "group", name: "analysis", always: true, fields: [{ kind: "children", key: "analysis" }] },
      { kind: "group", name: "scratch", fields: [{ kind: "children", key: "scratch" }] },
      { kind: "group", name: "processing", always: true, fields: [{ kind: "children", key: "processing" }] },
      {
        kind: "group", name: "stimulus", always: true, fields: [
          { kind: "group", name: "presentation", always: true, fields: [{ kind: "children", key: "stimulus" }] },
          { kind: "group", name: "templates", always: true, fields: [{ kind: "children", key: "stimulus_template" }] },
        ],
      },
      {
        kind: "group", name: "general", always: true, fields: [
          ...GENERAL_TEXT.map((key): FieldSpec => ({ kind: "dataset", key, dtype: "text", form: "scalar" })),
          ...GENERAL_LISTS.map((key): FieldSpec => ({ kind: "dataset", key, dtype: "text", form: "vector" })),
          { kind: "dataset", key: "stimulus_notes", name: "stimulus", dtype: "text", form: "scalar" },
          {
            kind: "dataset", key: "source_script", dtype: "text", form: "scalar",
            attributes: [{ name: "file_name", key: "source_script_file_name", dtype: "text" }],
          },
          { kind: "group", name: "devices", fields: [{ kind: "children", key: "devices" }] },
          { kind: "child", key: "subject", name: "subject" },
        ],
      },
      { kind: "group", name: "intervals", fields: [{ kind: "children", key: "intervals" }] },
      { kind: "child", key: "units", name: "units" },
    ],
  };

  nwb_version = NWB_VERSION;
  session_description!: string;
  identifier!: string;
  /** ISO 8601 with its UTC offset, e.g. "2018-04-25T02:30:03-07:00". */
  session_start_time: string;
  timestamps_reference_time: string;
  file_create_date: string[];
  experimenter?: string[];
  keywords?: string[];
  related_publications?: string[];
  experiment_description?: string;
  session_id?: string;
  institution?: string;
  lab?: string;
  notes?: string;
  pharmacology?: string;
  protocol?: string;
  slices?: string;
  /** The script that made the file, and its file name (the `file_name` attribute of `/general/source_script`). */
  source_script?: string;
  source_script_file_name?: string;
  surgery?: string;
  virus?: string;
  data_collection?: string;
  stimulus_notes?: string;
  subject?: Subject;
  /** An `Units` table read from a file (not modelled yet: a generic container). */
  units?: NWBContainer;
  readonly acquisition = new Map<string, NWBContainer>();
  readonly analysis = new Map<string, NWBContainer>();
  readonly scratch = new Map<string, NWBContainer>();
  readonly processing = new Map<string, ProcessingModule>();
  readonly stimulus = new Map<string, NWBContainer>();
  readonly stimulus_template = new Map<string, NWBContainer>();
  readonly devices = new Map<string, Device>();
  readonly intervals = new Map<string, NWBContainer>();
  /**
   * Typed objects at paths tsnwb does not model yet, by path (`/general/extracellular_ephys/electrodes`, ...):
   * read from files, and written back at the same paths.
   */
  readonly other = new Map<string, NWBContainer>();

  constructor(opts: NWBFileOptions) {
    super("root");
    if (typeof opts !== "object" || opts === null) this.fail("session_description", "an options object");
    // identifier first: once set, errors name the file by it.
    for (const key of ["identifier", "session_description"] as const) {
      if (typeof opts[key] !== "string" || opts[key].length === 0) this.fail(key, "a non-empty string", opts[key]);
      this[key] = opts[key];
    }
    this.session_start_time = this.dateTime("session_start_time", opts.session_start_time);
    this.timestamps_reference_time = opts.timestamps_reference_time === undefined
      ? this.session_start_time
      : this.dateTime("timestamps_reference_time", opts.timestamps_reference_time);
    const created = opts.file_create_date === undefined ? [new Date()] : Array.isArray(opts.file_create_date) ? opts.file_create_date : [opts.file_create_date];
    this.file_create_date = created.map((d) => this.dateTime("file_create_date", d));
    for (const key of [...GENERAL_TEXT, "stimulus_notes", "source_script", "source_script_file_name"] as const) {
      this[key] = this.text(key, opts[key], undefined);
    }
    if (this.source_script_file_name !== undefined && this.source_script === undefined) {
      this.fail("source_script_file_name", "a source_script to name");
    }
    for (const key of GENERAL_LISTS) {
      const v = opts[key];
      if (v === undefined) continue;
      const list = typeof v === "string" ? [v] : v;
      if (!Array.isArray(list) || !list.every((s) => typeof s === "string")) this.fail(key, "a string or an array of strings", v);
      this[key] = [...list];
    }
    if (opts.subject !== undefined) this.setSubject(opts.subject);
  }

  override describe(): string {
    return `NWBFile '${this.identifier ?? this.name}'`;
  }

  private dateTime(field: string, value: unknown): string {
    const problem = dateTimeProblem(value);
    if (problem) this.fail(field, "a Date or an ISO 8601 date-time with a UTC offset", problem);
    return toISODateTime(value as Date | string);
  }

  /** Adds raw acquired data (an ImageSeries from a camera, ...). */
  addAcquisition(container: NWBContainer): this {
    addChild(this, this.acquisition, "acquisition", container);
    return this;
  }

  /** Adds a stimulus as presented (`/stimulus/presentation`). */
  addStimulus(container: NWBContainer): this {
    addChild(this, this.stimulus, "stimulus", container);
    return this;
  }

  /** Adds a stimulus template (`/stimulus/templates`): images or series that presentations index into. */
  addStimulusTemplate(container: NWBContainer): this {
    addChild(this, this.stimulus_template, "stimulus_template", container);
    return this;
  }

  addAnalysis(container: NWBContainer): this {
    addChild(this, this.analysis, "analysis", container);
    return this;
  }

  addScratch(container: NWBContainer): this {
    addChild(this, this.scratch, "scratch", container);
    return this;
  }

  addDevice(device: Device): this {
    if (!(device instanceof Device)) this.fail("devices", "a Device", device);
    addChild(this, this.devices, "devices", device);
    return this;
  }

  /** Creates a Device, adds it to `devices` and returns it. */
  createDevice(opts: ConstructorParameters<typeof Device>[0]): Device {
    const device = new Device(opts);
    this.addDevice(device);
    return device;
  }

  addProcessingModule(module: ProcessingModule): this {
    if (!(module instanceof ProcessingModule)) this.fail("processing", "a ProcessingModule", module);
    addChild(this, this.processing, "processing", module);
    return this;
  }

  /** Creates a ProcessingModule, adds it to `processing` and returns it. */
  createProcessingModule(opts: ConstructorParameters<typeof ProcessingModule>[0]): ProcessingModule {
    const module = new ProcessingModule(opts);
    this.addProcessingModule(module);
    return module;
  }

  setSubject(subject: Subject): this {
    if (!(subject instanceof Subject)) this.fail("subject", "a Subject", subject);
    subject.parent = this;
    this.subject = subject;
    return this;
  }

  /**
   * The acquisition object `name` (pynwb's `get_acquisition`); with a class, also checks its type, so TypeScript
   * knows it: `nwbfile.getAcquisition("movie", ImageSeries).data`.
   */
  getAcquisition<T extends NWBContainer = NWBContainer>(name: string, type?: abstract new (...args: never[]) => T): T {
    return this.getFrom(this.acquisition, "acquisition", name, type);
  }

  /** The presented stimulus `name` (pynwb's `get_stimulus`), type-checked when a class is given. */
  getStimulus<T extends NWBContainer = NWBContainer>(name: string, type?: abstract new (...args: never[]) => T): T {
    return this.getFrom(this.stimulus, "stimulus", name, type);
  }

  /** The stimulus template `name` (pynwb's `get_stimulus_template`), type-checked when a class is given. */
  getStimulusTemplate<T extends NWBContainer = NWBContainer>(name: string, type?: abstract new (...args: never[]) => T): T {
    return this.getFrom(this.stimulus_template, "stimulus_template", name, type);
  }

  /** The analysis object `name`, type-checked when a class is given. */
  getAnalysis<T extends NWBContainer = NWBContainer>(name: string, type?: abstract new (...args: never[]) => T): T {
    return this.getFrom(this.analysis, "analysis", name, type);
  }

  /** The processing module `name` (pynwb's `get_processing_module`). */
  getProcessingModule(name: string): ProcessingModule {
    return this.getFrom(this.processing, "processing", name, ProcessingModule);
  }

  /** The device `name` (pynwb's `get_device`). */
  getDevice(name: string): Device {
    return this.getFrom(this.devices, "devices", name, Device);
  }

  private getFrom<T extends NWBContainer>(map: Map<string, NWBContainer>, field: string, name: string, type?: abstract new (...args: never[]) => T): T {
    const found = map.get(name);
    if (found === undefined) {
      throw new NotFoundError(name, `${this.describe()}: no '${name}' in ${field} (it holds: ${[...map.keys()].join(", ") || "nothing"})`);
    }
    if (type && !(found instanceof type)) this.fail(field, `'${name}' to be a ${type.name}`, found);
    return found as T;
  }

  /** Every typed object in the file, by object_id (as pynwb's `nwbfile.objects`). */
  get objects(): Map<string, NWBContainer> {
    const out = new Map<string, NWBContainer>();
    const visit = (c: NWBContainer) => {
      if (out.has(c.object_id)) return;
      out.set(c.object_id, c);
      for (const child of childrenOf(c)) visit(child);
    };
    visit(this);
    return out;
  }
}

/** The typed objects a container holds (collections and single children), by its declaration. */
export function childrenOf(c: NWBContainer): NWBContainer[] {
  const out: NWBContainer[] = [];
  const walk = (fields: FieldSpec[]) => {
    for (const f of fields) {
      if (f.kind === "group") walk(f.fields);
      else if (f.kind === "children") out.push(...((c as unknown as Record<string, Map<string, NWBContainer>>)[f.key]?.values() ?? []));
      else if (f.kind === "child") {
        const v = (c as unknown as Record<string, unknown>)[f.key];
        if (v instanceof NWBContainer) out.push(v);
      }
    }
  };
  walk(c.fieldSpecs);
  for (const extra of [(c as { children?: unknown }).children, (c as { other?: unknown }).other]) {
    if (extra instanceof Map) out.push(...(extra.values() as Iterable<NWBContainer>));
  }
  return out;
}
