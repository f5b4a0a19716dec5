/**
 * The README's example runs as written (with "tsnwb" pointing at the sources), and prints what it says.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, expect, it, vi } from "vitest";
import { ROOT, tempFolder, validate } from "./helpers.js";

const tmp = tempFolder();
afterAll(() => tmp.cleanup());

it("the README example runs and prints what its comments say", async () => {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const example = readme.slice(readme.indexOf("## Example")).match(/```ts\n([\s\S]*?)```/)![1]!;
  const script = path.join(tmp.dir, "example.ts");
  writeFileSync(script, example.replace(/from "tsnwb"/g, `from ${JSON.stringify(path.join(ROOT, "src", "index.ts"))}`));
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
