/**
 * The hand-written NWBFile: the root of every file, with pynwb's defaults (`timestamps_reference_time`,
 * `file_create_date`), its `add*`, `create*` and `get*` conveniences, and `objects`. Its fields, at the schema's
 * locations under pynwb's names (`devices`, `electrodes`, `imaging_planes`, `trials`, `units`...), come from the
 * generated `NWBFileBase`.
 */
import { AbstractContainer, adopt } from "./container.js";
import { NWBFileBase, type NWBFileOptions as GeneratedNWBFileOptions } from "../generated/core/NWBFile.js";
import { ElectrodeGroup } from "../generated/core/ElectrodeGroup.js";
import type { Subject } from "../generated/core/Subject.js";
import { TimeIntervals, type IntervalValues } from "./intervals.js";
import { Units } from "./units.js";
import {
  ExperimentalConditionsTable, type IntracellularRecording, IntracellularRecordingsTable, RepetitionsTable, SequentialRecordingsTable,
  SimultaneousRecordingsTable, SweepTable,
} from "./icephys.js";
import type { Images, TimeSeries } from "./base.js";
import type { NWBDataInterface } from "../generated/core/NWBDataInterface.js";
import type { PatchClampSeries } from "../generated/core/PatchClampSeries.js";
import { warn } from "../warnings.js";
import { DynamicTableRegion } from "../generated/hdmf-common/DynamicTableRegion.js";
import { type ColumnOptions, DynamicTable } from "./table.js";
import { ValidationError } from "../errors.js";
import { NWB_VERSION } from "../schema/bundled.js";

export { NWB_VERSION };

/** What `new NWBFile` takes: the schema's fields, with pynwb's defaults and conveniences. */
export interface NWBFileOptions extends Omit<GeneratedNWBFileOptions, "name" | "file_create_date" | "timestamps_reference_time" | "experimenter" | "related_publications"> {
  /** Default: `session_start_time`. */
  timestamps_reference_time?: Date | string;
  /** Default: now. */
  file_create_date?: Date | string | (Date | string)[];
  /** Who did the experiment: one name or several (stored as a list). */
  experimenter?: string | string[];
  /** Publications about the data (DOI, URL...): one or several (stored as a list). */
  related_publications?: string | string[];
}

/** The last argument of `addStimulus`, `addAcquisition` and `addStimulusTemplate`, as pynwb's keyword. */
export interface SweepTableOption {
  /** Also list the PatchClampSeries added in the deprecated `sweep_table`, by sweep number. Default false. */
  use_sweep_table?: boolean;
}

/** The items of an `add*` call, and its trailing `{ use_sweep_table }` if it has one. */
function sweepTableOption<T>(file: NWBFile, args: (T | SweepTableOption)[]): { items: T[]; useSweepTable: boolean } {
  const last = args[args.length - 1];
  // Only an object naming the option is taken as options: any other (an options object given for a series, say)
  // stays an item, for `addTo` to refuse as what it is.
  if (args.length === 0 || last instanceof AbstractContainer || typeof last !== "object" || last === null || !("use_sweep_table" in last)) {
    return { items: args as T[], useSweepTable: false };
  }
  const { use_sweep_table, ...rest } = last as SweepTableOption;
  if (Object.keys(rest).length > 0) file.fail(Object.keys(rest)[0]!, "no option but use_sweep_table");
  if (use_sweep_table !== undefined && typeof use_sweep_table !== "boolean") file.fail("use_sweep_table", "true or false", use_sweep_table);
  return { items: args.slice(0, -1) as T[], useSweepTable: use_sweep_table === true };
}

/** A class, for the type-checked getters. */
type Class<T> = abstract new (...args: never[]) => T;

/** An NWB file: its metadata and everything it holds. */
export class NWBFile extends NWBFileBase {
  /**
   * Typed objects at paths the schema does not place (an extension's group inside `general`, ...), by path:
   * read from files, and written back at the same paths.
   */
  declare readonly other: Map<string, AbstractContainer>;
  /**
   * The NWB version the file is in (its `nwb_version`): tsnwb's own for a new file; as the file names it for one
   * read (an older file's is kept when it is written again: see "Older NWB versions" in docs/validation.md).
   */
  declare readonly nwb_version: string;

