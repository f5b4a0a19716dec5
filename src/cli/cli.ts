/**
 * The `tsnwb` command line. Exit status: 0 done, 1 a user error (bad options, a missing file, a rule broken:
 * one line on stderr), 2 a file that cannot be read (not HDF5, not an image, damaged). The library is loaded by
 * the commands that use it in this thread, when they run: those that read files read them in the reading worker,
 * which loads it there (two loads of it, one after the other, would cost a quarter of a second each time).
 */
// First: the reading worker starts loading while the modules below load.
import "./early-start.js";
import * as nodePath from "node:path";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { Command } from "commander";
import { NotFoundError, ValidationError, isTsnwbError } from "../errors.js";
import { cleanLeftovers, findLeftovers } from "../io/leftovers.js";
import { addImagesCommand, addVideoCommand } from "./images.js";
import { addFramesCommand } from "./frames.js";
import { addValidateCommand } from "./validate-command.js";
import { addInspectCommand } from "./inspect-command.js";
import { addCodegenCommand } from "./codegen-command.js";
import { FileWorker, reportFailure, runOnce } from "./file-worker.js";

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
    const [{ NWBHDF5IO }, { buildTutorialFile }] = await Promise.all([import("../index.js"), import("../demo/tutorial.js")]);
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
  .option("--no-link-data", "copy what the input reaches through external links (other files' data and objects) into the new file, instead of linking to it (pynwb's link_data=False)")
  .action(async (input: string, output: string, opts: { linkData: boolean }) => {
    const { progressBars } = await import("./progress.js");
    const { io, stop } = progressBars();
    // A worker stopped mid-write (HDF5 looping on a damaged dataset) leaves its temporary file: removed here.
    const folder = nodePath.dirname(nodePath.resolve(output));
    const before = new Set(existsSync(folder) ? findLeftovers(folder, output).map((l) => l.path) : []);
    try {
      console.log(`wrote ${await runOnce("export", { input, output, linkData: opts.linkData }, (p) => p.kind === "rows" && io.onProgress?.(p))}`);
    } catch (e) {
      if (existsSync(folder)) for (const l of findLeftovers(folder, output)) if (!before.has(l.path)) rmSync(l.path, { force: true, recursive: true });
      throw e;
    } finally {
      stop();
    }
  });

program
  .command("convert")
  .description("write an NWB file in the other format: HDF5 to NWB Zarr (an output named *.zarr, a folder, as hdmf-zarr writes it) or NWB Zarr to HDF5 (any other name), keeping chunks and gzip/zlib compression (Blosc becomes gzip in HDF5) and the cached specification")
  .argument("<input>", "an NWB file: HDF5 (.nwb, or a URL) or an NWB Zarr store (a folder with .zgroup, or a URL ending in .zarr)")
  .argument("<output>", "the new file: a path ending in .zarr for NWB Zarr, else HDF5")
  .action(async (input: string, output: string) => {
    if (nodePath.resolve(input) === nodePath.resolve(output)) throw new ValidationError("command", "output", "a path other than the input's", output);
    const { progressBars } = await import("./progress.js");
    const { io, stop } = progressBars();
    const folder = nodePath.dirname(nodePath.resolve(output));
    const before = new Set(existsSync(folder) ? findLeftovers(folder, output).map((l) => l.path) : []);
    try {
      console.log(`wrote ${await runOnce("convert", { input, output }, (p) => p.kind === "rows" && io.onProgress?.(p))}`);
    } catch (e) {
      // A worker stopped mid-write leaves its temporary file or folder: removed here.
      if (existsSync(folder)) for (const l of findLeftovers(folder, output)) if (!before.has(l.path)) rmSync(l.path, { force: true, recursive: true });
      throw e;
    } finally {
      stop();
    }
  });

