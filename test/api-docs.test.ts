/**
 * The API reference: `npm run docs:api` (typedoc, `typedoc.json`) makes HTML of the public entry points
 * (src/index.ts, src/browser.ts) from their doc comments, and fails on any warning: an exported symbol without
 * documentation, a broken `{@link}`. This test runs it, so `npm test` (CI) fails when an export loses its comment.
 *
 * typedoc needs TypeScript's JavaScript compiler API, which TypeScript 7's package does not have: it is installed
 * with TypeScript 6 in its own npm workspace (docs/typedoc/, whose packages stay in docs/typedoc/node_modules), and
 * the build keeps TypeScript 7. Both are checked here.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, tempFolder } from "./helpers.js";

const tmp = tempFolder("tsnwb-api-docs-");
/** A run takes about 10 s of CPU; on a machine shared with other jobs the clock time can be several times that. */
const RUN_TIMEOUT = 180_000;
afterAll(() => tmp.cleanup());

/** `npm run docs:api` with extra typedoc arguments: its exit status and its output, colours removed. */
function docsApi(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync("npm", ["run", "--silent", "docs:api", "--", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { status: run.status, output: `${run.stdout}${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, "") };
}

describe("API reference (typedoc)", () => {
  it("is generated from the doc comments of both entry points without a single warning", () => {
    const out = path.join(tmp.dir, "api");
    const { status, output } = docsApi("--out", out);
    const problems = output.split("\n").filter((l) => /\[(warning|error)\]/.test(l));
    expect(problems, output).toEqual([]);
    expect(status, output).toBe(0);
    // One module per entry point; the classes users start from have their pages.
    expect(existsSync(path.join(out, "modules", "index.html"))).toBe(true);
    expect(existsSync(path.join(out, "modules", "browser.html"))).toBe(true);
    for (const page of ["NWBFile", "ImageSeries", "DynamicTable", "NWBHDF5IO"]) {
      expect(existsSync(path.join(out, "classes", `index.${page}.html`)), page).toBe(true);
    }
    // A generated class carries the schema's description (tsnwb's line for it, codegen/docs/).
    expect(readFileSync(path.join(out, "classes", "index.Device.html"), "utf8")).toContain("Hardware used to acquire data");
  }, RUN_TIMEOUT);

  it("fails on an exported symbol without documentation", () => {
    const dir = path.join(tmp.dir, "undocumented");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "entry.ts"), "/** Documented. */\nexport const documented = 1;\nexport const undocumented = 2;\n");
    writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, module: "NodeNext", target: "ES2022", types: [] }, files: ["entry.ts"] }));
    // The project's options (validation, warnings as errors), on this entry point instead.
    writeFileSync(path.join(dir, "typedoc.json"), JSON.stringify({
      extends: [path.join(ROOT, "docs", "typedoc", "typedoc.json")], entryPoints: ["entry.ts"], tsconfig: "tsconfig.json", out: "api",
    }));
    const { status, output } = docsApi("--options", path.join(dir, "typedoc.json"));
    expect(status, output).not.toBe(0);
    expect(output).toMatch(/undocumented \(Variable\).*does not have any documentation/);
    expect(output).not.toMatch(/\bdocumented \(Variable\).*does not have/);
  }, RUN_TIMEOUT);

  it("runs on TypeScript 6's compiler API while the project builds with TypeScript 7", () => {
    // The TypeScript typedoc imports, resolved from typedoc itself as Node resolves its `import ts from "typescript"`.
    const typedoc = createRequire(path.join(ROOT, "docs", "typedoc", "package.json")).resolve("typedoc/package.json");
    const typescript = JSON.parse(readFileSync(createRequire(typedoc).resolve("typescript/package.json"), "utf8")) as { version: string };
    expect(typescript.version).toMatch(/^6\.0\./);
    const tsc = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsc"), ["--version"], { encoding: "utf8" });
    expect(tsc.stdout).toMatch(/Version 7\./);
  }, RUN_TIMEOUT);
});