  constructor(opts: NWBFileOptions) {
    if (typeof opts !== "object" || opts === null) throw new ValidationError("NWBFile", "session_description", "an options object");
    const created = opts.file_create_date === undefined ? [new Date()] : Array.isArray(opts.file_create_date) ? opts.file_create_date : [opts.file_create_date];
    super({
      ...opts,
      name: "root",
      file_create_date: created,
      timestamps_reference_time: opts.timestamps_reference_time ?? opts.session_start_time,
    } as GeneratedNWBFileOptions);
    (this as { other: Map<string, AbstractContainer> }).other = new Map();
    for (const key of ["identifier", "session_description"] as const) {
      if (this[key].length === 0) this.fail(key, "a non-empty string", this[key]);
    }
    if (this.source_script_file_name !== undefined && this.source_script === undefined) {
      this.fail("source_script_file_name", "a source_script to name");
    }
  }

  override describe(): string {
    return `NWBFile '${this.identifier || this.name}'`;
  }

  /** Adds a TimeIntervals table to `/intervals` (`trials`, `epochs` and `invalid_times` go to their own fields). */
  addTimeIntervals(table: TimeIntervals): this {
    if (table?.name === "trials" || table?.name === "epochs" || table?.name === "invalid_times") {
      if ((this as Record<string, unknown>)[table.name] !== undefined) this.fail(table.name, "one table of that name");
      adopt(this, table.name, table);
      (this as Record<string, unknown>)[table.name] = table;
      return this;
    }
    return this.addTo("intervals", [table]);
  }

  /** The electrodes table, made (with pynwb's location, group and group_name columns) on first use. */
  private electrodesTable(): DynamicTable {
    if (!this.electrodes) {
      const table = new DynamicTable({ name: "electrodes", description: "metadata about extracellular electrodes" });
      // Placed first: its place names its columns' dtypes (location is text, group references), empty or not.
      table.parent = this;
      this.electrodes = table;
      table.addColumn({ name: "location", description: "the location of channel within the subject e.g. brain region" });
      table.addColumn({ name: "group", description: "a reference to the ElectrodeGroup this electrode is a part of" });
      table.addColumn({ name: "group_name", description: "the name of the ElectrodeGroup this electrode is a part of" });
    }
    return this.electrodes;
  }

  /** Adds a column to the electrodes table (pynwb's `add_electrode_column`). */
  addElectrodeColumn(opts: ColumnOptions): this {
    this.electrodesTable().addColumn(opts);
    return this;
  }

  /** Adds an electrode (pynwb's `add_electrode`): `location` and `group` at least; `group_name` defaults to the group's. */
  addElectrode(values: { location: string; group: ElectrodeGroup; group_name?: string; id?: number } & Record<string, unknown>): this {
    const { id, ...row } = values;
    const group = values.group as ElectrodeGroup | undefined;
    this.electrodesTable().addRow({ ...row, group_name: values.group_name ?? group?.name }, id === undefined ? {} : { id });
    return this;
  }

  /** A region of the electrodes table (pynwb's `create_electrode_table_region`), for an ElectricalSeries. */
  createElectrodeTableRegion(region: number[], description: string, name = "electrodes"): DynamicTableRegion {
    return this.electrodesTable().createRegion(name, region, description);
  }

  /** The TimeIntervals table `name` of `/intervals` (trials, epochs, invalid_times, or another), made on first use. */
  private intervalsTable(name: string, description: string): TimeIntervals {
    const own = (this as unknown as Record<string, TimeIntervals | undefined>)[name];
    const table = name === "trials" || name === "epochs" || name === "invalid_times" ? own : this.intervals.get(name);
    if (table) return table;
    return this.createTimeIntervals(name, description);
  }

  /**
   * The TimeIntervals table `name` of `/intervals`, or without a name its only one (pynwb's `get_time_intervals`;
   * `trials`, `epochs` and `invalid_times` are the file's fields of those names, as in pynwb).
   */
  getTimeIntervals(name?: string): TimeIntervals {
    return this.getInAs("intervals", name, TimeIntervals);
  }

  /** Makes a TimeIntervals table and adds it to `/intervals` (pynwb's `create_time_intervals`). */
  createTimeIntervals(name: string, description: string): TimeIntervals {
    const table = new TimeIntervals({ name, description });
    this.addTimeIntervals(table);
    return table;
  }

  /** Adds a column to the trials table (pynwb's `add_trial_column`). */
  addTrialColumn(opts: ColumnOptions): this {
    this.intervalsTable("trials", "experimental trials").addColumn(opts);
    return this;
  }

