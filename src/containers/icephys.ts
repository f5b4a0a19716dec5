/**
 * The hand-written intracellular ephys tables, as pynwb's: a recording (electrode, stimulus, response) is a row of
 * the IntracellularRecordingsTable and of its three category tables; simultaneous recordings group recordings,
 * sequential recordings group those, repetitions and experimental conditions group those in turn. Each `add*`
 * returns the row index it added, as pynwb's.
 */
import { IntracellularRecordingsTableBase, type IntracellularRecordingsTableOptions } from "../generated/core/IntracellularRecordingsTable.js";
import { SimultaneousRecordingsTableBase, type SimultaneousRecordingsTableOptions } from "../generated/core/SimultaneousRecordingsTable.js";
import { SequentialRecordingsTableBase, type SequentialRecordingsTableOptions } from "../generated/core/SequentialRecordingsTable.js";
import { RepetitionsTableBase, type RepetitionsTableOptions } from "../generated/core/RepetitionsTable.js";
import { ExperimentalConditionsTableBase, type ExperimentalConditionsTableOptions } from "../generated/core/ExperimentalConditionsTable.js";
import { SweepTableBase, type SweepTableOptions } from "../generated/core/SweepTable.js";
import type { IntracellularElectrode } from "../generated/core/IntracellularElectrode.js";
import type { PatchClampSeries } from "../generated/core/PatchClampSeries.js";
import type { TimeSeries } from "./base.js";
import type { Cell, DynamicTable } from "./table.js";
import type { TimeSeriesReference, TimeSeriesReferenceValues } from "./timeseries-reference.js";
import { ValidationError } from "../errors.js";

export type {
  IntracellularRecordingsTableOptions, SimultaneousRecordingsTableOptions, SequentialRecordingsTableOptions, RepetitionsTableOptions,
  ExperimentalConditionsTableOptions, SweepTableOptions,
};

/** One recording as `addRecording` takes it (pynwb's `add_recording` arguments); other keys fill the table's own columns. */
export interface IntracellularRecording {
  /** Default: the stimulus' (else the response's) electrode. */
  electrode?: IntracellularElectrode;
  /** The stimulus series (a PatchClampSeries of `stimulus`), if any; a stimulus or a response is required. */
  stimulus?: TimeSeries | null;
  /** Default 0. */
  stimulus_start_index?: number;
  /** Default: the stimulus' samples from its start index. */
  stimulus_index_count?: number;
  /** The stimulus' template series (in `stimulus_template`), if any. */
  stimulus_template?: TimeSeries | null;
  /** Default 0. */
  stimulus_template_start_index?: number;
  /** Default: the template's samples from its start index. */
  stimulus_template_index_count?: number;
  /** The response series (a PatchClampSeries of `acquisition`), if any. */
  response?: TimeSeries | null;
  /** Default 0. */
  response_start_index?: number;
  /** Default: the response's samples from its start index. */
  response_index_count?: number;
  /** Values of the electrodes category's other columns. */
  electrode_metadata?: Record<string, unknown>;
  /** Values of the stimuli category's other columns. */
  stimulus_metadata?: Record<string, unknown>;
  /** Values of the responses category's other columns. */
  response_metadata?: Record<string, unknown>;
  /** The row's id (unique in the table); default: the row's number. */
  id?: number;
  [column: string]: unknown;
}

/** A row of a TimeSeriesReferenceVectorData column. */
type SeriesRange = TimeSeriesReferenceValues;

/**
 * A row of an IntracellularRecordingsTable as `readRow` and `toRecords` read it: its own columns, and each category's
 * values in a record under the category's name. The columns the schema gives every such table are typed; a stimulus
 * or response the recording does not have (stored with start and count -1) reads as null.
 */
export interface IntracellularRecordingRow extends Record<string, Cell> {
  /** The row's id. */
  id: number;
  /** The electrodes category's values: the recording's electrode, and columns of your own. */
  electrodes: {
    /** The electrode the recording was made with. */
    electrode: IntracellularElectrode;
  } & Record<string, Cell>;
  /** The stimuli category's values. */
  stimuli: {
    /** The stimulus' samples, or null for a recording without one. */
    stimulus: TimeSeriesReference | null;
    /** The template's samples, when the table has the column (null where a row has none). */
    stimulus_template?: TimeSeriesReference | null;
  } & Record<string, Cell>;
  /** The responses category's values. */
  responses: {
    /** The response's samples, or null for a recording without one. */
    response: TimeSeriesReference | null;
  } & Record<string, Cell>;
}

