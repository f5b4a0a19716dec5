#!/usr/bin/env node
/**
 * The `tsnwb` command line. Exit status: 0 done, 1 a user error (bad options, a missing file, a rule broken:
 * one line on stderr), 2 a file that cannot be read (not HDF5, not an image, damaged).
 */
import * as nodePath from "node:path";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { Command } from "commander";
import { MultiBar, Presets, type SingleBar } from "cli-progress";
import { NWBHDF5IO, NotFoundError, ValidationError, isTsnwbError } from "../index.js";
import { cleanLeftovers, findLeftovers } from "../io/leftovers.js";
import { buildTutorialFile } from "../demo/tutorial.js";
import { summarize } from "./summary.js";
import { fileInfo } from "./info.js";
import { addImagesCommand, addVideoCommand } from "./images.js";
import { addFramesCommand } from "./frames.js";
import { addValidateCommand } from "./validate-command.js";
import { addInspectCommand } from "./inspect-command.js";

const program = new Command();
program.name("tsnwb").description("Store and read image data in NWB (Neurodata Without Borders) files").version("0.1.0")
  // Usage errors exit 1 with commander's one-line message, like every other user error.
  .exitOverride((e) => {
    if (e.exitCode === 0) process.exit(0);
    process.exit(1);
  });

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
  .description("list what an NWB file holds: session metadata, objects, arrays with chunks and compression, links (reads no array data)")
  .argument("<file>", "an NWB file")
  .option("--json", "print it as JSON")
  .action(async (file: string, opts: { json?: boolean }) => {
    // What a crashed write of this file left beside it: said first (on stderr), even if the file is missing. A
    // journal's file is restored by the open below (unless its writer still runs).
    const leftovers = /^https?:\/\//i.test(file) ? [] : findLeftovers(nodePath.dirname(nodePath.resolve(file)), file);
    for (const l of leftovers) {
      const name = nodePath.basename(l.target);
      if (l.kind === "journal") console.error(`tsnwb: ${l.path}: the journal of a write into ${name} (in place or live), which a running writer keeps and an interrupted one leaves; if none runs, opening ${name} or tsnwb clean ${nodePath.dirname(l.path)} restores it as before that write (a live file: at its last flush)`);
      else console.error(`tsnwb: ${l.path}: a temporary file a crashed write of ${name} left (${l.bytes} bytes, ${l.modified.toISOString()}); remove it with: tsnwb clean ${nodePath.dirname(l.path)}`);
    }
    if (!opts.json) return printFile(file);
    const io = await NWBHDF5IO.open(file, "r");
    try {
      console.log(JSON.stringify({ ...fileInfo(await io.read(), file), leftovers: leftovers.map((l) => ({ ...l, modified: l.modified.toISOString() })) }));
    } finally {
      await io.close();
    }
  });

program
  .command("clean")
  .description("restore the files interrupted in-place and live writes left journals of (.NAME.tsnwb-journal), and remove the temporary files crashed writes left (.NAME.<id>.tsnwb-tmp), in each folder")
  .argument("<dir...>", "the folders")
  .option("--older-than <seconds>", "spare temporary files changed more recently (a write running now); journals of running writers are always spared", "0")
  .option("--json", "print the files removed as JSON (journals included, once their file is restored)")
  .action((dirs: string[], opts: { olderThan: string; json?: boolean }) => {
    const seconds = Number(opts.olderThan);
    if (!Number.isFinite(seconds) || seconds < 0) throw new ValidationError("command", "--older-than", "a number of seconds, 0 or more", JSON.stringify(opts.olderThan));
    for (const dir of dirs) if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new NotFoundError(dir, `${dir} is not a folder`);
    const removed = dirs.flatMap((dir) => cleanLeftovers(dir, seconds));
    if (opts.json) console.log(JSON.stringify(removed.map((l) => l.path)));
    else {
      for (const l of removed) {
        const name = nodePath.basename(l.target);
        if (l.restored) console.log(`restored ${l.target} as it was before an interrupted write (a live file: at its last flush); removed its journal ${l.path}`);
        else if (l.kind === "journal") console.log(`removed ${l.path} (the journal of a write of ${name} that had not changed it, or had completed)`);
        else console.log(`removed ${l.path} (${l.bytes} bytes, left by a write of ${name})`);
      }
    }
    // Journals still there: their writers run (or are starting, or ran on another machine, which alone can tell).
    for (const l of dirs.flatMap((dir) => findLeftovers(dir)).filter((x) => x.kind === "journal")) {
      console.error(`tsnwb: ${l.path}: left alone, its writer is still running (or starting; or it ran on another machine: run tsnwb clean there)`);
    }
  });

program
  .command("view")
  .description("show a file's images and series in the browser: a viewer served on 127.0.0.1 for this file only")
  .argument("<file>", "an NWB file, or its URL")
  .option("--port <n>", "the port to listen on (default: any free port)")
  .option("--no-open", "print the viewer's address without opening a browser")
  .action(async (file: string, opts: { port?: string; open?: boolean }) => {
    const { serveViewer } = await import("../viewer/server.js");
    const server = await serveViewer(file, opts.port === undefined ? 0 : Number(opts.port));
    console.log(`tsnwb viewer: ${server.url}  (Ctrl-C to stop)`);
    if (opts.open !== false) {
      const { spawn } = await import("node:child_process");
      const opener = process.platform === "darwin" ? "open" : process.platform === "win32" ? "start" : "xdg-open";
      spawn(opener, [server.url], { stdio: "ignore", detached: true }).on("error", () => undefined).unref();
    }
  });

addImagesCommand(program);
addVideoCommand(program);
addFramesCommand(program);
addValidateCommand(program);
addInspectCommand(program);

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
  // A file that cannot be read is a 2; a stream that failed because of one (an image that does not decode) too.
  const cause = isTsnwbError(e, "StreamError") ? (e.cause as unknown) : e;
  process.exit(isTsnwbError(cause, "FormatError") ? 2 : 1);
});