  /** Adds a trial (pynwb's `add_trial`): `start_time`, `stop_time`, optional `tags` and `timeseries`, and a value for every column added. */
  addTrial(values: IntervalValues): this {
    this.intervalsTable("trials", "experimental trials").addInterval(values);
    return this;
  }

  /** Adds a column to the epochs table (pynwb's `add_epoch_column`). */
  addEpochColumn(opts: ColumnOptions): this {
    this.intervalsTable("epochs", "experimental epochs").addColumn(opts);
    return this;
  }

  /**
   * Adds an epoch (pynwb's `add_epoch`): `start_time`, `stop_time`, `tags` (a list or a comma-separated string) and
   * the `timeseries` it covers, whose sample ranges are computed (see `TimeIntervals.addInterval`).
   */
  addEpoch(values: IntervalValues): this {
    this.intervalsTable("epochs", "experimental epochs").addInterval(values);
    return this;
  }

  /** Adds a column to the invalid times table (pynwb's `add_invalid_times_column`). */
  addInvalidTimesColumn(opts: ColumnOptions): this {
    this.intervalsTable("invalid_times", "time intervals to be removed from analysis").addColumn(opts);
    return this;
  }

  /** Adds an invalid time interval (pynwb's `add_invalid_time_interval`), as `addEpoch` adds an epoch. */
  addInvalidTimeInterval(values: IntervalValues): this {
    this.intervalsTable("invalid_times", "time intervals to be removed from analysis").addInterval(values);
    return this;
  }

  /** The units table, made (with pynwb's ragged spike_times column) on first use. */
  private unitsTable(): Units {
    if (!this.units) {
      const units = new Units({ name: "units", description: "data on spiking units" });
      units.addColumn({ name: "spike_times", description: "the spike times for each unit in seconds", index: true });
      units.parent = this;
      this.units = units;
    }
    return this.units;
  }

  /** Adds a column to the units table (pynwb's `add_unit_column`). */
  addUnitColumn(opts: ColumnOptions): this {
    this.unitsTable().addColumn(opts);
    return this;
  }

  /**
   * Adds a unit (pynwb's `add_unit`): its `spike_times`, and a value for every column added. `electrodes` (rows of
   * the electrodes table) makes the units' region column into that table on the first unit, as pynwb does; the
   * other columns the Units type defines (`obs_intervals`, `electrode_group`, `waveform_mean`...) too.
   */
  addUnit(values: { spike_times: readonly number[] | Float64Array | Float32Array; electrodes?: readonly number[]; id?: number } & Record<string, unknown>): this {
    const units = this.unitsTable();
    if (values.electrodes !== undefined && units.length === 0 && !units.colnames.includes("electrodes")) {
      units.addColumn({ name: "electrodes", description: "the electrodes that each unit came from", table: this.electrodesTable() });
    }
    // The values as given when they hold no id (no copy of them for every unit added).
    if (!("id" in values)) units.addRow(values);
    else {
      const { id, ...row } = values;
      units.addRow(row, id === undefined ? {} : { id });
    }
    return this;
  }

  /** The intracellular recordings table, made on first use (pynwb's `get_intracellular_recordings`). */
  getIntracellularRecordings(): IntracellularRecordingsTable {
    return this.icephysTable("intracellular_recordings", () => new IntracellularRecordingsTable({}));
  }

  /**
   * Adds an intracellular recording (pynwb's `add_intracellular_recording`): its stimulus, response and electrode
   * are added to the file (stimulus, acquisition, icephys_electrodes) when it does not hold them yet. Returns the
   * recording's row index.
   */
  addIntracellularRecording(recording: IntracellularRecording): number {
    const { stimulus, response, electrode } = recording ?? {};
    if (stimulus && !this.stimulus.has(stimulus.name) && !this.stimulus_template.has(stimulus.name)) this.addStimulus(stimulus);
    if (response && !this.acquisition.has(response.name)) this.addAcquisition(response);
    if (electrode && !this.icephys_electrodes.has(electrode.name)) this.addIcephysElectrodes(electrode);
    return this.getIntracellularRecordings().addRecording(recording);
  }

  /**
   * Adds to `stimulus`; with `{ use_sweep_table: true }` after the series, a PatchClampSeries with a sweep number
   * also gets a row of the deprecated `sweep_table` (pynwb's `add_stimulus(series, use_sweep_table=True)`).
   */
  override addStimulus(...items: (TimeSeries | NWBDataInterface | DynamicTable)[]): this;
  override addStimulus(...args: [...items: (TimeSeries | NWBDataInterface | DynamicTable)[], options: SweepTableOption]): this;
  override addStimulus(...args: (TimeSeries | NWBDataInterface | DynamicTable | SweepTableOption)[]): this {
    const { items, useSweepTable } = sweepTableOption(this, args);
    super.addStimulus(...items);
    return useSweepTable ? this.updateSweepTable(items) : this;
  }