program
  .command("info")
  .description("list what NWB files hold: session metadata, objects, arrays with chunks and compression, links (reads no array data)")
  .argument("<files...>", "NWB files (or URLs): HDF5, or NWB Zarr stores (folders with .zgroup, URLs ending in .zarr)")
  .option("--json", "print it as JSON (one line per file)")
  .action(async (files: string[], opts: { json?: boolean }) => {
    const worker = new FileWorker();
    try {
      for (const file of files) {
        // What a crashed write of this file left beside it: said first (on stderr), even if the file is missing. A
        // journal's file is restored by the open (unless its writer still runs).
        const leftovers = /^https?:\/\//i.test(file) ? [] : findLeftovers(nodePath.dirname(nodePath.resolve(file)), file);
        for (const l of leftovers) {
          const name = nodePath.basename(l.target);
          if (l.kind === "journal") console.error(`tsnwb: ${l.path}: the journal of a write into ${name} (in place or live), which a running writer keeps and an interrupted one leaves; if none runs, opening ${name} or tsnwb clean ${nodePath.dirname(l.path)} restores it as before that write (a live file: at its last flush)`);
          else console.error(`tsnwb: ${l.path}: a temporary file a crashed write of ${name} left (${l.bytes} bytes, ${l.modified.toISOString()}); remove it with: tsnwb clean ${nodePath.dirname(l.path)}`);
        }
        if (opts.json) {
          const outcome = await worker.run("info", { file });
          if (outcome.ok) console.log(JSON.stringify({ ...outcome.value, leftovers: leftovers.map((l) => ({ ...l, modified: l.modified.toISOString() })) }));
          else reportFailure(outcome.error);
        } else {
          const outcome = await worker.run("summary", { file });
          if (!outcome.ok) reportFailure(outcome.error);
          else {
            if (files.length > 1) console.log(`${file}:`);
            for (const l of outcome.value) console.log(l);
          }
        }
      }
    } finally {
      await worker.close();
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
  .argument("<file>", "an NWB file (HDF5, or an NWB Zarr store folder), or its URL")
  .option("--port <n>", "the port to listen on (default: any free port)")
  .option("--no-open", "print the viewer's address without opening a browser")
  .action(async (file: string, opts: { port?: string; open?: boolean }) => {
    const { serveViewer } = await import("../viewer/server.js");
    const port = opts.port === undefined ? 0 : /^\d+$/.test(opts.port) ? Number(opts.port) : Number.NaN;
    if (!(port >= 0 && port <= 65535)) throw new ValidationError("command", "--port", "a port number from 0 to 65535", opts.port);
    // A file (or Zarr store) on disk is read once here, bounded, for the external files its series name (the page reads the rest).
    let externals: string[] | undefined;
    if (!/^https?:\/\//i.test(file) && existsSync(file)) {
      if (statSync(file).isDirectory() && !existsSync(nodePath.join(file, ".zgroup"))) {
        throw new ValidationError("tsnwb view", "file", "an NWB file, an NWB Zarr store (a folder with a .zgroup), or a URL", file);
      }
      externals = await runOnce("externals", { file });
    }
    const server = await serveViewer(file, port, externals);
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
addCodegenCommand(program);

async function printFile(path: string): Promise<void> {
  const [{ NWBHDF5IO }, { summarize }] = await Promise.all([import("../index.js"), import("./summary.js")]);
  const io = await NWBHDF5IO.open(path, "r");
  try {
    const nwbfile = await io.read();
    for (const l of summarize(nwbfile)) console.log(l);
  } finally {
    await io.close();
  }
}

// Output closed early (`tsnwb info FILE | head -1`): the reader wants no more, so the command ends, quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => process.exit(e.code === "EPIPE" ? Number(process.exitCode ?? 0) : 1));
}

program.parseAsync().then(() => {
  if (program.args[0] !== "inspect") return;
  // \`inspect\` ends once its report is written out, not after its reading threads have been torn down.
  process.stdout.write("", () => process.stderr.write("", () => process.exit()));
}, (e: unknown) => {
  // One line: tsnwb's errors say what failed; anything else is named by its class (TSNWB_DEBUG=1 shows the stack).
  const text = isTsnwbError(e) ? e.message : e instanceof Error ? (process.env.TSNWB_DEBUG ? String(e.stack) : `${e.name}: ${e.message}`) : String(e);
  console.error(`tsnwb: ${text}`);
  // A file that cannot be read is a 2; a stream that failed because of one (an image that does not decode) too.
  const cause = isTsnwbError(e, "StreamError") ? (e.cause as unknown) : e;
  process.exit(isTsnwbError(cause, "FormatError") ? 2 : 1);
});
