/**
 * Reads every file pynwb wrote in ../shared/fixtures/pynwb and compares it with manifest.json value for value:
 * types, scalar fields, arrays (shape, dtype, sha256 of the bytes), and links as the very same objects.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { type LazyArray, type AbstractContainer, NWBFile, Images, type TypedArray } from "../src/index.js";
import { FIXTURES, plainValues, readForTests, sha256 } from "./helpers.js";

type Manifest = Record<string, Record<string, unknown>>;
const manifest = JSON.parse(readFileSync(path.join(FIXTURES, "manifest.json"), "utf8")) as Manifest;
const LINKS = new Set(["device", "indexed_images", "indexed_timeseries", "masked_imageseries"]);

async function expectArray(handle: LazyArray, expected: { shape: number[]; dtype?: string; sha256?: string }, where: string) {
  expect(handle.shape, `${where} shape`).toEqual(expected.shape);
  if (expected.dtype) expect(handle.dtype, `${where} dtype`).toBe(expected.dtype);
  if (expected.sha256) expect(sha256((await handle.read()) as TypedArray), `${where} sha256`).toBe(expected.sha256);
}

for (const [fileName, objects] of Object.entries(manifest)) {
  describe(`pynwb fixture ${fileName}`, () => {
    const read = readForTests(path.join(FIXTURES, fileName));

    it("has the file-level fields", () => {
      const nwbfile = read.nwbfile();
      expect(nwbfile).toBeInstanceOf(NWBFile);
      for (const key of ["identifier", "session_start_time"]) {
        if (key in objects) expect((nwbfile as unknown as Record<string, unknown>)[key]).toBe(objects[key]);
      }
    });

    for (const [objPath, expected] of Object.entries(objects)) {
      if (!objPath.startsWith("/")) continue;
      it(`matches ${objPath}`, async () => {
        const objs = read.objects();
        const obj = objs.get(objPath);
        expect(obj, `object at ${objPath}`).toBeDefined();
        const fields = obj as unknown as Record<string, unknown>;
        for (const [key, value] of Object.entries(expected as Record<string, unknown>)) {
          const where = `${objPath}.${key}`;
          if (key === "chunks") expect((fields.data as LazyArray).chunks, where).toEqual(value);
          else if (key === "compression") expect((fields.data as LazyArray).compression, where).toBe(value);
          else if (LINKS.has(key)) {
            const target = fields[key] as AbstractContainer;
            expect(target.container_source?.path, where).toBe(value);
            expect(target, `${where} is the same object`).toBe(objs.get(value as string));
          } else if (key === "order_of_images") {
            const images = (obj as Images).order_of_images!.data;
            expect(images.map((i) => i.container_source?.path), where).toEqual(value);
            images.forEach((image, i) => expect(image, `${where}[${i}] is the same object`).toBe(objs.get((value as string[])[i]!)));
            images.forEach((image) => expect((obj as Images).images.get(image.name)).toBe(image));
          } else if (key === "images") {
            for (const [name, arr] of Object.entries(value as Record<string, { shape: number[]; dtype: string; sha256: string }>)) {
              await expectArray((obj as Images).images.get(name)!.data as LazyArray, arr, `${where}.${name}`);
            }
          } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
            await expectArray(fields[key] as LazyArray, value as { shape: number[] }, where);
          } else {
            expect(await plainValues(fields[key]), where).toEqual(value);
          }
        }
      });
    }
  });
}
