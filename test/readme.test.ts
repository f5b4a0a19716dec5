/**
 * The README's example runs as written (with "tsnwb" pointing at the sources), and prints what it says.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, expect, it, vi } from "vitest";
import { ROOT, tempFolder, validate } from "./helpers.js";

const tmp = tempFolder();
afterAll(() => tmp.cleanup());

function readmeExample(): string {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  return readme.slice(readme.indexOf("## Example")).match(/```ts\n([\s\S]*?)```/)![1]!;
}

it("the README example type-checks under strict TypeScript", () => {
  const script = path.join(tmp.dir, "typed-example.mts");
  writeFileSync(script, readmeExample().replace(/from "tsnwb"/g, `from ${JSON.stringify(path.join(ROOT, "src", "index.js"))}`));
  const tsc = path.join(ROOT, "node_modules", ".bin", "tsc");
  const args = ["--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022",
    "--skipLibCheck", "--typeRoots", path.join(ROOT, "node_modules", "@types"), "--types", "node", script];
  const r = spawnSync(tsc, args, { cwd: tmp.dir, encoding: "utf8" });
  expect(`${r.stdout}${r.stderr}`).toBe("");
  expect(r.status).toBe(0);
});

it("the README example runs and prints what its comments say", async () => {
  const script = path.join(tmp.dir, "example.ts");
  writeFileSync(script, readmeExample().replace(/from "tsnwb"/g, `from ${JSON.stringify(path.join(ROOT, "src", "index.ts"))}`));
  const printed: unknown[][] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void printed.push(args));
  const cwd = process.cwd();
  process.chdir(tmp.dir);
  try {
    await import(script);
  } finally {
    process.chdir(cwd);
    log.mockRestore();
  }
  expect(printed).toEqual([[true], [[200, 50, 50, 3], 7500]]);
  expect(validate(path.join(tmp.dir, "images.nwb")).code).toBe(0);
});
