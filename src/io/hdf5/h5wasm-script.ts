/**
 * Build time only (the CLI's and the viewer's bundlers): h5wasm's script (`hdf5_util.js`, its Node or its browser
 * build) holds HDF5's WebAssembly module as a string it decodes at each start. Split here into the module (written
 * as a `.wasm` file, compiled by the bundles as a module, streamed in browsers) and the script without it.
 */
import { readFileSync } from "node:fs";

/** Where h5wasm's builds keep the module: one function giving it, decoded from a string. */
const WASM_IN_SCRIPT = /function findWasmBinary\(\)\{return binaryDecode\('((?:[^'\\]|\\[^])*)'\)\}/g;

/** h5wasm's script at `script` split: the module it holds, and the script without it (its start must be given the module). */
export function splitH5wasmScript(script: string): { module: Uint8Array; withoutModule: string } {
  const text = readFileSync(script, "utf8");
  const found = [...text.matchAll(WASM_IN_SCRIPT)];
  // Another h5wasm than this was written for: no bundle rather than one that decodes what it should not.
  if (found.length !== 1) throw new Error(`h5wasm's ${script} does not hold its WebAssembly module as tsnwb's bundles expect (${found.length} matches)`);
  const literal = found[0]!;
  // The string literal as JavaScript reads it (escapes and all), then h5wasm's own decoding of it.
  const chars = (0, eval)(`'${literal[1]}'`) as string;
  const module = new Uint8Array(chars.length);
  for (let i = 0; i < chars.length; i++) {
    const c = chars.charCodeAt(i);
    module[i] = ~c >> 8 & c;
  }
  if (!WebAssembly.validate(module)) throw new Error(`h5wasm's ${script}: the module decoded from it is not WebAssembly`);
  const withoutModule = text.slice(0, literal.index) + "function findWasmBinary(){throw new Error(\"tsnwb: HDF5's module is given to h5wasm compiled\")}" + text.slice(literal.index + literal[0].length);
  return { module, withoutModule };
}