  /** Adds to `acquisition`; `{ use_sweep_table: true }` as {@link addStimulus} (pynwb's `add_acquisition`). */
  override addAcquisition(...items: (NWBDataInterface | DynamicTable)[]): this;
  override addAcquisition(...args: [...items: (NWBDataInterface | DynamicTable)[], options: SweepTableOption]): this;
  override addAcquisition(...args: (NWBDataInterface | DynamicTable | SweepTableOption)[]): this {
    const { items, useSweepTable } = sweepTableOption(this, args);
    super.addAcquisition(...items);
    return useSweepTable ? this.updateSweepTable(items) : this;
  }

  /** Adds to `stimulus_template`; `{ use_sweep_table: true }` as {@link addStimulus} (pynwb's `add_stimulus_template`). */
  override addStimulusTemplate(...items: (TimeSeries | Images)[]): this;
  override addStimulusTemplate(...args: [...items: (TimeSeries | Images)[], options: SweepTableOption]): this;
  override addStimulusTemplate(...args: (TimeSeries | Images | SweepTableOption)[]): this {
    const { items, useSweepTable } = sweepTableOption(this, args);
    super.addStimulusTemplate(...items);
    return useSweepTable ? this.updateSweepTable(items) : this;
  }

  /** pynwb's `_update_sweep_table`: a row for each PatchClampSeries with a sweep number, the table made on first use. */
  private updateSweepTable(items: AbstractContainer[]): this {
    for (const item of items) {
      if (!item.isA("PatchClampSeries") || (item as PatchClampSeries).sweep_number === undefined) continue;
      if (this.sweep_table === undefined) {
        warn(this.describe(), "sweep_table", "the SweepTable is deprecated (as in pynwb): the IntracellularRecordingsTable (addIntracellularRecording) replaces it");
        const table = new SweepTable({});
        adopt(this, "sweep_table", table);
        this.sweep_table = table;
      }
      this.sweep_table.addEntry(item as PatchClampSeries);
    }
    return this;
  }

  /** The simultaneous recordings table, made on first use over the intracellular recordings (pynwb's `get_icephys_simultaneous_recordings`). */
  getIcephysSimultaneousRecordings(): SimultaneousRecordingsTable {
    return this.icephysTable("icephys_simultaneous_recordings", () => new SimultaneousRecordingsTable({ intracellular_recordings_table: this.getIntracellularRecordings() }));
  }

  /** Groups recordings (their row indices) recorded at once; returns the new row's index (pynwb's `add_icephys_simultaneous_recording`). */
  addIcephysSimultaneousRecording(values: Parameters<SimultaneousRecordingsTable["addSimultaneousRecording"]>[0]): number {
    return this.getIcephysSimultaneousRecordings().addSimultaneousRecording(values);
  }

  /** The sequential recordings table, made on first use (pynwb's `get_icephys_sequential_recordings`). */
  getIcephysSequentialRecordings(): SequentialRecordingsTable {
    return this.icephysTable("icephys_sequential_recordings", () => new SequentialRecordingsTable({ simultaneous_recordings_table: this.getIcephysSimultaneousRecordings() }));
  }

  /** Groups simultaneous recordings into a sequence; returns the new row's index (pynwb's `add_icephys_sequential_recording`). */
  addIcephysSequentialRecording(values: Parameters<SequentialRecordingsTable["addSequentialRecording"]>[0]): number {
    return this.getIcephysSequentialRecordings().addSequentialRecording(values);
  }

  /** The repetitions table, made on first use (pynwb's `get_icephys_repetitions`). */
  getIcephysRepetitions(): RepetitionsTable {
    return this.icephysTable("icephys_repetitions", () => new RepetitionsTable({ sequential_recordings_table: this.getIcephysSequentialRecordings() }));
  }

  /** Groups sequential recordings into a repetition; returns the new row's index (pynwb's `add_icephys_repetition`). */
  addIcephysRepetition(values: Parameters<RepetitionsTable["addRepetition"]>[0]): number {
    return this.getIcephysRepetitions().addRepetition(values);
  }

