#!/usr/bin/env node
/**
 * The `tsnwb` command line.
 */
import * as nodePath from "node:path";
import { mkdirSync } from "node:fs";
import { Command } from "commander";
import { MultiBar, Presets, type SingleBar } from "cli-progress";
import { NWBHDF5IO, isTsnwbError } from "../index.js";
import { buildTutorialFile } from "../demo/tutorial.js";
import { summarize } from "./summary.js";

const program = new Command();
program.name("tsnwb").description("Store and read image data in NWB (Neurodata Without Borders) files").version("0.1.0");

program
  .command("demo")
  .description("write pynwb's image tutorial as an NWB file (with its external TIFF files), read it back and list it")
  .option("--out <path>", "where to write the NWB file", "tsnwb-demo.nwb")
  .action(async (opts: { out: string }) => {
    const out = nodePath.resolve(opts.out);
    mkdirSync(nodePath.dirname(out), { recursive: true });
    const started = performance.now();
    const nwbfile = await buildTutorialFile(out);
    const writer = await NWBHDF5IO.open(out, "w");
    await writer.write(nwbfile);
    await writer.close();
    console.log(`wrote ${out} in ${Math.round(performance.now() - started)} ms`);
    await printFile(out);
  });

program
  .command("export")
  .description("write the contents of an NWB file to a new file (as pynwb's export), copying array data in slabs")
  .argument("<input>", "an NWB file")
  .argument("<output>", "the new file")
  .action(async (input: string, output: string) => {
    const reader = await NWBHDF5IO.open(input, "r");
    const bars = new MultiBar({ format: " {bar} {percentage}% | {name} {value}/{total} rows", hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
    const byPath = new Map<string, SingleBar>();
    try {
      const nwbfile = await reader.read();
      const writer = await NWBHDF5IO.open(output, "w", {
        onProgress: ({ path, rows, totalRows }) => {
          let bar = byPath.get(path);
          if (!bar) byPath.set(path, (bar = bars.create(totalRows ?? rows, 0, { name: path })));
          bar.setTotal(totalRows ?? rows);
          bar.update(rows, { name: path });
        },
      });
      await writer.write(nwbfile);
      await writer.close();
    } finally {
      bars.stop();
      await reader.close();
    }
    console.log(`wrote ${nodePath.resolve(output)}`);
  });

program
  .command("info")
  .description("list what an NWB file holds (reads no array data)")
  .argument("<file>", "an NWB file")
  .action(async (file: string) => printFile(file));

async function printFile(path: string): Promise<void> {
  const io = await NWBHDF5IO.open(path, "r");
  try {
    const nwbfile = await io.read();
    for (const l of summarize(nwbfile)) console.log(l);
  } finally {
    await io.close();
  }
}

program.parseAsync().catch((e: unknown) => {
  console.error(`tsnwb: ${isTsnwbError(e) ? e.message : e instanceof Error ? e.stack : String(e)}`);
  process.exit(1);
});
