/**
 * Construction rules: each broken rule is a ValidationError that names the object, the field and what was expected.
 */
import { describe, expect, it } from "vitest";
import {
  AbstractFeatureSeries, GrayscaleImage, ImageMaskSeries, ImageReferences, ImageSeries, Images, IndexSeries, NWBFile,
  OpticalSeries, RGBAImage, RGBImage, Subject, TimeSeries, ValidationError, isTsnwbError, type NDArray, type NWBWarning,
  setWarningHandler,
} from "../src/index.js";

const frames = (shape: number[]) => ({ data: new Uint8Array(shape.reduce((a, b) => a * b, 1)), shape });
const fileOpts = { session_description: "d", identifier: "id", session_start_time: "2020-01-01T00:00:00+01:00" };

function expectRule(make: () => unknown, object: string, field: string, expected: RegExp) {
  let error: unknown;
  try {
    make();
  } catch (e) {
    error = e;
  }
  expect(error, `expected a ValidationError on ${object}.${field}`).toBeInstanceOf(ValidationError);
  const v = error as ValidationError;
  expect(isTsnwbError(v, "ValidationError")).toBe(true);
  expect(v.object).toBe(object);
  expect(v.field).toBe(field);
  expect(v.expected).toMatch(expected);
  expect(v.message).toContain(`'${field}'`);
}

describe("TimeSeries timing", () => {
  it("needs rate or timestamps, not both, and no starting_time with timestamps", () => {
    expectRule(() => new TimeSeries({ name: "t", data: [1, 2], unit: "V" }), "TimeSeries 't'", "timestamps", /either 'timestamps' or 'rate'/);
    expectRule(() => new TimeSeries({ name: "t", data: [1, 2], unit: "V", rate: 1, timestamps: [0, 1] }), "TimeSeries 't'", "rate", /not both/);
    expectRule(() => new TimeSeries({ name: "t", data: [1], unit: "V", timestamps: [0], starting_time: 2 }), "TimeSeries 't'", "starting_time", /no 'starting_time'/);
    expectRule(() => new TimeSeries({ name: "t", data: [1], unit: "V", rate: -3 }), "TimeSeries 't'", "rate", /0 or more/);
    expectRule(() => new TimeSeries({ name: "t", data: [1], rate: 1 } as never), "TimeSeries 't'", "unit", /a string/);
    expectRule(() => new TimeSeries({ name: "t", data: [1], unit: "V", timestamps: [[0]] }), "TimeSeries 't'", "timestamps", /shape \(num_times\)/);
  });

  it("defaults starting_time to 0 with rate", () => {
    const t = new TimeSeries({ name: "t", data: [1, 2], unit: "V", rate: 30 });
    expect([t.rate, t.starting_time, t.timestamps]).toEqual([30, 0, undefined]);
    expect([t.description, t.comments, t.conversion, t.resolution, t.offset]).toEqual(["no description", "no comments", 1, -1, 0]);
  });

  it("rejects ragged nested arrays and shapes that do not match the data", () => {
    expectRule(() => new TimeSeries({ name: "t", data: [[1, 2], [3]], unit: "V", rate: 1 }), "TimeSeries 't'", "data", /array/);
    expectRule(() => new TimeSeries({ name: "t", data: { data: new Uint8Array(5), shape: [2, 2] }, unit: "V", rate: 1 }), "TimeSeries 't'", "data", /array/);
  });
});