/** The intracellular recordings: a stimulus and a response per row, with their electrode (pynwb's `add_intracellular_recording`). */
export class IntracellularRecordingsTable extends IntracellularRecordingsTableBase {
  /**
   * Adds a recording (pynwb's `add_recording`) and returns its row index. A recording without a stimulus (or
   * without a response) refers to the other series with start and count -1, as pynwb stores it; it reads as null.
   */
  addRecording(recording: IntracellularRecording): number {
    const {
      electrode: givenElectrode, stimulus, stimulus_start_index, stimulus_index_count, stimulus_template, stimulus_template_start_index,
      stimulus_template_index_count, response, response_start_index, response_index_count, electrode_metadata, stimulus_metadata,
      response_metadata, id, ...own
    } = recording ?? ({} as IntracellularRecording);
    if (!stimulus && !response) this.fail("stimulus", "a stimulus or a response (stimulus and response cannot both be missing)");
    const electrode = givenElectrode ?? seriesElectrode(stimulus) ?? seriesElectrode(response);
    if (electrode === undefined) this.fail("electrode", "an IntracellularElectrode (given, or the stimulus' or response's)");
    const stimulusRange = this.range("stimulus", stimulus, stimulus_start_index, stimulus_index_count);
    const responseRange = this.range("response", response, response_start_index, response_index_count);
    let template = stimulus_template ?? undefined;
    const templateRange = this.range("stimulus_template", template, stimulus_template_start_index, stimulus_template_index_count);
    const stimuli = this.getCategory("stimuli");
    // pynwb: once the stimuli have a template column, a recording without a template refers to its stimulus.
    if (template === undefined && stimuli.colnames.includes("stimulus_template")) template = (stimulus ?? response)!;
    const theResponse = (response ?? stimulus)!;
    const theStimulus = (stimulus ?? response)!;
    const kind = (s: TimeSeries) => s.neurodata_type;
    if ((kind(theResponse).startsWith("CurrentClamp") && kind(theStimulus).startsWith("VoltageClamp")) ||
      (kind(theResponse).startsWith("VoltageClamp") && kind(theStimulus).startsWith("CurrentClamp"))) {
      this.fail("stimulus", `a stimulus of the response's kind (the stimulus is a ${kind(theStimulus)}, the response a ${kind(theResponse)})`);
    }
    if (kind(theResponse) === "IZeroClampSeries" && stimulus) this.fail("stimulus", "no stimulus for an IZeroClampSeries response");
    if (theResponse.isA("PatchClampSeries") && theStimulus.isA("PatchClampSeries") && seriesElectrode(theResponse) !== seriesElectrode(theStimulus)) {
      this.fail("electrode", "one electrode for a stimulus and its response (they are PatchClampSeries of different electrodes)");
    }
    const stimulusRow: Record<string, unknown> = { ...stimulus_metadata, stimulus: stimulusRange ?? missing(theStimulus) };
    if (template !== undefined) stimulusRow.stimulus_template = templateRange ?? (template === stimulus_template ? missing(template) : stimulusRange ?? missing(template));
    this.addUniqueRow({
      ...own,
      electrodes: { ...electrode_metadata, electrode },
      stimuli: stimulusRow,
      responses: { ...response_metadata, response: responseRange ?? missing(theResponse) },
    }, id);
    return this.length - 1;
  }

  /** Row `i`, with the electrode, stimulus and response of the recording typed (`row.stimuli.stimulus?.timeseries`). */
  override async readRow(i: number): Promise<IntracellularRecordingRow> {
    return recordingRow(this, await super.readRow(i));
  }

  /** Every row, as {@link readRow} reads them. */
  override async toRecords(): Promise<IntracellularRecordingRow[]> {
    return (await super.toRecords()).map((row) => recordingRow(this, row));
  }

  /** pynwb's start and count of a series' samples: start 0 and the rest of the series by default, within it. */
  private range(name: string, series: TimeSeries | null | undefined, start: number | undefined, count: number | undefined): SeriesRange | undefined {
    if (!series) return undefined;
    const from = start === undefined || start < 0 ? 0 : start;
    const samples = series.numSamples;
    const n = count === undefined || count < 0 ? (samples === undefined ? undefined : samples - from) : count;
    if (n === undefined) this.fail(`${name}_index_count`, `a count (it cannot be taken from ${series.describe()}'s data)`);
    if (!Number.isInteger(from)) this.fail(`${name}_start_index`, "an integer", start);
    if (!Number.isInteger(n)) this.fail(`${name}_index_count`, "an integer", count);
    if (samples !== undefined && from >= samples) this.fail(`${name}_start_index`, `a sample of ${series.describe()} (0 to ${samples - 1})`, from);
    if (samples !== undefined && from + n > samples) this.fail(`${name}_index_count`, `at most the ${samples - from} samples of ${series.describe()} from ${from}`, n);
    return { idx_start: from, count: n, timeseries: series };
  }

