/**
 * Array input normalisation, dtypes, selections and date-times: the small pieces everything else stands on.
 */
import { describe, expect, it } from "vitest";
import { toNDArray, toNested, ArrayShapeError } from "../src/data/ndarray.js";
import { normaliseSelection, isFrameSource } from "../src/data/lazy.js";
import { dtypeFromH5wasm, toTypedArray } from "../src/data/dtype.js";
import { dateTimeProblem, toISODateTime } from "../src/data/datetime.js";
import { ValidationError } from "../src/errors.js";

describe("array input", () => {
  it("takes typed arrays with a shape, flat JS arrays with a shape, and nested arrays", () => {
    expect(toNDArray({ data: new Uint16Array(6), shape: [2, 3] })).toMatchObject({ shape: [2, 3], dtype: "uint16" });
    expect(toNDArray({ data: [1, 2, 3, 4, 5, 6], shape: [2, 3] })).toMatchObject({ shape: [2, 3], dtype: "int64" });
    expect(toNDArray({ data: [1.5, 2], shape: [2] })).toMatchObject({ dtype: "float64" });
    expect(toNDArray([[1, 2], [3, 4]])).toMatchObject({ shape: [2, 2], dtype: "int64" });
    expect(toNDArray([[1, 2.5]])).toMatchObject({ shape: [1, 2], dtype: "float64" });
    expect(toNDArray(["a", "b"])).toMatchObject({ shape: [2], dtype: "text", data: ["a", "b"] });
    expect(toNDArray(7)).toMatchObject({ shape: [], dtype: "int64" });
    expect(toNDArray(new Uint8ClampedArray(3))).toMatchObject({ shape: [3], dtype: "uint8" });
  });

  it("converts to the dtype the schema fixes", () => {
    const a = toNDArray([0, 1, 2], "uint32");
    expect(a.dtype).toBe("uint32");
    expect(a.data).toBeInstanceOf(Uint32Array);
    expect(toNDArray({ data: new Float32Array([0.5]), shape: [1] }, "float64").data).toBeInstanceOf(Float64Array);
  });

  it("refuses ragged arrays, wrong shapes and mixed elements", () => {
    expect(() => toNDArray([[1, 2], [3]])).toThrow(ArrayShapeError);
    expect(() => toNDArray({ data: new Uint8Array(5), shape: [2, 2] })).toThrow(/holds 4 elements but data has 5/);
    expect(() => toNDArray({ data: new Uint8Array(4), shape: [2, -2] })).toThrow(/non-negative integers/);
    expect(() => toNDArray([1, "a"] as never)).toThrow(/all numbers or all strings/);
    expect(() => toNDArray(["a"], "float64")).toThrow(/expected numbers/);
  });

  it("turns arrays back into nested JS arrays", () => {
    expect(toNested({ data: toTypedArray([1, 2, 3, 4, 5, 6], "int64"), shape: [2, 3], dtype: "int64" })).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it("tells frame sources from arrays", () => {
    expect(isFrameSource((function* () {})())).toBe(true);
    expect(isFrameSource((async function* () {})())).toBe(true);
    expect(isFrameSource([1, 2])).toBe(false);
    expect(isFrameSource(new Uint8Array(2))).toBe(false);
    expect(isFrameSource({ data: new Uint8Array(2), shape: [2] })).toBe(false);
  });
});

describe("selections and dtypes", () => {
  it("fill missing axes and check bounds", () => {
    expect(normaliseSelection([4, 5, 6], [[1, 2]])).toEqual([[1, 2], [0, 5], [0, 6]]);
    expect(() => normaliseSelection([4], [[0, 5]])).toThrow(/a \[start, stop\) range within 0 to 4 on axis 0/);
    expect(() => normaliseSelection([4], [[3, 2]])).toThrow(ValidationError);
    expect(() => normaliseSelection([4], [[0, 1], [0, 1]])).toThrow(/expected at most 1 \[start, stop\) ranges/);
  });
  it("name h5wasm's dtypes as numpy does", () => {
    expect(["<B", "<H", "<i", "<q", "<Q", "<f", "<d", "S", "S10", "Reference"].map(dtypeFromH5wasm)).toEqual(
      ["uint8", "uint16", "int32", "int64", "uint64", "float32", "float64", "text", "text", "reference"]);
    expect(dtypeFromH5wasm([["a", "<i"]])).toBeUndefined();
  });
});

describe("date-times", () => {
  it("keep the given offset, normalise its spelling, and refuse strings without one", () => {
    expect(toISODateTime("2018-04-25T02:30:03-07:00")).toBe("2018-04-25T02:30:03-07:00");
    expect(toISODateTime("2018-04-25T02:30:03.5+0530")).toBe("2018-04-25T02:30:03.5+05:30");
    expect(toISODateTime("2018-04-25T02:30Z")).toBe("2018-04-25T02:30:00+00:00");
    expect(toISODateTime(new Date(Date.UTC(2020, 1, 3, 4, 5, 6, 7)))).toBe("2020-02-03T04:05:06.007+00:00");
    expect(dateTimeProblem("2018-04-25T02:30:03")).toMatch(/no UTC offset/);
    expect(dateTimeProblem("2018-04-25")).toMatch(/no UTC offset/);
    expect(dateTimeProblem("2018-13-45T99:00:00Z")).toMatch(/not an ISO 8601/);
    expect(dateTimeProblem(20180425)).toMatch(/a number/);
  });
});
