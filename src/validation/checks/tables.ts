/**
 * The NWB Inspector's checks of tables (nwbinspector/checks/_tables.py), with its names and importances. As it,
 * they read the first 200 values of a column, not the whole.
 */
import type { AbstractContainer } from "../../containers/container.js";
import type { DynamicTable } from "../../containers/table.js";
import { type Check, NELEMS, field, head, isAscending, numbers, readable, when } from "./support.js";
import { pyByteSize, pyStr } from "../python-format.js";

interface Column extends AbstractContainer {
  data: unknown;
  table?: DynamicTable;
}

/** The table's columns as pynwb's `table.columns`: every VectorData held, index columns included. */
function columnsOf(table: DynamicTable): Column[] {
  table.flushRows();
  return [...table.allColumns.values()] as unknown as Column[];
}

/** The number of rows, as `len(table.id)`. */
function rowCount(table: DynamicTable): number {
  table.flushRows();
  return table.length;
}

/** Columns that the table's type defines (pynwb's `__columns__`): their names and dtypes are not the user's to change. */
function predefinedColumns(table: DynamicTable): Set<string> {
  return new Set(table.layout.fields.filter((f) => f.kind === "child" || f.kind === "link").map((f) => f.key));
}

/** Value pairs that say yes/no: the NWB Inspector's. */
const BINARY_PAIRS: readonly (readonly (number | string)[])[] = [[1, 0], ["yes", "no"], ["y", "n"], ["true", "false"], ["t", "f"], ["hit", "miss"]];

/** A string that holds a Python dict (`{'a': 1}`), as the NWB Inspector's `dict_regex`. */
const DICT_IN_STRING = /({.+:.+})/;

function bytesPerValue(dtype: string): number {
  const m = /(\d+)$/.exec(dtype);
  return m ? Number(m[1]) / 8 : 8;
}

