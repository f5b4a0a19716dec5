/**
 * The package as a user installs it: `npm pack` gives a tarball that installs into a fresh project (its
 * dependencies from npm), where `import ... from "tsnwb"` writes a file pynwb reads, the types resolve under strict
 * TypeScript, and the `tsnwb` command runs.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { ROOT, tempFolder } from "./helpers.js";

const tmp = tempFolder();
afterAll(() => tmp.cleanup());

it("npm pack's tarball installs in a new project: import, types and the tsnwb command work", () => {
  // dist/ is built before the tests (npm test); the pack must not rebuild it under the other test files.
  execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", tmp.dir], { cwd: ROOT, stdio: "ignore" });
  const tarball = readdirSync(tmp.dir).find((f) => f.endsWith(".tgz"))!;
  expect(tarball).toMatch(/^tsnwb-\d+\.\d+\.\d+\.tgz$/);
  const project = path.join(tmp.dir, "project");
  execFileSync("mkdir", ["-p", project]);
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "uses-tsnwb", version: "1.0.0", type: "module", private: true }));
  const install = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", path.join(tmp.dir, tarball)], { cwd: project, encoding: "utf8" });
  expect(install.status, install.stderr).toBe(0);

  const program = `import { NWBFile, NWBHDF5IO, ImageSeries } from "tsnwb";
const nwbfile = new NWBFile({ session_description: "installed", identifier: "installed", session_start_time: new Date("2026-01-01T00:00:00Z") });
nwbfile.addAcquisition(new ImageSeries({ name: "frames", data: { data: new Uint8Array(2 * 3 * 4).fill(7), shape: [2, 3, 4] }, unit: "n.a.", rate: 30 }));
const io = await NWBHDF5IO.open("installed.nwb", "w");
await io.write(nwbfile);
await io.close();
console.log(nwbfile.getAcquisition("frames", ImageSeries).data.shape.join("x"));
`;
  // Strict TypeScript finds tsnwb's types through the package's exports (a typed line added to the same program).
  const script = path.join(project, "write.ts");
  writeFileSync(script, `${program}const typed: ImageSeries = nwbfile.getAcquisition("frames", ImageSeries);\nconsole.log(typed.name);\n`);
  const tsc = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsc"), ["--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext",
    "--target", "es2022", "--skipLibCheck", "--typeRoots", path.join(ROOT, "node_modules", "@types"), "--types", "node", script], { cwd: project, encoding: "utf8" });
  expect(`${tsc.stdout}${tsc.stderr}`).toBe("");
  writeFileSync(path.join(project, "write.mjs"), program);
  expect(execFileSync(process.execPath, ["write.mjs"], { cwd: project, encoding: "utf8" }).trim()).toBe("2x3x4");
  const bin = spawnSync(path.join(project, "node_modules", ".bin", "tsnwb"), ["info", "installed.nwb"], { cwd: project, encoding: "utf8" });
  expect(bin.status, bin.stderr).toBe(0);
  expect(bin.stdout).toContain("frames (ImageSeries)");
}, 300_000);