  /** hdmf's `add_row(enforce_unique_id=True)`. */
  private addUniqueRow(values: Record<string, unknown>, id: number | undefined): void {
    refuseTakenId(this, id);
    this.addRow(values, id === undefined ? {} : { id });
  }
}

/**
 * A row read, checked to have what the schema gives every recording (a file of another writer may lack a category
 * or a column): a record per category, an electrode, and a series reference (or null) for stimulus and response.
 */
function recordingRow(table: IntracellularRecordingsTable, row: Record<string, Cell>): IntracellularRecordingRow {
  const category = (name: string, column: string, ok: (v: unknown) => boolean): void => {
    const values = row[name];
    if (typeof values !== "object" || values === null || !ok((values as Record<string, unknown>)[column])) {
      table.fail(name, `a category '${name}' with a '${column}' column in row ${String(row.id)}`, values);
    }
  };
  const isReference = (v: unknown) => v === null || (typeof v === "object" && "idx_start" in v && "count" in v && "timeseries" in v);
  category("electrodes", "electrode", (v) => typeof v === "object" && v !== null && (v as { isA?: (t: string) => boolean }).isA?.("IntracellularElectrode") === true);
  category("stimuli", "stimulus", isReference);
  category("responses", "response", isReference);
  return row as IntracellularRecordingRow;
}

/** pynwb's reference for a missing stimulus or response: start and count -1, to a series of the recording. */
function missing(series: TimeSeries): SeriesRange {
  return { idx_start: -1, count: -1, timeseries: series };
}

function seriesElectrode(series: TimeSeries | null | undefined): IntracellularElectrode | undefined {
  return (series as unknown as { electrode?: IntracellularElectrode } | null | undefined)?.electrode;
}

/** An id already in the table is refused (hdmf's `enforce_unique_id`). */
function refuseTakenId(table: DynamicTable, id: number | undefined): void {
  if (id === undefined) return;
  if (table.takenIds().includes(id)) throw new ValidationError(table.describe(), "id", "an id no row of the table has", String(id));
}

/**
 * A row of a table of groups (simultaneous recordings, sequential recordings, repetitions, experimental conditions)
 * as `readRow` and `toRecords` read it: its id, the indices of the rows of the table below it that it groups (in
 * `Column`), and its other columns.
 */
export type GroupRow<Column extends string> = {
  /** The row's id. */
  id: number;
} & { [K in Column]: number[] } & Record<string, Cell>;

/** A row read, checked to hold a list of row indices in `column` (a file of another writer may not). */
function groupRow<Column extends string>(table: DynamicTable, column: Column, row: Record<string, Cell>): GroupRow<Column> {
  const rows = row[column];
  if (!Array.isArray(rows) || !rows.every((r) => typeof r === "number")) table.fail(column, `a list of row indices in row ${String(row.id)}`, rows);
  return row as GroupRow<Column>;
}

/** A table of groups of another table's rows (a ragged region column), as pynwb's add methods fill them. */
function addGroupRow(table: DynamicTable, column: string, values: { id?: number } & Record<string, unknown>): number {
  const { id, ...row } = values ?? {};
  if (row[column] === undefined) table.fail(column, `the rows of the table '${column}' points into, as a list`);
  refuseTakenId(table, id);
  table.addRow(row, id === undefined ? {} : { id });
  return table.length - 1;
}

/** Groups of intracellular recordings made at the same time. */
export class SimultaneousRecordingsTable extends SimultaneousRecordingsTableBase {
  /** Adds a row of `recordings` (rows of the IntracellularRecordingsTable) and returns its index (pynwb's `add_simultaneous_recording`). */
  addSimultaneousRecording(values: { recordings: readonly number[]; id?: number } & Record<string, unknown>): number {
    return addGroupRow(this, "recordings", values);
  }

  /** Row `i`, its `recordings` typed (the row indices it groups). */
  override async readRow(i: number): Promise<GroupRow<"recordings">> {
    return groupRow(this, "recordings", await super.readRow(i));
  }

  /** Every row, as {@link readRow} reads them. */
  override async toRecords(): Promise<GroupRow<"recordings">[]> {
    return (await super.toRecords()).map((row) => groupRow(this, "recordings", row));
  }
}