  /** The experimental conditions table, made on first use (pynwb's `get_icephys_experimental_conditions`). */
  getIcephysExperimentalConditions(): ExperimentalConditionsTable {
    return this.icephysTable("icephys_experimental_conditions", () => new ExperimentalConditionsTable({ repetitions_table: this.getIcephysRepetitions() }));
  }

  /** Groups repetitions under one condition; returns the new row's index (pynwb's `add_icephys_experimental_condition`). */
  addIcephysExperimentalCondition(values: Parameters<ExperimentalConditionsTable["addExperimentalCondition"]>[0]): number {
    return this.getIcephysExperimentalConditions().addExperimentalCondition(values);
  }

  /**
   * The top-most icephys table the file has: experimental conditions, else repetitions, sequential, simultaneous
   * or intracellular recordings; undefined when it has none (pynwb's `get_icephys_meta_parent_table`).
   */
  getIcephysMetaParentTable(): DynamicTable | undefined {
    return this.icephys_experimental_conditions ?? this.icephys_repetitions ?? this.icephys_sequential_recordings ??
      this.icephys_simultaneous_recordings ?? this.intracellular_recordings;
  }

  /** The icephys table in field `key`, made by `make` and placed in the file when it has none yet. */
  private icephysTable<K extends "intracellular_recordings" | "icephys_simultaneous_recordings" | "icephys_sequential_recordings" | "icephys_repetitions" | "icephys_experimental_conditions">(
    key: K, make: () => NonNullable<NWBFile[K]>,
  ): NonNullable<NWBFile[K]> {
    const existing = this[key];
    if (existing !== undefined) return existing as NonNullable<NWBFile[K]>;
    const table = make();
    adopt(this, key, table);
    (this as Record<string, unknown>)[key] = table;
    return table;
  }

  /** Sets `subject` (pynwb's `subject=` argument or property); a second subject is refused. */
  setSubject(subject: Subject): this {
    if (!(subject instanceof AbstractContainer) || !subject.isA("Subject")) this.fail("subject", "a Subject", subject);
    adopt(this, "subject", subject);
    this.subject = subject;
    return this;
  }

  /**
   * The acquisition object `name` (pynwb's `get_acquisition`); with a class, also checks its type, so TypeScript
   * knows it: `nwbfile.getAcquisition("movie", ImageSeries).data`.
   */
  getAcquisition<T extends AbstractContainer = AbstractContainer>(name: string, type?: Class<T>): T {
    return this.getFrom("acquisition", name, type);
  }

  /** The presented stimulus `name` (pynwb's `get_stimulus`), type-checked when a class is given. */
  getStimulus<T extends AbstractContainer = AbstractContainer>(name: string, type?: Class<T>): T {
    return this.getFrom("stimulus", name, type);
  }

  /** The stimulus template `name` (pynwb's `get_stimulus_template`), type-checked when a class is given. */
  getStimulusTemplate<T extends AbstractContainer = AbstractContainer>(name: string, type?: Class<T>): T {
    return this.getFrom("stimulus_template", name, type);
  }

  /** The analysis object `name`, type-checked when a class is given. */
  getAnalysis<T extends AbstractContainer = AbstractContainer>(name: string, type?: Class<T>): T {
    return this.getFrom("analysis", name, type);
  }

  private getFrom<T extends AbstractContainer>(field: "acquisition" | "stimulus" | "stimulus_template" | "analysis", name: string, type?: Class<T>): T {
    return this.getInAs(field, name, type);
  }

  /** Every typed object in the file, by object_id (as pynwb's `nwbfile.objects`). */
  get objects(): Map<string, AbstractContainer> {
    const out = new Map<string, AbstractContainer>();
    const visit = (c: AbstractContainer) => {
      if (out.has(c.object_id)) return;
      out.set(c.object_id, c);
      for (const child of childrenOf(c)) visit(child);
    };
    visit(this);
    return out;
  }
}

/** The typed objects a container holds (named children, collections, and what it holds beyond its schema). */
export function childrenOf(c: AbstractContainer): AbstractContainer[] {
  const o = c as unknown as Record<string, unknown>;
  const out: AbstractContainer[] = [];
  for (const f of c.layout.fields) {
    const v = o[f.key];
    if (f.kind === "children" && v instanceof Map) out.push(...(v.values() as Iterable<AbstractContainer>));
    else if (f.kind === "child" && v instanceof AbstractContainer) out.push(v);
  }
  for (const extra of [o.children, o.other]) {
    if (extra instanceof Map) out.push(...(extra.values() as Iterable<AbstractContainer>));
  }
  return out;
}
