/**
 * Booleans written as h5py writes them (an HDF5 enum over int8, FALSE = 0, TRUE = 1), though h5wasm cannot
 * create enum types: the stand-in dataset's datatype message is rewritten once the file is closed. Checked on
 * both object header versions (h5py's version 1, h5wasm's version 2 with its checksum), through the Node and the
 * in-memory (browser) IO, by h5py as the independent reader.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { NWBFile, NWBHDF5IO, NWBMemoryIO } from "../src/index.js";
import { BOOL_ENUM_MESSAGE, BOOL_STAND_IN_MEMBER, lookup3, rewriteBoolDatatypes } from "../src/io/hdf5/bool-enum.js";
import { nodeFileBytes } from "../src/io/hdf5/native-node.js";
import { h5py, tempFolder, validate } from "./helpers.js";

const PYTHON = "/usr/bin/python3";
const ENUM_CHECK = `t = d.id.get_type(); print(d.dtype, t.get_class() == h5py.h5t.ENUM, [(t.get_member_name(i).decode(), t.get_member_value(i)) for i in range(t.get_nmembers())], t.get_super().get_sign(), d[()].tolist())`;


describe("booleans as h5py's enum", () => {
  it("lookup3 gives Bob Jenkins' published values (HDF5's metadata checksum)", () => {
    // From lookup3.c's self-test: hashlittle("", 0, 0) and hashlittle("Four score and seven years ago", 30, 0).
    expect(lookup3(new Uint8Array(0)).toString(16)).toBe("deadbeef");
    expect(lookup3(new TextEncoder().encode("Four score and seven years ago")).toString(16)).toBe("17770551");
  });

  it("the enum message is byte for byte the one h5py writes for numpy's bool", () => {
    const tmp = tempFolder();
    try {
      const file = path.join(tmp.dir, "h5py-bool.h5");
      const hex = execFileSync(PYTHON, ["-c", `
import h5py, numpy as np, sys
with h5py.File(sys.argv[1], "w") as f: f.create_dataset("b", data=np.array([True, False]))
f = h5py.File(sys.argv[1], "r"); a = h5py.h5o.get_info(f["b"].id).addr; raw = open(sys.argv[1], "rb").read()
p = a + 16
while True:
    t, s = int.from_bytes(raw[p:p+2], "little"), int.from_bytes(raw[p+2:p+4], "little")
    if t == 3: print(raw[p+8:p+8+s].hex()); break
    p += 8 + s
`, file], { encoding: "utf8" }).trim();
      expect(hex.slice(0, BOOL_ENUM_MESSAGE.length * 2)).toBe(Buffer.from(BOOL_ENUM_MESSAGE).toString("hex"));
    } finally {
      tmp.cleanup();
    }
  });

  it("rewrites a stand-in in a version 1 object header (a file HDF5 made with h5py)", () => {
    const tmp = tempFolder();
    try {
      const file = path.join(tmp.dir, "v1.h5");
      const address = execFileSync(PYTHON, ["-c", `
import h5py, numpy as np, sys
with h5py.File(sys.argv[1], "w") as f:
    f.create_dataset("flags", data=np.array([(1,), (0,), (1,)], dtype=[(sys.argv[2], "u1")]))
    f["flags"].attrs["note"] = "kept"
f = h5py.File(sys.argv[1], "r"); print(h5py.h5o.get_info(f["flags"].id).addr)
`, file, BOOL_STAND_IN_MEMBER], { encoding: "utf8" }).trim();
      const bytes = nodeFileBytes(file);
      try {
        expect(bytes.read(Number(address), 1)[0]).toBe(1);
        rewriteBoolDatatypes(bytes, [Number(address)]);
      } finally {
        bytes.close();
      }
      expect(h5py(file, `d = f["flags"]; ${ENUM_CHECK}; print(d.attrs["note"])`)).toBe("bool True [('FALSE', 0), ('TRUE', 1)] 1 [True, False, True]\nkept");
    } finally {
      tmp.cleanup();
    }
  });

  it("refuses to rewrite a dataset that is not a stand-in", () => {
    const tmp = tempFolder();
    try {
      const file = path.join(tmp.dir, "plain.h5");
      const address = execFileSync(PYTHON, ["-c", `
import h5py, numpy as np, sys
with h5py.File(sys.argv[1], "w") as f: f.create_dataset("x", data=np.arange(3, dtype="u1"))
print(h5py.h5o.get_info(h5py.File(sys.argv[1], "r")["x"].id).addr)
`, file], { encoding: "utf8" }).trim();
      const bytes = nodeFileBytes(file);
      try {
        expect(() => rewriteBoolDatatypes(bytes, [Number(address)])).toThrow(/holds no boolean stand-in/);
      } finally {
        bytes.close();
      }
    } finally {
      tmp.cleanup();
    }
  });

  it("a boolean column written in memory (the browser's IO) is h5py's enum too", async () => {
    const tmp = tempFolder();
    try {
      const nwbfile = new NWBFile({ session_description: "bools", identifier: "bools-1", session_start_time: "2024-01-01T00:00:00+00:00" });
      nwbfile.addTrialColumn({ name: "correct", description: "whether the answer was right" });
      for (const correct of [true, true, false]) nwbfile.addTrial({ start_time: 0, stop_time: 1, correct });
      const io = await NWBMemoryIO.open(undefined, "w");
      await io.write(nwbfile);
      await io.close();
      const file = path.join(tmp.dir, "memory.nwb");
      writeFileSync(file, io.bytes());
      expect(validate(file).code).toBe(0);
      expect(h5py(file, `d = f["intervals/trials/correct"]; ${ENUM_CHECK}`)).toBe("bool True [('FALSE', 0), ('TRUE', 1)] 1 [True, True, False]");
      const back = await NWBHDF5IO.open(file, "r");
      expect(await (await back.read()).trials!.readColumn("correct")).toEqual([true, true, false]);
      await back.close();
    } finally {
      tmp.cleanup();
    }
  });
});