describe("ImageSeries", () => {
  it("needs data xor external_file", () => {
    expectRule(() => new ImageSeries({ name: "m", rate: 1 }), "ImageSeries 'm'", "data", /array data/);
    expectRule(() => new ImageSeries({ name: "m", rate: 1, data: frames([1, 2, 2]), external_file: ["a.tiff"] }), "ImageSeries 'm'", "data", /either 'data' or 'external_file'/);
  });

  it("takes external files with format external and a starting frame per file", () => {
    const one = new ImageSeries({ name: "m", rate: 1, external_file: ["a.avi"] });
    expect([one.format, one.starting_frame, one.data && (one.data as { shape: number[] }).shape]).toEqual(["external", [0], [0, 0, 0]]);
    expectRule(() => new ImageSeries({ name: "m", rate: 1, external_file: ["a.avi", "b.avi"] }), "ImageSeries 'm'", "starting_frame", /one starting frame per external file/);
    expectRule(() => new ImageSeries({ name: "m", rate: 1, external_file: ["a", "b"], starting_frame: [0] }), "ImageSeries 'm'", "starting_frame", /2 non-negative/);
    expectRule(() => new ImageSeries({ name: "m", rate: 1, external_file: ["a"], format: "raw" }), "ImageSeries 'm'", "format", /"external"/);
    expectRule(() => new ImageSeries({ name: "m", rate: 1, external_file: [] }), "ImageSeries 'm'", "external_file", /non-empty/);
    expectRule(() => new ImageSeries({ name: "m", rate: 1, data: frames([1, 2, 2]), format: "external" }), "ImageSeries 'm'", "format", /raw/);
    // pynwb accepts a starting_frame with data (its own tutorial passes one): a warning, and nothing is stored.
    const warnings: NWBWarning[] = [];
    const previous = setWarningHandler((w) => warnings.push(w));
    try {
      expect(new ImageSeries({ name: "m", rate: 1, data: frames([1, 2, 2]), starting_frame: [0] }).starting_frame).toBeUndefined();
    } finally {
      setWarningHandler(previous);
    }
    expect(warnings).toEqual([{ object: "ImageSeries 'm'", field: "starting_frame", message: expect.stringMatching(/only applies to 'external_file'/) }]);
  });

  it("takes 3-D or 4-D data only", () => {
    expect(new ImageSeries({ name: "m", rate: 1, data: frames([2, 3, 4, 5]) }).unit).toBe("n.a.");
    expectRule(() => new ImageSeries({ name: "m", rate: 1, data: frames([2, 3]) }), "ImageSeries 'm'", "data", /\(frame, x, y\)/);
    expectRule(() => new ImageSeries({ name: "m", rate: 1, data: [[["a"]]] }), "ImageSeries 'm'", "data", /numeric pixel values/);
    expectRule(() => new GrayscaleImage({ name: "g", data: [["a", "b"]] }), "GrayscaleImage 'g'", "data", /numeric pixel values/);
    expectRule(() => new ImageSeries({ name: "m", rate: 1, data: frames([1, 2, 3, 4, 5]) }), "ImageSeries 'm'", "data", /\(frame, x, y\)/);
  });
});

describe("OpticalSeries", () => {
  const base = { name: "o", rate: 1, distance: 0.7, field_of_view: [0.2, 0.3], orientation: "up" };
  it("is 3-D, or 4-D with 3 colours", () => {
    expect(new OpticalSeries({ ...base, data: frames([2, 4, 4, 3]) }).field_of_view?.shape).toEqual([2]);
    expectRule(() => new OpticalSeries({ ...base, data: frames([2, 4, 4, 4]) }), "OpticalSeries 'o'", "data", /\(frame, x, y, 3\)/);
  });
  it("has a field_of_view of 2 or 3 values and a distance", async () => {
    expect(Array.from((await new OpticalSeries({ ...base, data: frames([2, 4, 4, 3]) }).field_of_view!.read()) as Float64Array)).toEqual([0.2, 0.3]);
    expectRule(() => new OpticalSeries({ ...base, data: frames([2, 4, 4]), field_of_view: [1] }), "OpticalSeries 'o'", "field_of_view", /shape \(2\) or \(3\)/);
    expectRule(() => new OpticalSeries({ ...base, data: frames([2, 4, 4]), field_of_view: [1, 2, 3, 4] }), "OpticalSeries 'o'", "field_of_view", /shape \(2\) or \(3\)/);
    // The schema makes distance optional; pynwb's constructor requires it, and so does tsnwb's.
    expectRule(() => new OpticalSeries({ ...base, data: frames([2, 4, 4]), distance: undefined as never }), "OpticalSeries 'o'", "distance", /a number \(required\)/);
    expectRule(() => new OpticalSeries({ ...base, data: frames([2, 4, 4]), distance: "far" as unknown as number }), "OpticalSeries 'o'", "distance", /a number/);
  });
});

