/**
 * Writes the tutorial (as `tsnwb demo` does) and a file with every other type, then checks them with the
 * independent validator, with h5py (the layout pynwb writes), and by reading them back with tsnwb.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Device, GrayscaleImage, H5DataIO, ImageMaskSeries, ImageSeries, Images, IndexSeries, NWBFile, NWBHDF5IO, OpticalSeries,
  RGBImage, Subject, type LazyArray, type TypedArray, type AbstractContainer, type IndexSeries as IndexSeriesT,
} from "../src/index.js";
import { buildTutorialFile } from "../src/demo/tutorial.js";
import { type H5Entry, UUID4, h5pyLayout, sha256, tempFolder, validate } from "./helpers.js";

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$/;

function expectTypedObjectAttributes(layout: Record<string, H5Entry>) {
  let typed = 0;
  for (const [p, entry] of Object.entries(layout)) {
    const attrs = entry.attrs ?? {};
    if (!("neurodata_type" in attrs)) continue;
    typed++;
    for (const name of ["neurodata_type", "namespace", "object_id"]) {
      expect(attrs[name], `${p} @${name}`).toMatchObject({ dtype: "str", encoding: "utf-8", vlen: true, shape: [] });
    }
    expect(attrs.object_id!.value, `${p} object_id`).toMatch(UUID4);
  }
  return typed;
}

describe("the tutorial file (tsnwb demo)", () => {
  const tmp = tempFolder();
  const file = path.join(tmp.dir, "tutorial.nwb");
  let nwbfile: NWBFile;
  let layout: Record<string, H5Entry>;
  beforeAll(async () => {
    nwbfile = await buildTutorialFile(file);
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();
    layout = h5pyLayout(file);
  });
  afterAll(() => tmp.cleanup());

  it("passes the independent NWB validator, against the schema and against its own cached specification", () => {
    for (const cached of [false, true]) {
      const r = validate(file, cached);
      expect(r.output).toContain("0 error(s)");
      expect(r.code).toBe(0);
    }
  });

  it("has the root layout pynwb writes", () => {
    expect(layout["/"]!.attrs!.nwb_version!.value).toBe("2.7.0");
    expect(layout["/"]!.attrs!.neurodata_type!.value).toBe("NWBFile");
    for (const g of ["/acquisition", "/analysis", "/general", "/processing", "/stimulus", "/stimulus/presentation", "/stimulus/templates"]) {
      expect(layout[g]?.kind, g).toBe("group");
    }
    expect(layout["/session_start_time"]).toMatchObject({ dtype: "str", vlen: true, shape: [], value: "2018-04-25T02:30:03-07:00" });
    expect(layout["/timestamps_reference_time"]!.value).toBe("2018-04-25T02:30:03-07:00");
    expect(layout["/file_create_date"]).toMatchObject({ dtype: "str", shape: [1] });
    expect((layout["/file_create_date"]!.value as string[])[0]).toMatch(ISO_WITH_OFFSET);
    expect(layout["/general/experimenter"]).toMatchObject({ shape: [1], value: ["Baggins, Bilbo"] });
    expect(layout["/general/session_id"]!.value).toBe("LONELYMTN001");
  });

  it("gives every typed object neurodata_type, namespace and a UUID4 object_id as UTF-8 strings", () => {
    expect(expectTypedObjectAttributes(layout)).toBe(14);
    const ids = Object.values(layout).map((e) => e.attrs?.object_id?.value).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("writes series data, timing and their attributes", () => {
    const p = "/stimulus/presentation/StimulusPresentation";
    expect(layout[p]!.attrs!.neurodata_type!.value).toBe("OpticalSeries");
    expect(layout[`${p}/data`]).toMatchObject({ dtype: "uint8", shape: [200, 50, 50, 3] });
    const dataAttrs = layout[`${p}/data`]!.attrs!;
    expect(dataAttrs.unit!.value).toBe("n.a.");
    expect(dataAttrs.conversion).toMatchObject({ dtype: "float64", value: 1 });
    expect(dataAttrs.resolution).toMatchObject({ dtype: "float64", value: -1 });
    expect(dataAttrs.offset).toMatchObject({ dtype: "float64", value: 0 });
    expect(layout[`${p}/starting_time`]).toMatchObject({ dtype: "float64", shape: [], value: 0 });
    expect(layout[`${p}/starting_time`]!.attrs!.rate).toMatchObject({ value: 1 });
    expect(layout[`${p}/starting_time`]!.attrs!.unit!.value).toBe("seconds");
    expect(layout[`${p}/distance`]).toMatchObject({ dtype: "float64", shape: [], value: 0.7 });
    expect(layout[`${p}/field_of_view`]).toMatchObject({ dtype: "float64", shape: [3], value: [0.2, 0.3, 0.7] });
    expect(layout[`${p}/orientation`]!.value).toBe("lower left");
    expect(layout[`${p}/format`]!.value).toBe("raw");
    const ts = layout["/stimulus/presentation/stimuli/timestamps"]!;
    expect(ts).toMatchObject({ dtype: "float64", value: [0.1, 0.2, 0.3, 0.4] });
    expect(ts.attrs!.interval!.value).toBe(1);
    expect(ts.attrs!.interval!.dtype).toMatch(/^int/);
    expect(ts.attrs!.unit!.value).toBe("seconds");
    expect(layout["/stimulus/presentation/stimuli/data"]).toMatchObject({ dtype: "uint32", value: [0, 1, 0, 1] });
    expect(layout["/stimulus/presentation/stimuli/data"]!.attrs!.unit!.value).toBe("N/A");
    expect(layout["/stimulus/presentation/StimulusFeatures/features"]!.value).toEqual(["luminance", "contrast", "spatial frequency"]);
  });

  it("writes links as soft links and order_of_images as object references", () => {
    expect(layout["/stimulus/presentation/stimuli/indexed_images"]).toEqual({ kind: "softlink", target: "/stimulus/templates/raccoons" });
    const order = layout["/stimulus/templates/raccoons/order_of_images"]!;
    expect(order).toMatchObject({ dtype: "ref", shape: [2], value: ["/stimulus/templates/raccoons/rgb_face", "/stimulus/templates/raccoons/gs_face"] });
    expect(order.attrs!.neurodata_type!.value).toBe("ImageReferences");
    expect(layout["/stimulus/templates/raccoons/rgb_face"]).toMatchObject({ dtype: "uint8", shape: [60, 80, 3] });
    expect(layout["/stimulus/templates/raccoons/rgb_face"]!.attrs!.resolution!.value).toBe(70);
  });

  it("writes external files as relative paths with starting_frame, and the files beside it", async () => {
    const p = "/acquisition/ExternalFiles";
    expect(layout[`${p}/external_file`]).toMatchObject({ dtype: "str", value: ["images/file_1.tiff", "images/file_2.tiff", "images/file_3.tiff"] });
    expect(layout[`${p}/external_file`]!.attrs!.starting_frame).toMatchObject({ value: [0, 2, 4], shape: [3] });
    expect(layout[`${p}/format`]!.value).toBe("external");
    expect(layout[`${p}/data`]).toMatchObject({ dtype: "uint8", shape: [0, 0, 0] });
    expect(layout[`${p}/timestamps`]!.value).toEqual([0.0, 0.04, 0.07, 0.1, 0.14, 0.16, 0.21]);
    const pages = await Promise.all([1, 2, 3].map(async (i) => (await sharp(path.join(tmp.dir, `images/file_${i}.tiff`)).metadata()).pages));
    expect(pages).toEqual([2, 2, 3]);
  });

  it("reads back the same values, with links to the same objects", async () => {
    const io = await NWBHDF5IO.open(file, "r");
    const back = await io.read();
    expect(back.identifier).toBe(nwbfile.identifier);
    expect(back.session_start_time).toBe("2018-04-25T02:30:03-07:00");
    expect(back.experimenter).toEqual(["Baggins, Bilbo"]);
    for (const [name, original] of [...nwbfile.acquisition, ...nwbfile.stimulus]) {
      const read = (back.acquisition.get(name) ?? back.stimulus.get(name)) as AbstractContainer & { data?: LazyArray };
      expect(read.neurodata_type).toBe(original.neurodata_type);
      expect(read.object_id).toBe(original.object_id);
      const data = (original as unknown as { data?: { data: TypedArray } }).data;
      if (data && read.data) expect(sha256((await read.data.read()) as TypedArray), name).toBe(sha256(data.data));
    }
    const stimuli = back.stimulus.get("stimuli") as IndexSeriesT;
    expect(stimuli.indexed_images).toBe(back.stimulus_template.get("raccoons"));
    const raccoons = back.stimulus_template.get("raccoons") as Images;
    expect(raccoons.order_of_images!.data).toEqual([raccoons.images.get("rgb_face"), raccoons.images.get("gs_face")]);
    expect(raccoons.order_of_images!.data[0]).toBe(raccoons.images.get("rgb_face"));
    const external = back.acquisition.get("ExternalFiles") as ImageSeries;
    expect(external.external_file).toEqual(["images/file_1.tiff", "images/file_2.tiff", "images/file_3.tiff"]);
    expect(external.starting_frame).toEqual([0, 2, 4]);
    expect(external.format).toBe("external");
    const optical = back.stimulus.get("StimulusPresentation") as OpticalSeries;
    expect([optical.distance, optical.orientation, optical.rate, optical.starting_time]).toEqual([0.7, "lower left", 1, 0]);
    expect(Array.from((await optical.field_of_view!.read()) as Float64Array)).toEqual([0.2, 0.3, 0.7]);
    await io.close();
  });
});

describe("a file with devices, subject, processing, masks and a legacy IndexSeries", () => {
  const tmp = tempFolder();
  const file = path.join(tmp.dir, "everything.nwb");
  afterAll(() => tmp.cleanup());

  it("is valid, has the layout pynwb writes, and reads back linked to the same objects", async () => {
    const nwbfile = new NWBFile({
      session_description: "every type · µm · 日本語 🐭",
      identifier: "everything-1",
      session_start_time: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
      keywords: ["images", "nwb"],
      source_script: "make_file()", source_script_file_name: "make.py",
      subject: new Subject({ subject_id: "mouse-1", species: "Mus musculus", sex: "F", age: "P90D", date_of_birth: "2023-10-01T00:00:00+02:00" }),
    });
    const camera = nwbfile.createDevice({ name: "camera", description: "behavior camera", manufacturer: "Acme" });
    const frames = new Uint16Array(5 * 8 * 6).map((_, i) => i * 7);
    const movie = new ImageSeries({
      name: "behavior_video", data: new H5DataIO({ data: { data: frames, shape: [5, 8, 6] }, compression: "gzip", chunks: [1, 8, 6] }),
      unit: "a.u.", conversion: 0.5, offset: 1.25, resolution: 0.001, timestamps: [0, 0.1, 0.2, 0.3, 0.4], device: camera, dimension: [8, 6],
    });
    nwbfile.addAcquisition(movie);
    const stim = new OpticalSeries({
      name: "gray_stim", data: { data: new Uint8Array(4 * 8 * 6).fill(3), shape: [4, 8, 6] }, rate: 60,
      distance: 0.2, field_of_view: [0.1, 0.1], orientation: "top up",
    });
    nwbfile.addStimulus(stim);
    nwbfile.addStimulus(new ImageMaskSeries({ name: "mask", data: { data: new Uint8Array(4 * 8 * 6), shape: [4, 8, 6] }, rate: 60, masked_imageseries: stim }));
    const templates = new ImageSeries({ name: "templates", data: { data: new Uint8Array(3 * 4 * 4), shape: [3, 4, 4] }, rate: 1 });
    nwbfile.addStimulusTemplate(templates);
    nwbfile.addStimulus(new IndexSeries({ name: "shown", data: [2, 0, 1], timestamps: [0, 0.5, 1], indexed_timeseries: templates }));
    const module = nwbfile.createProcessingModule({ name: "behavior", description: "processed behavior" });
    module.add(new Images({ name: "reference_frames", description: "mean frame", images: [new GrayscaleImage({ name: "mean", data: [[1, 2], [3, 4]] })] }));
    nwbfile.addAnalysis(new Images({ name: "rgb", images: [new RGBImage({ name: "one", data: { data: new Uint8Array(2 * 2 * 3), shape: [2, 2, 3] } })] }));

    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();

    expect(validate(file).output).toContain("0 error(s)");
    const layout = h5pyLayout(file);
    expectTypedObjectAttributes(layout);
    expect(layout["/acquisition/behavior_video/device"]).toEqual({ kind: "softlink", target: "/general/devices/camera" });
    expect(layout["/stimulus/presentation/mask/masked_imageseries"]).toEqual({ kind: "softlink", target: "/stimulus/presentation/gray_stim" });
    expect(layout["/stimulus/presentation/shown/indexed_timeseries"]).toEqual({ kind: "softlink", target: "/stimulus/templates/templates" });
    expect(layout["/acquisition/behavior_video/data"]).toMatchObject({ dtype: "uint16", chunks: [1, 8, 6], compression: "gzip", compression_opts: 4 });
    expect(layout["/acquisition/behavior_video/data"]!.attrs!.conversion!.value).toBe(0.5);
    expect(layout["/acquisition/behavior_video/dimension"]).toMatchObject({ dtype: "int32", value: [8, 6] });
    expect(layout["/general/devices/camera"]!.attrs!.manufacturer!.value).toBe("Acme");
    expect(layout["/general/subject/age"]!.value).toBe("P90D");
    expect(layout["/general/subject/age"]!.attrs!.reference!.value).toBe("birth");
    expect(layout["/general/subject/date_of_birth"]!.value).toBe("2023-10-01T00:00:00+02:00");
    expect(layout["/general/keywords"]!.value).toEqual(["images", "nwb"]);
    expect(layout["/general/source_script"]!.value).toBe("make_file()");
    expect(layout["/general/source_script"]!.attrs!.file_name!.value).toBe("make.py");
    expect(layout["/session_description"]).toMatchObject({ encoding: "utf-8", value: "every type · µm · 日本語 🐭" });
    expect(layout["/session_start_time"]!.value).toBe("2024-01-02T03:04:05.000+00:00");
    expect(layout["/processing/behavior/reference_frames/mean"]).toMatchObject({ dtype: "int64", shape: [2, 2], value: [[1, 2], [3, 4]] });

    const reader = await NWBHDF5IO.open(file, "r");
    const back = await reader.read();
    const video = back.getAcquisition("behavior_video", ImageSeries);
    expect(back.getDevice("camera")).toBe(video.device);
    expect(() => back.getAcquisition("nope")).toThrow(/no 'nope' in acquisition \(it holds: behavior_video\)/);
    expect(() => back.getStimulus("gray_stim", ImageMaskSeries)).toThrow(/field 'stimulus': expected 'gray_stim' to be a ImageMaskSeries, got OpticalSeries 'gray_stim'/);
    expect(back.getProcessingModule("behavior").description).toBe("processed behavior");
    expect(video.device).toBe(back.devices.get("camera"));
    expect([video.unit, video.conversion, video.offset, video.resolution]).toEqual(["a.u.", 0.5, 1.25, 0.001]);
    expect(Array.from((await (video.data as LazyArray).read()) as Uint16Array)).toEqual(Array.from(frames));
    expect((back.stimulus.get("mask") as ImageMaskSeries).masked_imageseries).toBe(back.stimulus.get("gray_stim"));
    expect((back.stimulus.get("shown") as IndexSeries).indexed_timeseries).toBe(back.stimulus_template.get("templates"));
    expect(back.subject?.subject_id).toBe("mouse-1");
    expect(back.subject?.age__reference).toBe("birth");
    expect(back.keywords).toEqual(["images", "nwb"]);
    expect([back.source_script, back.source_script_file_name]).toEqual(["make_file()", "make.py"]);
    expect(back.processing.get("behavior")!.data_interfaces.get("reference_frames")).toBeInstanceOf(Images);
    await reader.close();
  });

  it("stores absolute external file paths relative to the NWB file's folder", async () => {
    const nwbfile = new NWBFile({ session_description: "x", identifier: "ext", session_start_time: "2024-01-01T00:00:00Z" });
    nwbfile.addAcquisition(new ImageSeries({
      name: "video", rate: 30,
      external_file: [path.join(tmp.dir, "videos", "a.mp4"), "videos/b.mp4"], starting_frame: [0, 100],
    }));
    const file = path.join(tmp.dir, "external.nwb");
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();
    expect(validate(file).code).toBe(0);
    expect(h5pyLayout(file)["/acquisition/video/external_file"]!.value).toEqual(["videos/a.mp4", "videos/b.mp4"]);
  });

    it("refuses a link to an object that is not in the file, and writes nothing", async () => {
    const nwbfile = new NWBFile({ session_description: "x", identifier: "x", session_start_time: "2024-01-01T00:00:00Z" });
    const orphan = new Device({ name: "orphan" });
    nwbfile.addAcquisition(new ImageSeries({ name: "v", data: [[[1]]], rate: 1, device: orphan }));
    const target = path.join(tmp.dir, "orphan.nwb");
    const io = await NWBHDF5IO.open(target, "w");
    await expect(io.write(nwbfile)).rejects.toThrow(/ImageSeries 'v': field 'device': expected an object that is also in this file/);
    expect(existsSync(target)).toBe(false);
  });
});
