/**
 * Where a command's objects go: a new NWB file made from the session options, or an existing file (`--into`)
 * opened to append. Either way nothing is at the output path until everything is written.
 */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import type { IOOptions, NWBFile } from "../index.js";
import { ValidationError } from "../errors.js";
import { runOnce } from "./file-worker.js";

export interface SessionOptions {
  output?: string;
  into?: string;
  sessionDescription?: string;
  identifier?: string;
  sessionStartTime?: string;
  experimenter?: string[];
  lab?: string;
  institution?: string;
}

/** Adds the session options to a command. */
export function sessionOptions(command: Command): Command {
  return command
    .option("-o, --output <file>", "the NWB file to write")
    .option("--into <file>", "add to this existing NWB file instead of writing a new one")
    .option("--session-description <text>", "what the session was", "images and videos stored by tsnwb")
    .option("--identifier <id>", "the file's unique identifier (default: a new UUID)")
    .option("--session-start-time <iso>", "ISO 8601 with a UTC offset (default: now, with this machine's offset)")
    .option("--experimenter <name...>", "who did the experiment")
    .option("--lab <name>", "the lab")
    .option("--institution <name>", "the institution");
}

/** Now, as ISO 8601 with this machine's UTC offset. */
export function localNow(): string {
  const now = new Date();
  const offset = -now.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const pad = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  const local = new Date(now.getTime() + offset * 60_000).toISOString().replace(/Z$/, "");
  return `${local}${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

/** Opens the target, lets `add` put objects into its NWBFile, writes and closes it. */
export async function writeSession(opts: SessionOptions, add: (nwbfile: NWBFile) => void | Promise<void>, io: IOOptions = {}): Promise<string> {
  if ((opts.output === undefined) === (opts.into === undefined)) {
    throw new ValidationError("command", "output", "either -o/--output FILE (a new file) or --into FILE (an existing one)");
  }
  if (opts.output !== undefined && existsSync(opts.output)) {
    throw new ValidationError("command", "output", "a path that holds no file yet (use --into to add to a file)", opts.output);
  }
  const path = (opts.output ?? opts.into)!;
  // A file to add to is read in the bounded worker first: one HDF5 would loop on is refused, not hung on.
  if (opts.into !== undefined) await runOnce("readable", { file: opts.into });
  const { NWBFile, NWBHDF5IO } = await import("../index.js");
  const file = await NWBHDF5IO.open(path, opts.into !== undefined ? "a" : "w", io);
  try {
    const nwbfile = opts.into !== undefined ? await file.read() : new NWBFile({
      session_description: opts.sessionDescription ?? "images and videos stored by tsnwb",
      identifier: opts.identifier ?? globalThis.crypto.randomUUID(),
      session_start_time: opts.sessionStartTime ?? localNow(),
      ...(opts.experimenter ? { experimenter: opts.experimenter } : {}),
      ...(opts.lab ? { lab: opts.lab } : {}),
      ...(opts.institution ? { institution: opts.institution } : {}),
    });
    await add(nwbfile);
    await file.write(nwbfile);
    await file.close();
  } catch (e) {
    await file.abort();
    throw e;
  }
  return path;
}
