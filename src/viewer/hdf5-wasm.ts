/**
 * HDF5's WebAssembly for the reading worker, compiled from a file of its own (`reader-<hash>.wasm`, which `bundle.ts`
 * writes beside the worker's code and the server gives) by `WebAssembly.compileStreaming`: compiled as its bytes
 * arrive, off the worker's thread, from the worker's first moment on, while the page asks for a file and the file's
 * metadata is fetched. h5wasm's own script holds the module as a 3.5 MB string that its chunk would parse, decode and
 * compile on the worker's thread, holding up the rounds of metadata requests that thread makes meanwhile.
 *
 * The worker calls {@link startCompilingHDF5} first thing; the h5wasm of the
 * worker's bundle takes the compiled module from {@link HDF5_WASM_KEY} (bundle.ts's shim), the hand-over between the
 * worker's entry and the chunk h5wasm is in (an import both made would put this module in a third file of its own,
 * one more request before the worker starts).
 */

/** The name of the module's file beside the worker's code, set by `bundle.ts` (absent in tsc's output, unbundled). */
declare const TSNWB_HDF5_WASM: string | undefined;

/** Where the worker keeps the compilation under way, for the bundle's h5wasm (the same key is in `bundle.ts`). */
export const HDF5_WASM_KEY = Symbol.for("tsnwb.viewer.hdf5-wasm");

/**
 * Fetches and compiles the module at `url`: streaming, or, when the server does not say `application/wasm` (which
 * streaming compilation requires), from the bytes once all have come.
 */
export async function compileHDF5(url: URL): Promise<WebAssembly.Module> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HDF5's WebAssembly (${url.href}) could not be loaded: HTTP ${response.status}`);
  if ((response.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase() === "application/wasm") return WebAssembly.compileStreaming(response);
  return WebAssembly.compile(await response.arrayBuffer());
}

/**
 * The name a page gives the worker (`new Worker(url, { name })`) when the page compiles HDF5's module itself and
 * posts it (`{ [HDF5_MODULE_MESSAGE]: module }`, or `{ [HDF5_MODULE_MESSAGE]: null }` when it could not): `index.html`
 * starts compiling it from its first script, a few hundred milliseconds before the worker's code has loaded and could.
 */
export const PAGE_COMPILES_HDF5 = "tsnwb-reader:page-compiles-hdf5";
/** The key of the message that brings the page's compiled module. */
export const HDF5_MODULE_MESSAGE = "tsnwbHDF5Module";

/** Whether a message the worker got is the page's module (or its word that it has none), not a call. */
export function isHDF5ModuleMessage(data: unknown): boolean {
  return typeof data === "object" && data !== null && HDF5_MODULE_MESSAGE in data;
}

/**
 * Starts fetching and compiling the module beside the worker's code, once, for the bundle's h5wasm to take (nothing
 * in tsc's output, unbundled: its h5wasm has the module in its script); or, when the page said it compiles it
 * ({@link PAGE_COMPILES_HDF5}), waits for the page's, compiling it here only if the page could not.
 */
export function startCompilingHDF5(): void {
  const global = globalThis as Record<symbol, unknown>;
  if (typeof TSNWB_HDF5_WASM !== "string" || global[HDF5_WASM_KEY] !== undefined) return;
  const url = new URL(TSNWB_HDF5_WASM, import.meta.url);
  const scope = globalThis as unknown as { name?: string; addEventListener(type: "message", listener: (e: MessageEvent) => void): void; removeEventListener(type: "message", listener: (e: MessageEvent) => void): void };
  const compiling = scope.name !== PAGE_COMPILES_HDF5 ? compileHDF5(url) : new Promise<WebAssembly.Module>((resolve, reject) => {
    const listener = (e: MessageEvent) => {
      if (!isHDF5ModuleMessage(e.data)) return;
      scope.removeEventListener("message", listener);
      const module = (e.data as Record<string, unknown>)[HDF5_MODULE_MESSAGE];
      if (module instanceof WebAssembly.Module) resolve(module);
      else compileHDF5(url).then(resolve, reject);
    };
    scope.addEventListener("message", listener);
  });
  // A failure is told where the module is needed (opening a file), not as an unhandled rejection now.
  compiling.catch(() => undefined);
  global[HDF5_WASM_KEY] = compiling;
}
