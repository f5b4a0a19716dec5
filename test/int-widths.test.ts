/**
 * Integer widths ("Files in the wild"): attributes and datasets keep the dtype they are stored as when read (a uint64
 * is not an int64), 64-bit values beyond 2^53 are kept exactly (as bigints), an export writes every number at its
 * source's width, and the validator judges the widths stored, as pynwb's does: pynwb's icephys series store
 * `sweep_number` as numpy's uint64 where the schema says uint32, which is valid (a wider unsigned integer), and
 * `tsnwb validate` agrees with `oracle validate` on it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AbstractContainer, CurrentClampSeries, type LazyArray, NWBHDF5IO, VoltageClampSeries, VoltageClampStimulusSeries, validate } from "../src/index.js";
import { HDF5Reader } from "../src/io/hdf5/read.js";
import type { DatasetBuilder } from "../src/mapping/builders.js";
import { ORACLE, ROOT, TSNWB, tempFolder } from "./helpers.js";

const tmp = tempFolder();
afterAll(() => tmp.cleanup());

const ICEPHYS = path.join(tmp.dir, "icephys.nwb");
const WIDTHS = path.join(tmp.dir, "int-widths.nwb");
const INTEGERS = ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64"] as const;

/** Every numeric attribute and dataset of a file, with its dtype and exact value, as h5py reads them. */
function numericFacts(file: string): Record<string, [string, string]> {
  return JSON.parse(execFileSync("/usr/bin/python3", [path.join(ROOT, "test", "py", "numeric_facts.py"), file], { encoding: "utf8" })) as Record<string, [string, string]>;
}

async function exportWithLibrary(source: string, target: string): Promise<void> {
  const src = await NWBHDF5IO.open(source, "r");
  const out = await NWBHDF5IO.open(target, "w");
  await out.write(await src.read());
  await out.close();
  await src.close();
}

beforeAll(() => {
  execFileSync(ORACLE, ["python", path.join(ROOT, "test", "py", "write_icephys.py"), ICEPHYS]);
  execFileSync(ORACLE, ["python", path.join(ROOT, "test", "py", "write_int_widths.py"), WIDTHS, path.join(tmp.dir, "ndx-int-widths")]);
}, 120_000);