/** Groups of simultaneous recordings made one after another, of one stimulus type. */
export class SequentialRecordingsTable extends SequentialRecordingsTableBase {
  /** Adds a row of `simultaneous_recordings` and its `stimulus_type`; returns its index (pynwb's `add_sequential_recording`). */
  addSequentialRecording(values: { simultaneous_recordings: readonly number[]; stimulus_type: string; id?: number } & Record<string, unknown>): number {
    return addGroupRow(this, "simultaneous_recordings", values);
  }

  /** Row `i`, its `simultaneous_recordings` typed (the row indices it groups). */
  override async readRow(i: number): Promise<GroupRow<"simultaneous_recordings">> {
    return groupRow(this, "simultaneous_recordings", await super.readRow(i));
  }

  /** Every row, as {@link readRow} reads them. */
  override async toRecords(): Promise<GroupRow<"simultaneous_recordings">[]> {
    return (await super.toRecords()).map((row) => groupRow(this, "simultaneous_recordings", row));
  }
}

/** Groups of sequential recordings repeated together. */
export class RepetitionsTable extends RepetitionsTableBase {
  /** Adds a row of `sequential_recordings`; returns its index (pynwb's `add_repetition`). */
  addRepetition(values: { sequential_recordings: readonly number[]; id?: number } & Record<string, unknown>): number {
    return addGroupRow(this, "sequential_recordings", values);
  }

  /** Row `i`, its `sequential_recordings` typed (the row indices it groups). */
  override async readRow(i: number): Promise<GroupRow<"sequential_recordings">> {
    return groupRow(this, "sequential_recordings", await super.readRow(i));
  }

  /** Every row, as {@link readRow} reads them. */
  override async toRecords(): Promise<GroupRow<"sequential_recordings">[]> {
    return (await super.toRecords()).map((row) => groupRow(this, "sequential_recordings", row));
  }
}

/** Groups of repetitions made under one experimental condition. */
export class ExperimentalConditionsTable extends ExperimentalConditionsTableBase {
  /** Adds a row of `repetitions`; returns its index (pynwb's `add_experimental_condition`). */
  addExperimentalCondition(values: { repetitions: readonly number[]; id?: number } & Record<string, unknown>): number {
    return addGroupRow(this, "repetitions", values);
  }

  /** Row `i`, its `repetitions` typed (the row indices it groups). */
  override async readRow(i: number): Promise<GroupRow<"repetitions">> {
    return groupRow(this, "repetitions", await super.readRow(i));
  }

  /** Every row, as {@link readRow} reads them. */
  override async toRecords(): Promise<GroupRow<"repetitions">[]> {
    return (await super.toRecords()).map((row) => groupRow(this, "repetitions", row));
  }
}

/**
 * pynwb's SweepTable, deprecated since pynwb 2.0 but still written and read by it: a row per PatchClampSeries added
 * with its sweep number (`addStimulus(series, { use_sweep_table: true })`, `addAcquisition` alike). The
 * IntracellularRecordingsTable and the tables above it replace it.
 */
export class SweepTable extends SweepTableBase {
  /** Adds a row for `pcs`, which must have a `sweep_number` (pynwb's `add_entry`). */
  addEntry(pcs: PatchClampSeries): this {
    if (typeof pcs !== "object" || pcs === null || !pcs.isA?.("PatchClampSeries")) this.fail("series", "a PatchClampSeries", pcs);
    if (pcs.sweep_number === undefined) this.fail("sweep_number", `a sweep_number on ${pcs.describe()} (a sweep table lists series by sweep)`);
    return this.addRow({ sweep_number: pcs.sweep_number, series: [pcs] });
  }

  /**
   * The series of sweep `sweepNumber`, in the order they were added (pynwb's `get_series`); none is an empty list
   * (pynwb gives None).
   */
  async getSeries(sweepNumber: number): Promise<PatchClampSeries[]> {
    if (!Number.isInteger(sweepNumber)) this.fail("sweep_number", "an integer sweep number", sweepNumber);
    const numbers = await this.readColumn("sweep_number");
    const series = await this.readColumn("series");
    const found: PatchClampSeries[] = [];
    for (const [i, n] of numbers.entries()) {
      if (Number(n) !== sweepNumber) continue;
      const row = series[i];
      for (const pcs of Array.isArray(row) ? row : [row]) {
        if (typeof pcs !== "object" || pcs === null || !(pcs as PatchClampSeries).isA?.("PatchClampSeries")) this.fail("series", `PatchClampSeries in row ${i}`, pcs);
        found.push(pcs as PatchClampSeries);
      }
    }
    return found;
  }
}
