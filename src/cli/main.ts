#!/usr/bin/env node
/**
 * The `tsnwb` command: runs the command line (`cli.ts`) from its bundle (`bundle.ts`: a few files instead of some
 * hundred modules, a tenth of a second less per command) when the build made one after this file, else from its
 * modules (a build by tsc alone: the bundle, if any, is older than the code and is not used).
 */
import { statSync } from "node:fs";

const bundle = new URL("./tsnwb-cli.js", import.meta.url);

function bundleIsCurrent(): boolean {
  try {
    return statSync(bundle).mtimeMs >= statSync(new URL(import.meta.url)).mtimeMs;
  } catch {
    return false;
  }
}

await import(bundleIsCurrent() ? bundle.href : "./cli.js");