describe("pynwb's icephys file (sweep_number stored as uint64)", () => {
  it("reads sweep numbers exactly: numbers up to 2^53, a bigint beyond", async () => {
    const io = await NWBHDF5IO.open(ICEPHYS, "r");
    const nwbfile = await io.read();
    expect(nwbfile.getAcquisition("vcs", VoltageClampSeries).sweep_number).toBe(15);
    expect(nwbfile.getStimulus("vcss", VoltageClampStimulusSeries).sweep_number).toBe(15);
    expect(nwbfile.getAcquisition("ccs", CurrentClampSeries).sweep_number).toBe(2 ** 40 + 3);
    expect(nwbfile.getAcquisition("ccs_huge", CurrentClampSeries).sweep_number as unknown).toBe(2n ** 63n + 5n);
    await io.close();
  });

  it("is valid to tsnwb's validator as to pynwb's (no false dtype errors on sweep_number)", async () => {
    expect(await validate(ICEPHYS)).toEqual([]);
    const own = spawnSync(process.execPath, [TSNWB, "validate", ICEPHYS], { encoding: "utf8" });
    expect([own.status, own.stdout.trim()]).toEqual([0, `${ICEPHYS}: valid`]);
    const pynwb = spawnSync(ORACLE, ["validate", ICEPHYS], { encoding: "utf8" });
    expect(pynwb.status, pynwb.stdout + pynwb.stderr).toBe(0);
    expect(pynwb.stdout).toMatch(/no errors found/);
  });

  it("an export keeps every number at its width (uint64 sweep numbers), and stays valid", async () => {
    const exported = path.join(tmp.dir, "icephys-export.nwb");
    await exportWithLibrary(ICEPHYS, exported);
    const before = numericFacts(ICEPHYS);
    expect(before["acquisition/ccs_huge@sweep_number"]).toEqual(["<u8", "9223372036854775813"]);
    expect(before["stimulus/presentation/vcss@sweep_number"]).toEqual(["<u8", "15"]);
    expect(numericFacts(exported)).toEqual(before);
    expect(await validate(exported)).toEqual([]);
    const cli = path.join(tmp.dir, "icephys-cli-export.nwb");
    const r = spawnSync(process.execPath, [TSNWB, "export", ICEPHYS, cli], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(numericFacts(cli)).toEqual(before);
  });
});

describe("an extension's attributes and datasets of every integer width (pynwb wrote them)", () => {
  let io: NWBHDF5IO;
  let widths: AbstractContainer & Record<string, unknown>;
  beforeAll(async () => {
    io = await NWBHDF5IO.open(WIDTHS, "r");
    widths = (await io.read()).acquisition.get("widths") as AbstractContainer & Record<string, unknown>;
  });
  afterAll(async () => io.close());

  it("reads each width's smallest and largest values exactly, with its dtype", async () => {
    expect(widths.neurodata_type).toBe("IntWidths");
    const max = { int8: 127, uint8: 255, int16: 32767, uint16: 65535, int32: 2 ** 31 - 1, uint32: 2 ** 32 - 1, int64: 2n ** 63n - 1n, uint64: 2n ** 64n - 1n };
    const min = { int8: -128, uint8: 0, int16: -32768, uint16: 0, int32: -(2 ** 31), uint32: 0, int64: -(2n ** 63n), uint64: 0n };
    for (const t of INTEGERS) {
      expect(widths[`a_${t}`], t).toBe(max[t]);
      // A list is of one kind: bigints when a value is beyond 2^53.
      const one = t.endsWith("64") ? 1n : 1;
      expect(widths[`l_${t}`], t).toEqual([min[t], max[t], one]);
      const data = widths[`d_${t}`] as LazyArray;
      expect(data.dtype, t).toBe(t);
      const values = Array.from((await data.read()) as ArrayLike<number | bigint>);
      expect(values, t).toEqual([min[t], t.endsWith("64") ? 0n : 0, max[t]]);
    }
  });

  it("exports them at their widths, with their values, valid to tsnwb and pynwb", async () => {
    const exported = path.join(tmp.dir, "int-widths-export.nwb");
    await exportWithLibrary(WIDTHS, exported);
    expect(await validate(WIDTHS)).toEqual([]);
    const before = numericFacts(WIDTHS);
    for (const t of INTEGERS) expect(before[`acquisition/widths@a_${t}`]![0].slice(1)).toBe(t.startsWith("u") ? `u${Number(t.slice(4)) / 8}` : `i${Number(t.slice(3)) / 8}`);
    expect(numericFacts(exported)).toEqual(before);
    expect(await validate(exported)).toEqual([]);
    const pynwb = spawnSync(ORACLE, ["validate", exported], { encoding: "utf8" });
    expect(pynwb.status, pynwb.stdout + pynwb.stderr).toBe(0);
  });
});

describe("64-bit integers in compound rows and plain HDF5 attributes (h5py wrote them)", () => {
  it("reads them exactly, bigints beyond 2^53, and attributes with their width", async () => {
    const file = path.join(tmp.dir, "compound.h5");
    execFileSync("/usr/bin/python3", ["-c", `import h5py, numpy as np, sys
f = h5py.File(sys.argv[1], "w")
d = f.create_dataset("rows", data=np.array([(2**64 - 1, -2**63, 7), (5, 6, 2**32 - 1)], dtype=[("a", "<u8"), ("b", "<i8"), ("c", "<u4")]))
for t in ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64"]:
    d.attrs["s_" + t] = np.array(np.iinfo(t).max, dtype=t)
    d.attrs["l_" + t] = np.array([np.iinfo(t).min, np.iinfo(t).max], dtype=t)
f.close()`, file]);
    const io = await NWBHDF5IO.open(file, "r");
    try {
      const rows = new HDF5Reader(io._h5.m, io._h5.file, file).readTree().datasets.get("rows") as DatasetBuilder;
      expect(await (rows.value as LazyArray).read()).toEqual([{ a: 2n ** 64n - 1n, b: -(2n ** 63n), c: 7 }, { a: 5, b: 6, c: 2 ** 32 - 1 }]);
      for (const t of INTEGERS) {
        const scalar = rows.attributes.get(`s_${t}`)!.value as { dtype: string; data: ArrayLike<number | bigint> };
        const list = rows.attributes.get(`l_${t}`)!.value as { dtype: string; data: ArrayLike<number | bigint> };
        expect([scalar.dtype, list.dtype], t).toEqual([t, t]);
        const bits = BigInt(t.replace(/\D/g, ""));
        const max = t.startsWith("u") ? 2n ** bits - 1n : 2n ** (bits - 1n) - 1n;
        const min = t.startsWith("u") ? 0n : -(2n ** (bits - 1n));
        expect(Array.from(scalar.data, BigInt), t).toEqual([max]);
        expect(Array.from(list.data, BigInt), t).toEqual([min, max]);
      }
    } finally {
      await io.close();
    }
  });
});
