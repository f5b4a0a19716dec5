/**
 * The guides in docs/ run as written, in a fresh folder each (holding a copy of docs/data and test/data):
 * - a guide's ```ts blocks, joined in their order, are one program ("tsnwb" pointing at the sources) that
 *   type-checks under strict TypeScript and prints, line by line, what its `// → ` comments say;
 * - its ```python blocks then run in pynwb (`../shared/tools/oracle python`) and print what their `# → ` comments say;
 * - its ```sh blocks run in bash with `tsnwb` being this checkout's CLI; a ```text block right after one is what it
 *   prints (a line `...` stands for any lines).
 * Every NWB file they write is judged by pynwb (test/oracle): read through its constructors, validated, inspected.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { format } from "node:util";
import { afterAll, describe, expect, it, vi } from "vitest";
import { ORACLE, ROOT, TSNWB, tempFolder } from "./helpers.js";

const DOCS = path.join(ROOT, "docs");
const tmp = tempFolder("tsnwb-docs-");
afterAll(() => tmp.cleanup());

interface Block { lang: string; code: string; output?: string }

/** A guide's fenced blocks in order; a ```text block right after a ```sh block is that block's output. */
export function blocksOf(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const m of markdown.matchAll(/^```(\w*)[^\n]*\n([\s\S]*?)^```[ \t]*$/gm)) {
    const lang = m[1]!;
    const previous = blocks[blocks.length - 1];
    const between = previous ? markdown.slice((previous as Block & { end: number }).end, m.index) : "";
    const block = Object.assign({ lang, code: m[2]! }, { end: m.index! + m[0].length });
    if (lang === "text" && previous?.lang === "sh" && previous.output === undefined && between.trim() === "") previous.output = block.code;
    else blocks.push(block);
  }
  return blocks;
}

/** What the `→` comments of `code` say it prints, in order (`comment` is the language's line comment). */
function expectedPrints(code: string, comment: string): string[] {
  const arrow = new RegExp(`${comment.replace(/[/#]/g, "\\$&")} → (.*)$`);
  return code.split("\n").flatMap((line) => {
    const m = arrow.exec(line);
    return m ? [m[1]!.trimEnd()] : [];
  });
}

/** Whether `actual` matches `expected` line by line, where an expected `...` matches any run of lines. */
function matchesOutput(actual: string[], expected: string[]): boolean {
  if (expected.length === 0) return actual.length === 0;
  const [head, ...rest] = expected;
  if (head === "...") return actual.some((_, i) => matchesOutput(actual.slice(i), rest)) || matchesOutput([], rest);
  return actual.length > 0 && actual[0] === head && matchesOutput(actual.slice(1), rest);
}

const lines = (text: string): string[] => text.split("\n").map((l) => l.trimEnd()).filter((l, i, all) => l !== "" || i < all.length - 1);
const withSources = (code: string, ext: string): string =>
  code.replace(/from "tsnwb(\/browser)?"/g, (_, browser: string | undefined) =>
    `from ${JSON.stringify(path.join(ROOT, "src", `${browser ? "browser" : "index"}.${ext}`))}`);

/** The guides (docs/README.md is their index, with nothing to run). */
const guides = existsSync(DOCS) ? readdirSync(DOCS).filter((f) => f.endsWith(".md") && f !== "README.md").sort() : [];

it("docs/ has guides, and each has something to run", () => {
  expect(guides.length).toBeGreaterThan(0);
  for (const guide of guides) expect(blocksOf(readFileSync(path.join(DOCS, guide), "utf8")).filter((b) => ["ts", "python", "sh"].includes(b.lang)).length, guide).toBeGreaterThan(0);
});

for (const guide of guides) {
  describe(`docs/${guide}`, () => {
    const blocks = blocksOf(readFileSync(path.join(DOCS, guide), "utf8"));
    const program = blocks.filter((b) => b.lang === "ts").map((b) => b.code).join("\n");
    const dir = path.join(tmp.dir, path.basename(guide, ".md"));
    mkdirSync(path.join(dir, ".bin"), { recursive: true });
    for (const data of [path.join(DOCS, "data"), path.join(ROOT, "test", "data")]) {
      if (existsSync(data)) cpSync(data, path.join(dir, path.relative(ROOT, data).replace(/^docs\//, "")), { recursive: true });
    }
    writeFileSync(path.join(dir, ".bin", "tsnwb"), `#!/bin/sh\nexec node ${JSON.stringify(TSNWB)} "$@"\n`);
    chmodSync(path.join(dir, ".bin", "tsnwb"), 0o755);

    if (program) {
      it("type-checks under strict TypeScript", () => {
        const script = path.join(dir, "typed-guide.mts");
        writeFileSync(script, withSources(program, "js"));
        const tsc = path.join(ROOT, "node_modules", ".bin", "tsc");
        const args = ["--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022",
          "--lib", "es2023,dom", "--skipLibCheck", "--typeRoots", path.join(ROOT, "node_modules", "@types"), "--types", "node", script];
        const r = spawnSync(tsc, args, { cwd: dir, encoding: "utf8" });
        expect(`${r.stdout}${r.stderr}`).toBe("");
        expect(r.status).toBe(0);
      });

      it("runs and prints what its comments say", async () => {
        const script = path.join(dir, "guide.ts");
        writeFileSync(script, withSources(program, "ts"));
        const printed: string[] = [];
        const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void printed.push(...format(...args).split("\n")));
        const cwd = process.cwd();
        process.chdir(dir);
        try {
          await import(script);
        } finally {
          process.chdir(cwd);
          log.mockRestore();
        }
        expect(printed).toEqual(expectedPrints(program, "//"));
      }, 300_000);
    }

    blocks.forEach((block, i) => {
      if (block.lang === "python") {
        it(`python block ${i + 1} runs in pynwb and prints what its comments say`, () => {
          const script = path.join(dir, `block-${i + 1}.py`);
          writeFileSync(script, block.code);
          const r = spawnSync(ORACLE, ["python", script], { cwd: dir, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
          expect(r.status, r.stderr).toBe(0);
          expect(lines(r.stdout)).toEqual(expectedPrints(block.code, "#"));
        });
      } else if (block.lang === "sh") {
        it(`sh block ${i + 1} runs${block.output !== undefined ? " and prints what the guide shows" : ""}`, () => {
          const r = spawnSync("bash", ["-e", "-o", "pipefail", "-c", block.code], {
            cwd: dir, encoding: "utf8", env: { ...process.env, PATH: `${path.join(dir, ".bin")}:${process.env.PATH}`, COLUMNS: "100" },
          });
          expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
          if (block.output !== undefined) {
            const actual = lines(`${r.stdout}${r.stderr}`);
            const expected = lines(block.output);
            expect(matchesOutput(actual, expected), `printed:\n${actual.join("\n")}`).toBe(true);
          }
        }, 300_000);
      }
    });
  });
}