describe("images", () => {
  it("check their shapes", () => {
    expectRule(() => new GrayscaleImage({ name: "g", data: frames([2, 2, 3]) }), "GrayscaleImage 'g'", "data", /\(x, y\)/);
    expectRule(() => new RGBImage({ name: "c", data: frames([2, 2, 4]) }), "RGBImage 'c'", "data", /\(x, y, 3\)/);
    expectRule(() => new RGBAImage({ name: "a", data: frames([2, 2, 3]) }), "RGBAImage 'a'", "data", /\(x, y, 4\)/);
    expect(new RGBAImage({ name: "a", data: frames([2, 2, 4]) }).neurodata_type).toBe("RGBAImage");
  });

  it("order_of_images holds only images of its own container", () => {
    const a = new GrayscaleImage({ name: "a", data: frames([2, 2]) });
    const b = new GrayscaleImage({ name: "b", data: frames([2, 2]) });
    const stranger = new GrayscaleImage({ name: "s", data: frames([2, 2]) });
    const images = new Images({ name: "imgs", images: [a, b] });
    expectRule(() => images.setOrder(new ImageReferences({ data: [a, stranger] })), "Images 'imgs'", "order_of_images", /only images of this Images container/);
    images.setOrder(new ImageReferences({ data: [b, a] }));
    expect(images.order_of_images!.data).toEqual([b, a]);
    expectRule(() => new Images({ name: "i2", images: [new GrayscaleImage({ name: "x", data: frames([1, 1]) })], order_of_images: new ImageReferences({ data: [a] }) }), "Images 'i2'", "order_of_images", /only images/);
  });
});

describe("IndexSeries", () => {
  const images = new Images({ name: "imgs", images: [new GrayscaleImage({ name: "a", data: frames([2, 2]) })] });
  it("is 1-D indices with unit N/A into an Images (or legacy an ImageSeries)", () => {
    const s = new IndexSeries({ name: "i", data: [0, 0], indexed_images: images, rate: 1 });
    expect([s.unit, (s.data as NDArray).dtype]).toEqual(["N/A", "uint32"]);
    expectRule(() => new IndexSeries({ name: "i", data: [[0]], indexed_images: images, rate: 1 }), "IndexSeries 'i'", "data", /shape \(num_times\)/);
    expectRule(() => new IndexSeries({ name: "i", data: [0.5], indexed_images: images, rate: 1 }), "IndexSeries 'i'", "data", /non-negative integer/);
    expectRule(() => new IndexSeries({ name: "i", data: [0], rate: 1 }), "IndexSeries 'i'", "indexed_images", /either 'indexed_images'/);
    expectRule(() => new IndexSeries({ name: "i", data: [0], rate: 1, unit: "s" }), "IndexSeries 'i'", "unit", /N\/A/);
    expectRule(() => new IndexSeries({ name: "i", data: [0], rate: 1, indexed_images: {} as Images }), "IndexSeries 'i'", "indexed_images", /an Images/);
  });
});

