#!/usr/bin/env node
/**
 * The `tsnwb` command: sets the V8 flags of the command (`command-flags.ts`), then runs the command line (`cli.ts`)
 * from its bundle (`bundle.ts`: a script for this thread and one for the reading worker's, compiled with V8's code
 * caches, `code-cache.ts`: a tenth of a second less per command than some hundred modules) when the build made one
 * after this file, else from its modules (a build by tsc alone: the bundle, if any, is older than the code and is
 * not used).
 */
import { statSync } from "node:fs";
import { setCommandFlags } from "./command-flags.js";
import { runCached, scriptPath, setCacheFlavour } from "./code-cache.js";

setCacheFlavour(setCommandFlags(process.argv[2]));

function bundleIsCurrent(): boolean {
  try {
    return statSync(scriptPath("tsnwb-cli")).mtimeMs >= statSync(new URL(import.meta.url)).mtimeMs;
  } catch {
    return false;
  }
}

if (bundleIsCurrent()) runCached("tsnwb-cli");
else await import("./cli.js");
