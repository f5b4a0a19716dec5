/**
 * An ElectricalSeries: its channels as lines (the TimeSeries view, each channel named by its electrode) and, below,
 * the rows of the electrodes table its `electrodes` region selects, one per channel in the data's order.
 */
import type { AbstractContainer, DynamicTable, ElectricalSeries } from "../../browser.js";
import { cellText } from "./cells.js";
import { type SeriesData, extractSeries, timePlot } from "./timeseries.js";
import type { ViewModule, ViewRequest } from "./view.js";

export interface ElectricalData {
  series: SeriesData;
  /** The electrodes table's columns ("row" and "id" first), and the selected rows, channel by channel. */
  electrodes: { table: string; columns: string[]; cells: string[][] };
}

/** Row indices and text cells of the electrodes a series records from, read once per series. */
const known = new WeakMap<object, ElectricalData["electrodes"] & { rows: number[] }>();

async function electrodesOf(series: ElectricalSeries): Promise<ElectricalData["electrodes"] & { rows: number[] }> {
  const cached = known.get(series);
  if (cached) return cached;
  const region = series.electrodes;
  const table = region?.table as DynamicTable | undefined;
  let out: ElectricalData["electrodes"] & { rows: number[] } = { table: "", columns: [], cells: [], rows: [] };
  if (region && table) {
    const rows = Array.from((await region.data.read()) as ArrayLike<number | bigint>, Number);
    const names = [...table.colnames];
    const ids = Array.from((await table.id.data.read()) as ArrayLike<number | bigint>, String);
    const columns = await Promise.all(names.map((n) => table.readColumn(n)));
    out = {
      table: table.container_source?.path ?? table.name, columns: ["row", "id", ...names], rows,
      cells: rows.map((r) => [String(r), ids[r] ?? "", ...columns.map((c) => cellText(c[r]))]),
    };
  }
  known.set(series, out);
  return out;
}

export const electricalSeriesView: ViewModule<ElectricalData> = {
  name: "electricalseries",
  types: ["ElectricalSeries"],
  async extract(obj: AbstractContainer, request: ViewRequest) {
    const electrodes = await electrodesOf(obj as ElectricalSeries);
    const location = electrodes.columns.indexOf("location");
    const series = await extractSeries(obj, request, (start, end) => Array.from({ length: end - start }, (_, k) => {
      const row = electrodes.cells[start + k];
      return row ? `electrode ${row[1]}${location >= 0 && row[location] ? ` (${row[location]})` : ""}` : `channel ${start + k}`;
    }));
    return { series, electrodes: { table: electrodes.table, columns: electrodes.columns, cells: electrodes.cells } };
  },
  render(element, data, context) {
    const heading = Object.assign(document.createElement("h3"), { textContent: `electrodes (${data.electrodes.table})` });
    const table = document.createElement("table");
    table.className = "electrodes";
    const head = table.createTHead().insertRow();
    for (const c of data.electrodes.columns) head.append(Object.assign(document.createElement("th"), { textContent: c }));
    const body = table.createTBody();
    for (const [k, row] of data.electrodes.cells.entries()) {
      const tr = body.insertRow();
      tr.dataset.channel = String(k);
      for (const text of row) tr.insertCell().textContent = text;
    }
    const electrodes = document.createElement("div");
    electrodes.append(heading, table);
    // The shown channels' rows are marked.
    const mark = (series: SeriesData) => {
      if (series.kind !== "trace") return;
      for (const tr of body.rows) {
        const k = Number(tr.dataset.channel);
        tr.classList.toggle("shown", k >= series.start && k < series.end);
      }
    };
    const handle = timePlot(element, data.series, {
      ...context,
      get time() {
        return context.time;
      },
      request: async (request: ViewRequest) => (await context.request(request)).series,
    }, mark);
    element.append(electrodes);
    return handle;
  },
};