describe("other types", () => {
  it("ImageMaskSeries needs the series it masks", () => {
    expectRule(() => new ImageMaskSeries({ name: "m", data: frames([1, 2, 2]), rate: 1, masked_imageseries: undefined as never }), "ImageMaskSeries 'm'", "masked_imageseries", /an ImageSeries/);
  });
  it("AbstractFeatureSeries names each feature column", () => {
    expectRule(() => new AbstractFeatureSeries({ name: "f", data: [[1, 2]], rate: 1, features: ["a"], feature_units: ["x"] }), "AbstractFeatureSeries 'f'", "features", /one name per feature column \(2\)/);
    expectRule(() => new AbstractFeatureSeries({ name: "f", data: [[1, 2]], rate: 1, features: ["a", "b"], feature_units: ["x"] }), "AbstractFeatureSeries 'f'", "feature_units", /one unit per feature/);
  });
  it("names are non-empty and have no slash, and are unique in a collection", () => {
    expectRule(() => new GrayscaleImage({ name: "a/b", data: frames([1, 1]) }), "GrayscaleImage", "name", /without '\/'/);
    const nwbfile = new NWBFile(fileOpts);
    nwbfile.addAcquisition(new ImageSeries({ name: "m", data: frames([1, 1, 1]), rate: 1 }));
    expectRule(() => nwbfile.addAcquisition(new ImageSeries({ name: "m", data: frames([1, 1, 1]), rate: 1 })), "NWBFile 'id'", "acquisition", /unique name/);
  });

  it("an object belongs to one container: a second file cannot take it, whichever method adds it", () => {
    const first = new NWBFile(fileOpts);
    const second = new NWBFile({ ...fileOpts, identifier: "id2" });
    const series = new ImageSeries({ name: "m", data: frames([1, 1, 1]), rate: 1 });
    first.addAcquisition(series);
    expectRule(() => second.addAcquisition(series), "NWBFile 'id2'", "acquisition", /not yet in another container/);
    const subject = new Subject({ subject_id: "s1" });
    first.setSubject(subject);
    first.setSubject(subject);
    expectRule(() => second.setSubject(subject), "NWBFile 'id2'", "subject", /not yet in another container/);
  });
});

describe("NWBFile session_start_time", () => {
  it("keeps the offset given, writes a Date in UTC, and refuses a string without an offset", () => {
    expect(new NWBFile(fileOpts).session_start_time).toBe("2020-01-01T00:00:00+01:00");
    expect(new NWBFile({ ...fileOpts, session_start_time: "2020-01-01T00:00:00.250-0730" }).session_start_time).toBe("2020-01-01T00:00:00.250-07:30");
    expect(new NWBFile({ ...fileOpts, session_start_time: "2020-01-01T00:00Z" }).session_start_time).toBe("2020-01-01T00:00:00+00:00");
    expect(new NWBFile({ ...fileOpts, session_start_time: new Date(Date.UTC(2020, 0, 1)) }).session_start_time).toBe("2020-01-01T00:00:00.000+00:00");
    expectRule(() => new NWBFile({ ...fileOpts, session_start_time: "2020-01-01T00:00:00" }), "NWBFile 'id'", "session_start_time", /UTC offset/);
    expectRule(() => new NWBFile({ ...fileOpts, session_start_time: "yesterday" }), "NWBFile 'id'", "session_start_time", /ISO 8601/);
    expectRule(() => new NWBFile({ ...fileOpts, session_start_time: new Date(NaN) }), "NWBFile 'id'", "session_start_time", /ISO 8601/);
    expectRule(() => new NWBFile({ ...fileOpts, identifier: "" }), "NWBFile 'root'", "identifier", /non-empty/);
    expectRule(() => new Subject({ date_of_birth: "2020-01-01" }), "Subject 'subject'", "date_of_birth", /UTC offset/);
    expectRule(() => new NWBFile({ ...fileOpts, source_script_file_name: "make.py" }), "NWBFile 'id'", "source_script_file_name", /a source_script to name/);
  });
  it("defaults timestamps_reference_time and file_create_date", () => {
    const f = new NWBFile({ ...fileOpts, experimenter: "Baggins, Bilbo" });
    expect(f.timestamps_reference_time).toBe(f.session_start_time);
    expect(f.file_create_date[0]).toMatch(/\+00:00$/);
    expect(f.experimenter).toEqual(["Baggins, Bilbo"]);
  });
});
