/**
 * The README's examples run as written (with "tsnwb" pointing at the sources), type-check under strict TypeScript,
 * and print what their comments say. (The guides' examples, in docs/, run in test/docs.test.ts.)
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, expect, it, vi } from "vitest";
import { ROOT, tempFolder, validate } from "./helpers.js";

const tmp = tempFolder();
afterAll(() => tmp.cleanup());

/** The README's ```ts blocks marked `<!-- tested -->`. */
function readmeExamples(): string[] {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  return [...readme.matchAll(/<!-- tested -->\n```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

const EXAMPLES: { name: string; prints: unknown[][]; files: string[] }[] = [
  { name: "images", prints: [[true], [[200, 50, 50, 3], 7500]], files: ["images.nwb"] },
];

it("the README has the examples this test runs", () => {
  expect(readmeExamples().length).toBe(EXAMPLES.length);
});

EXAMPLES.forEach((example, i) => {
  it(`the README example "${example.name}" type-checks under strict TypeScript`, () => {
    const script = path.join(tmp.dir, `typed-example-${i}.mts`);
    writeFileSync(script, readmeExamples()[i]!.replace(/from "tsnwb"/g, `from ${JSON.stringify(path.join(ROOT, "src", "index.js"))}`));
    const tsc = path.join(ROOT, "node_modules", ".bin", "tsc");
    const args = ["--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022",
      "--skipLibCheck", "--typeRoots", path.join(ROOT, "node_modules", "@types"), "--types", "node", script];
    const r = spawnSync(tsc, args, { cwd: tmp.dir, encoding: "utf8" });
    expect(`${r.stdout}${r.stderr}`).toBe("");
    expect(r.status).toBe(0);
  });

  it(`the README example "${example.name}" runs, prints what its comments say, and writes valid files`, async () => {
    const script = path.join(tmp.dir, `example-${i}.ts`);
    writeFileSync(script, readmeExamples()[i]!.replace(/from "tsnwb"/g, `from ${JSON.stringify(path.join(ROOT, "src", "index.ts"))}`));
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
    expect(printed).toEqual(example.prints);
    for (const file of example.files) {
      expect(validate(path.join(tmp.dir, file)).code).toBe(0);
      expect(validate(path.join(tmp.dir, file), true).code).toBe(0);
    }
  });
});
