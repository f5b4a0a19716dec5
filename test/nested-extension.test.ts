/**
 * Extensions whose types are defined inside another type ("Files in the wild"): pynwb's extension tutorial defines
 * `Potato` among the groups of `PotatoSack` (a neurodata_type_def nested in another type's spec, not at the top of
 * the schema file; test/py/write_potato.py). Such types are registered, from the spec a file caches and from a
 * namespace the user loads, so their objects are read as their own classes with their fields (not as
 * GenericContainers), are valid, and export exactly.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AbstractContainer, GenericContainer, NWBFile, NWBHDF5IO, ProcessingModule, getClass, loadNamespaces, validate } from "../src/index.js";
import { ORACLE, ROOT, TSNWB, h5py, tempFolder } from "./helpers.js";

const tmp = tempFolder();
afterAll(() => tmp.cleanup());

const NS = "test_multicontainerinterface";
const SPEC_DIR = path.join(tmp.dir, "spec");
const PYNWB_FILE = path.join(tmp.dir, "potatoes.nwb");

type Sack = AbstractContainer & { potatos: Map<string, AbstractContainer & { weight: number; age?: number }> };

beforeAll(() => {
  execFileSync(ORACLE, ["python", path.join(ROOT, "test", "py", "write_potato.py"), PYNWB_FILE, SPEC_DIR]);
}, 120_000);

describe("a type defined inside another (pynwb's PotatoSack and Potato)", () => {
  it("is registered from the spec the file caches: tsnwb info and validate see Potatoes, not generic objects", () => {
    // A fresh process, which knows the extension only from the file.
    const info = spawnSync(process.execPath, [TSNWB, "info", PYNWB_FILE], { encoding: "utf8" });
    expect(info.status, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/potato_sack \(PotatoSack\)\n\s+potato1 \(Potato\)\n\s+potato2 \(Potato\)\n/);
    expect(info.stdout).not.toMatch(/generic/);
    const own = spawnSync(process.execPath, [TSNWB, "validate", PYNWB_FILE], { encoding: "utf8" });
    expect([own.status, own.stdout.trim()]).toEqual([0, `${PYNWB_FILE}: valid`]);
  });

  it("is registered from a namespace the user loads: its class makes objects pynwb reads", async () => {
    await loadNamespaces(path.join(SPEC_DIR, `${NS}.namespace.yaml`));
    const Potato = getClass("Potato", NS);
    const PotatoSack = getClass("PotatoSack", NS);
    const sack = new PotatoSack({ potatos: [new Potato({ name: "russet", weight: 210.5, age: 12 }), new Potato({ name: "king_edward", weight: 180 })] } as never) as Sack;
    expect(sack.name).toBe("potato_sack");
    expect([...sack.potatos.keys()]).toEqual(["russet", "king_edward"]);
    expect(() => new Potato({ name: "light", age: 1 } as never)).toThrow(/weight/);

    const nwbfile = new NWBFile({ session_description: "potatoes", identifier: "potatoes-tsnwb", session_start_time: "2024-05-06T07:08:09+02:00" });
    nwbfile.addProcessingModule(new ProcessingModule({ name: "module_name", description: "desc", data_interfaces: [sack] } as never));
    const file = path.join(tmp.dir, "tsnwb-potatoes.nwb");
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();
    expect(JSON.parse(h5py(file, `g = f["processing/module_name/potato_sack"]
print(json.dumps([g.attrs["neurodata_type"], sorted(g), g["russet"].attrs["neurodata_type"], float(g["russet"].attrs["weight"]), float(g["russet"].attrs["age"]), "age" in g["king_edward"].attrs]))`))).toEqual(
      ["PotatoSack", ["king_edward", "russet"], "Potato", 210.5, 12, false],
    );
    const pynwb = spawnSync(ORACLE, ["validate", file], { encoding: "utf8" });
    expect(pynwb.status, pynwb.stdout + pynwb.stderr).toBe(0);
  });

  it("reads pynwb's file as those classes, with their fields", async () => {
    const io = await NWBHDF5IO.open(PYNWB_FILE, "r");
    const nwbfile = await io.read();
    const sack = nwbfile.processing.get("module_name")!.data_interfaces.get("potato_sack") as Sack;
    expect(sack).toBeInstanceOf(getClass("PotatoSack", NS));
    expect(sack).not.toBeInstanceOf(GenericContainer);
    const potatoes = [...sack.potatos.values()];
    expect(potatoes.every((p) => p instanceof getClass("Potato", NS) && !(p instanceof GenericContainer))).toBe(true);
    expect(potatoes.map((p) => [p.name, p.weight, p.age, p.parent === sack])).toEqual([["potato1", 3, 2.3, true], ["potato2", 1.25, 4.5, true]]);
    expect(await validate(nwbfile)).toEqual([]);
    await io.close();
  });

  it("exports exactly: the same objects and values, and the extension's spec cached byte for byte", async () => {
    const exported = path.join(tmp.dir, "potatoes-export.nwb");
    const r = spawnSync(process.execPath, [TSNWB, "export", PYNWB_FILE, exported], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const diff = execFileSync("/usr/bin/python3", [path.join(ROOT, "test", "py", "compare_files.py"), PYNWB_FILE, exported], { encoding: "utf8" });
    expect(JSON.parse(diff)).toEqual([]);
    const spec = (file: string) => h5py(file, `g = f["specifications/${NS}/0.1.0"]
print(json.dumps({k: g[k][()].decode() for k in g}))`);
    expect(spec(exported)).toBe(spec(PYNWB_FILE));
    const read = spawnSync(ORACLE, ["read", exported], { encoding: "utf8" });
    expect(read.status, read.stdout + read.stderr).toBe(0);
    const valid = spawnSync(ORACLE, ["validate", exported], { encoding: "utf8" });
    expect(valid.status, valid.stdout + valid.stderr).toBe(0);
    expect(valid.stdout).toMatch(/no errors found/);
  });
});