export const TABLE_CHECKS: readonly Check[] = [
  {
    id: "check_dynamic_table_region_data_validity", importance: "CRITICAL", appliesTo: "DynamicTableRegion",
    what: `the first ${NELEMS} rows a region points at are rows of its table (0 to its length)`,
    run: async (obj) => {
      const { data, table } = obj as Column;
      if (!readable(data) || table === undefined) return [];
      const values = numbers(await head(data));
      const length = rowCount(table);
      if (values.some((v) => v > length)) {
        return [`Some elements of ${obj.name} are out of range because they are greater than the length of the target table. Note that data should contain indices, not ids.`];
      }
      return when(values.some((v) => v < 0), () => `Some elements of ${obj.name} are out of range because they are less than 0.`);
    },
  },
  {
    id: "check_empty_table", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "DynamicTable",
    what: "a table has rows",
    run: (obj) => when(rowCount(obj as DynamicTable) === 0, () => "This table has no data added to it."),
  },
  {
    id: "check_time_interval_time_columns", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "TimeIntervals",
    what: `the first ${NELEMS} start times are in ascending order`,
    run: async (obj) => {
      const start = columnsOf(obj as DynamicTable).find((c) => c.name === "start_time");
      if (!start || !readable(start.data)) return [];
      return when(!isAscending(numbers(await head(start.data))), () =>
        "['start_time'] are time columns but the values are not in ascending order. All times should be in seconds with respect to the session start time.");
    },
  },
  {
    id: "check_time_intervals_stop_after_start", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "TimeIntervals",
    what: `each of the first ${NELEMS} intervals stops after it starts`,
    run: async (obj) => {
      const columns = columnsOf(obj as DynamicTable);
      const start = columns.find((c) => c.name === "start_time")?.data;
      const stop = columns.find((c) => c.name === "stop_time")?.data;
      if (!readable(start) || !readable(stop)) return [];
      const [starts, stops] = [numbers(await head(start)), numbers(await head(stop))];
      return when(stops.some((s, i) => s - starts[i]! < 0), () =>
        "stop_times should be greater than start_times. Make sure the stop times are with respect to the session start time.");
    },
  },
  {
    id: "check_column_binary_capability", importance: "BEST_PRACTICE_SUGGESTION", appliesTo: "DynamicTable",
    what: "a column of two values that say yes/no (1/0, 'yes'/'no', 'hit'/'miss'...) could be boolean",
    run: async (obj) => {
      const table = obj as DynamicTable;
      const fixed = predefinedColumns(table);
      const findings: string[] = [];
      for (const column of columnsOf(table)) {
        if (fixed.has(column.name) || column.isA("VectorIndex") || !readable(column.data)) continue;
        const { dtype, shape } = column.data;
        if (typeof dtype !== "string" || (dtype !== "text" && !/^(u?int|float)\d+$/.test(dtype))) continue;
        if (/^(u?int8)$/.test(dtype)) continue; // already 1 byte a value
        const values = await head(column.data);
        const unique = [...new Set(values.map((v) => (typeof v === "string" ? v : Number(v))))];
        if (unique.length !== 2) continue;
        const parsed = unique.map((v) => (typeof v === "string" ? v.toLowerCase() : v));
        if (!BINARY_PAIRS.some((pair) => pair.every((p) => parsed.includes(p)))) continue;
        // As numpy names and prints what h5py reads: text as objects (8 bytes a value), the two values sorted.
        const kind = dtype === "float64" ? "floats" : dtype === "int64" ? "integers" : dtype === "text" ? "object" : dtype;
        const saved = (bytesPerValue(dtype) - 1) * shape.reduce((a, b) => a * b, 1);
        const sorted = [...unique].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const printed = sorted.map((v) => (typeof v === "string" ? pyStr(v) : dtype.startsWith("float") ? `${v}.` : String(v))).join(" ");
        findings.push(`Column '${column.name}' uses '${kind}' but has binary values [${printed}]. Consider making it boolean instead and renaming the column to start with 'is_'; doing so will save ${pyByteSize(saved)}.`);
      }
      return findings;
    },
  },
  {
    id: "check_single_row", importance: "BEST_PRACTICE_SUGGESTION", appliesTo: "DynamicTable",
    what: "a table (other than Units and electrodes) has more than one row",
    run: (obj) => {
      if (obj.isA("Units") || obj.name === "electrodes") return [];
      return when(rowCount(obj as DynamicTable) === 1, () => "This table has only a single row; it may be better represented by another data type.");
    },
  },
  {
    id: "check_table_values_for_dict", importance: "BEST_PRACTICE_VIOLATION", appliesTo: "DynamicTable",
    what: `no text value among a column's first ${NELEMS} holds a dictionary`,
    run: async (obj) => {
      const findings: string[] = [];
      for (const column of columnsOf(obj as DynamicTable)) {
        if (column.isA("VectorIndex") || !readable(column.data) || column.data.dtype !== "text") continue;
        for (const value of await head(column.data)) {
          if (typeof value !== "string" || !DICT_IN_STRING.test(value)) continue;
          let json = false;
          try {
            JSON.parse(value);
            json = true;
          } catch {
            json = false;
          }
          findings.push(`The column '${column.name}' contains a string value that contains a dictionary! Please unpack dictionaries as additional rows or columns of the table.${json ? " This string is also JSON loadable, so call `json.loads(...)` on the string to unpack." : ""}`);
        }
      }
      return findings;
    },
  },
  {
    id: "check_col_not_nan", importance: "BEST_PRACTICE_SUGGESTION", appliesTo: "DynamicTable",
    what: "a float column is not all NaN",
    run: async (obj) => {
      const findings: string[] = [];
      for (const column of columnsOf(obj as DynamicTable)) {
        if (column.isA("VectorIndex") || !readable(column.data) || (column.data.dtype !== "float32" && column.data.dtype !== "float64")) continue;
        const rows = column.data.shape[0] ?? 0;
        if (rows === 0 || !numbers(await head(column.data)).every(Number.isNaN)) continue;
        // Beyond the first 200, every ceil(rows / 200)-th value, as the NWB Inspector.
        const step = Math.ceil(rows / NELEMS);
        const all = numbers(Array.from((await column.data.read()) as ArrayLike<unknown>));
        const perRow = all.length / rows;
        let allNaN = true;
        for (let r = 0; r < rows && allNaN; r += step) for (let k = 0; k < perRow; k++) if (!Number.isNaN(all[r * perRow + k]!)) allNaN = false;
        if (allNaN) findings.push(`Column '${column.name}' ${step === 1 ? "has" : "might have"} all NaN values. Consider removing it from the table.`);
      }
      return findings;
    },
  },
  {
    id: "check_ids_unique", importance: "CRITICAL", appliesTo: "DynamicTable",
    what: `a table's first ${NELEMS} ids are unique`,
    run: async (obj) => {
      const table = obj as DynamicTable;
      table.flushRows();
      const ids = field<{ data: unknown }>(table, "id")?.data;
      if (!readable(ids)) return [];
      const values = (await head(ids)).map(String);
      return when(new Set(values).size !== values.length, () => "This table has ids that are not unique.");
    },
  },
  {
    id: "check_table_time_columns_are_not_negative", importance: "BEST_PRACTICE_SUGGESTION", appliesTo: "DynamicTable",
    what: "the first value of each column named *_time is not negative",
    run: async (obj) => {
      const table = obj as DynamicTable;
      const findings: string[] = [];
      if (rowCount(table) === 0) return [];
      for (const name of table.colnames.filter((n) => n.endsWith("_time"))) {
        const [first] = await table.readColumn(name, [0, 1]);
        if (typeof first === "number" && first < 0) {
          findings.push(`Timestamps in column ${name} should not be negative. It is recommended to align the \`session_start_time\` or \`timestamps_reference_time\` to be the earliest time value that occurs in the data, and shift all other signals accordingly.`);
        }
      }
      return findings;
    },
  },
];
