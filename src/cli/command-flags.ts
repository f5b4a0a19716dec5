/**
 * The V8 flags a command runs with, set by `main.ts` before the command line's code is compiled: V8 refuses a code
 * cache (`code-cache.ts`) made under other flags, so the flags must be those of the build's run that made it, from
 * the first script on. Gives the flavour of the cache that fits them.
 */
import { setFlagsFromString } from "node:v8";

/**
 * Sets the flags of `command` (the command line's first argument) and gives their name: `inspect`'s own, or
 * `default` (V8's, unchanged).
 */
export function setCommandFlags(command: string | undefined): string {
  if (command !== "inspect") return "default";
  // `inspect` reads layouts and attributes, and few values: V8's optimizing compiler would spend more time (a fifth
  // of a second of CPU, on background threads) on HDF5's WebAssembly than it saves on such a command. Its baseline
  // compiler serves. Set before the worker compiles HDF5's module (the flags are the process's).
  // Nor is every function of HDF5's module validated before the module compiles (a tenth of its 3.5 MB serves
  // `inspect`): each is validated as it is first compiled, lazily (V8 compiles lazily already). The module was
  // validated whole when the build wrote it (`bundle.ts`).
  // Its JavaScript, alike: TurboFan's optimizing compiles (on background threads) cost more CPU than they save in a
  // command of a second or so (50 small files: 0.94 -> 0.71 s of CPU, and less time), the baseline tiers serve.
  // And the young generation of the worker's heap starts at 16 MB a half, not 1 MB: reading a file's layout makes
  // many short-lived objects, which filled the small one about every millisecond (a tenth of the worker's time went
  // to scavenges: the 4 GB file's inspect, 0.31 -> 0.29 s of CPU). Read as a heap is made (the worker's).
  setFlagsFromString("--liftoff-only");
  setFlagsFromString("--wasm-lazy-validation");
  setFlagsFromString("--no-opt");
  setFlagsFromString("--min-semi-space-size=16");
  return "inspect";
}
