/**
 * Progress bars for long commands: on stderr, and only on a terminal (piped output stays clean).
 */
import { MultiBar, Presets, type SingleBar } from "cli-progress";
import type { IOOptions } from "../index.js";

/**
 * Write options that draw a bar per dataset being written, and a function that ends the bars. `expected` is the
 * row count of streamed datasets, whose writer cannot know it.
 */
export function progressBars(unit = "rows", expected?: number): { io: IOOptions; stop: () => void } {
  if (!process.stderr.isTTY) return { io: {}, stop: () => {} };
  const bars = new MultiBar({ format: ` {bar} {percentage}% | {name} {value}/{total} ${unit}`, hideCursor: true, clearOnComplete: false, stream: process.stderr }, Presets.shades_classic);
  const byPath = new Map<string, SingleBar>();
  return {
    io: {
      onProgress: ({ path, rows, totalRows }) => {
        let bar = byPath.get(path);
        const total = totalRows ?? Math.max(rows, expected ?? rows);
        if (!bar) byPath.set(path, (bar = bars.create(total, 0, { name: path })));
        bar.setTotal(total);
        bar.update(rows, { name: path });
      },
    },
    stop: () => bars.stop(),
  };
}
