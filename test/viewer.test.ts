/**
 * The viewer, end to end in real headless Chromium (Debian's chromium through playwright-core): `tsnwb view`'s
 * server on a shared fixture, the tree listing the fixture's objects, a series' slider moved and the canvas pixels
 * of that frame compared with the data (exact, uint8), a still image's pixels likewise, and playback advancing
 * frames. And the server: only the viewer and the one file are served, every other path (raw and encoded `..`,
 * absolute paths, the package's own files) is 404, and it listens on 127.0.0.1 only.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { networkInterfaces } from "node:os";
import * as path from "node:path";
import { type Browser, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImageSeries, Images, NWBFile, NWBHDF5IO, OpticalSeries, RGBImage } from "../src/index.js";
import { overlayMask, toPicture } from "../src/viewer/pixels.js";
import { inspect as inspectAnywhere } from "../src/validation/inspector.js";
import { type ViewerServer, serveViewer } from "../src/viewer/server.js";
import { FIXTURES, ROOT, tempFolder } from "./helpers.js";

const FILE = path.join(FIXTURES, "tutorial.nwb");
let server: ViewerServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await serveViewer(FILE);
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForSelector("body[data-loaded=true]", { timeout: 30_000 });
  // The page itself holds no HDF5 library (the file is read in its worker): the library's own bundle, for the tests
  // of the library in a page.
  await page.addScriptTag({ path: path.join(ROOT, "dist", "viewer", "tsnwb.js"), type: "module" });
  await page.waitForFunction(() => "tsnwb" in globalThis);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The RGBA pixels a canvas shows. */
async function canvasPixels(selector: string): Promise<{ width: number; height: number; rgba: number[] }> {
  return page.$eval(selector, (c) => {
    const canvas = c as HTMLCanvasElement;
    const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
    return { width: canvas.width, height: canvas.height, rgba: Array.from(data) };
  });
}

/** (rows, columns, 3) uint8 values as the RGBA a canvas holds. */
function asRGBA(values: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i += 3) out.push(values[i]!, values[i + 1]!, values[i + 2]!, 255);
  return out;
}

async function fromFile<T>(read: (nwbfile: Awaited<ReturnType<NWBHDF5IO["read"]>>) => Promise<T>): Promise<T> {
  const io = await NWBHDF5IO.open(FILE, "r");
  try {
    return await read(await io.read());
  } finally {
    await io.close();
  }
}

describe("the viewer in Chromium", () => {
  it("lists the file's objects and its session", async () => {
    const manifest = JSON.parse(readFileSync(path.join(FIXTURES, "manifest.json"), "utf8")) as Record<string, Record<string, unknown>>;
    const expected = Object.keys(manifest["tutorial.nwb"]!).filter((k) => k.startsWith("/"));
    const listed = await page.$$eval("#tree li", (lis) => lis.map((l) => (l as HTMLElement).dataset.path));
    expect(listed).toEqual(expect.arrayContaining(expected));
    expect(await page.textContent("#session")).toContain("identifier: tutorial-1");
  });

  it("lists the file's best-practice findings, as the inspector gives them, each leading to its object", async () => {
    await page.waitForSelector("#findings[data-done=true]");
    // In a page external files are not looked for (no file system): as the inspector without fileExists.
    const expected = await fromFile((f) => inspectAnywhere(f));
    expect(expected.map((m) => m.check_function_name)).toContain("check_data_orientation");
    const shown = await page.$$eval("#findings-list li", (lis) => lis.map((l) => [(l as HTMLElement).dataset.check, (l as HTMLElement).dataset.path]));
    expect(shown).toEqual(expected.map((m) => [m.check_function_name, m.path]));
    expect(await page.textContent("#findings-summary")).toMatch(/^best practices: \d+ critical/);
    await page.click("#findings-summary"); // the list opens
    await page.click('#findings-list li[data-check="check_data_orientation"][data-path="/acquisition/ImageSeries"]');
    await page.waitForSelector('#tree li.selected[data-path="/acquisition/ImageSeries"]');
  });

  it("shows the frame the slider is on, pixel for pixel", async () => {
    await page.click('#tree li[data-path="/stimulus/presentation/StimulusPresentation"]');
    await page.waitForSelector('#view[data-frame="0"]');
    await page.$eval("#frame", (s) => {
      (s as HTMLInputElement).value = "5";
      s.dispatchEvent(new Event("input"));
    });
    await page.waitForSelector('#view[data-frame="5"]');
    const shown = await canvasPixels("#canvas");
    const frame = await fromFile(async (f) => (await f.getStimulus("StimulusPresentation", OpticalSeries).data.read([[5, 6]])) as Uint8Array);
    const shape = await fromFile(async (f) => f.getStimulus("StimulusPresentation", OpticalSeries).data.shape);
    expect([shown.height, shown.width]).toEqual([shape[1], shape[2]]);
    expect(shown.rgba).toEqual(asRGBA(frame));
    expect(await page.textContent("#time")).toMatch(/frame 5 of 13/);
  });

  it("plays a series: the frame advances", async () => {
    await page.click("#play");
    await page.waitForFunction(() => Number((document.getElementById("view") as HTMLElement).dataset.frame) !== 5, undefined, { timeout: 5000 });
    await page.waitForTimeout(1000);
    await page.click("#play");
    const frame = Number(await page.getAttribute("#view", "data-frame"));
    expect(frame).not.toBe(5);
  });

  it("shows a still image with its true pixels, and an Images in the order of order_of_images", async () => {
    await page.click('#tree li[data-path="/stimulus/templates/raccoons"]');
    await page.waitForSelector('#view[data-ready="true"][data-path="/stimulus/templates/raccoons"]');
    const order = await page.$$eval("#view canvas", (cs) => cs.map((c) => (c as HTMLElement).dataset.name));
    const expected = await fromFile(async (f) => (f.getStimulusTemplate("raccoons", Images)).order_of_images!.data.map((i) => i.name));
    expect(order).toEqual(expected);
    const shown = await canvasPixels('#view canvas[data-name="rgb_face"]');
    const values = await fromFile(async (f) => (await (f.getStimulusTemplate("raccoons", Images)).images.get("rgb_face")!.data.read()) as Uint8Array);
    expect(shown.rgba).toEqual(asRGBA(values));
    expect((await fromFile(async (f) => f.getStimulusTemplate("raccoons", Images).images.get("rgb_face"))) instanceof RGBImage).toBe(true);
  });
});

/** Opens another file in a new page of the same browser. */
async function viewerOn(file: string): Promise<{ page: Page; server: ViewerServer; close: () => Promise<void> }> {
  const other = await serveViewer(file);
  const p = await browser.newPage();
  await p.goto(other.url);
  await p.waitForSelector("body[data-loaded=true]", { timeout: 30_000 });
  return { page: p, server: other, close: async () => {
    await p.close();
    await other.close();
  } };
}

/** Sets an input's value as a user would, and waits for the next redraw. */
async function setInput(p: Page, selector: string, value: string, event: "input" | "change"): Promise<void> {
  const before = Number((await p.getAttribute("#view", "data-renders")) ?? 0);
  await p.$eval(selector, (el, [v, e]) => {
    (el as HTMLInputElement).value = v!;
    el.dispatchEvent(new Event(e!));
  }, [value, event]);
  await p.waitForFunction((n) => Number((document.getElementById("view") as HTMLElement).dataset.renders) > n, before);
}

async function pixelsOf(p: Page, selector: string): Promise<number[]> {
  return p.$eval(selector, (c) => {
    const canvas = c as HTMLCanvasElement;
    return Array.from(canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data);
  });
}

describe("the viewer's display controls", () => {
  it("maps uint16 from its range, or from the range the user sets; rotates and flips the picture, not the data", async () => {
    const { page: p, close } = await viewerOn(path.join(FIXTURES, "compressed.nwb"));
    await p.click('#tree li[data-path="/acquisition/behavior_video"]');
    await p.waitForSelector('#view[data-frame="0"]');
    const io = await NWBHDF5IO.open(path.join(FIXTURES, "compressed.nwb"), "r");
    const frame = (await (await io.read()).getAcquisition("behavior_video", ImageSeries).data.read([[0, 1]])) as Uint16Array;
    await io.close();
    const own = toPicture(frame, [64, 48], "uint16");
    expect(await p.textContent("#view")).toContain(`shown ${own.range[0]} to ${own.range[1]}`);
    expect(await pixelsOf(p, "#canvas")).toEqual(Array.from(own.rgba));
    await p.fill("#range-lo", "0");
    await setInput(p, "#range-hi", "65535", "change");
    expect(await pixelsOf(p, "#canvas")).toEqual(Array.from(toPicture(frame, [64, 48], "uint16", [0, 65535]).rgba));
    await p.click("#rotate");
    await p.click("#flip-h");
    expect(await p.$eval("#canvas", (c) => (c as HTMLElement).style.transform)).toBe("rotate(90deg) scale(-1, 1)");
    await close();
  });

  it("shows one plane of an (x, y, z) stack at a time, and a mask over the series it masks", async () => {
    const { page: p, close } = await viewerOn(path.join(FIXTURES, "zstack.nwb"));
    const io = await NWBHDF5IO.open(path.join(FIXTURES, "zstack.nwb"), "r");
    const nwbfile = await io.read();
    const volume = (await nwbfile.getAcquisition("volume", ImageSeries).data.read([[0, 1]])) as Float32Array;
    const stim = (await nwbfile.getStimulus("gray_stim", ImageSeries).data.read([[2, 3]])) as Uint8Array;
    const mask = (await nwbfile.getStimulus("mask", ImageSeries).data.read([[2, 3]])) as Uint8Array;
    await io.close();
    await p.click('#tree li[data-path="/acquisition/volume"]');
    await p.waitForSelector('#view[data-frame="0"]');
    await setInput(p, "#plane", "3", "input");
    const plane3 = Array.from({ length: 10 * 12 }, (_, i) => volume[i * 5 + 3]!);
    expect(await pixelsOf(p, "#canvas")).toEqual(Array.from(toPicture(plane3, [10, 12], "float32").rgba));
    await p.click('#tree li[data-path="/stimulus/presentation/mask"]');
    await p.waitForSelector('#view[data-frame="0"][data-path="/stimulus/presentation/mask"]');
    await setInput(p, "#frame", "2", "input");
    expect(await pixelsOf(p, "#canvas")).toEqual(Array.from(overlayMask(toPicture(stim, [10, 12], "uint8"), mask).rgba));
    expect(mask.some((v) => v !== 0)).toBe(true);
    await close();
  });
});

describe("the viewer reads by URL, lazily", () => {
  it("opens a 100 MB file and shows a frame having fetched under 2 MB of it (range requests from the page)", async () => {
    const tmp = tempFolder();
    const big = path.join(tmp.dir, "big.nwb");
    const pixels = new Uint8Array(100 * 1000 * 1000);
    for (let i = 0; i < pixels.length; i += 4099) pixels[i] = (i / 4099) % 251;
    const nwbfile = new NWBFile({ session_description: "big", identifier: "big-1", session_start_time: "2024-01-01T00:00:00+00:00" });
    nwbfile.addAcquisition(new ImageSeries({ name: "movie", rate: 30, data: { data: pixels, shape: [100, 1000, 1000] } }));
    const io = await NWBHDF5IO.open(big, "w");
    await io.write(nwbfile);
    await io.close();
    const { page: p, server: other, close } = await viewerOn(big);
    try {
      await p.click('#tree li[data-path="/acquisition/movie"]');
      await p.waitForSelector('#view[data-frame="0"]', { timeout: 30_000 });
      const shown = await pixelsOf(p, "#canvas");
      expect(shown.length).toBe(1000 * 1000 * 4);
      expect(shown.filter((_, i) => i % 4 === 0).slice(0, 4100)).toEqual(Array.from(pixels.subarray(0, 4100)));
      expect(other.stats.bytes).toBeLessThan(2 << 20);
      expect(other.stats.requests).toBeGreaterThan(1);
    } finally {
      await close();
      tmp.cleanup();
    }
  }, 120_000);
});

describe("the viewer plays external videos", () => {
  it("plays a series' videos one after another by starting_frame, and names a file the browser cannot decode", async () => {
    const tmp = tempFolder();
    const video = (name: string, frames: number) => execFileSync("ffmpeg", ["-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10", "-frames:v", String(frames), "-c:v", "libvpx", path.join(tmp.dir, name)]);
    video("a.webm", 10);
    video("b.webm", 10);
    writeFileSync(path.join(tmp.dir, "broken.mp4"), "not a video");
    const nwbfile = new NWBFile({ session_description: "videos", identifier: "videos-1", session_start_time: "2024-01-01T00:00:00+00:00" });
    // Given out of order: the viewer plays them by starting_frame.
    nwbfile.addAcquisition(await ImageSeries.fromVideos([path.join(tmp.dir, "a.webm"), path.join(tmp.dir, "b.webm")], { name: "camera", check: false, starting_frame: [0, 10], rate: 10 }));
    nwbfile.addAcquisition(await ImageSeries.fromVideos([path.join(tmp.dir, "broken.mp4")], { name: "broken", check: false, rate: 10 }));
    const file = path.join(tmp.dir, "videos.nwb");
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();
    const { page: p, server: other, close } = await viewerOn(file);
    try {
      await p.click('#tree li[data-path="/acquisition/camera"]');
      await p.waitForFunction(() => (document.getElementById("video") as HTMLVideoElement | null)?.readyState! >= 1, undefined, { timeout: 15_000 });
      expect(await p.textContent("#video-file")).toMatch(/file 1 of 2: a\.webm/);
      await p.$eval("#video", (v) => void (v as HTMLVideoElement).play());
      await p.waitForSelector('#view[data-video="1"]', { timeout: 15_000 });
      expect(await p.textContent("#video-file")).toMatch(/file 2 of 2: b\.webm \(from frame 10\)/);
      expect(await p.textContent("#video-error")).toBe("");
      await p.click('#tree li[data-path="/acquisition/broken"]');
      await p.waitForFunction(() => (document.getElementById("video-error")?.textContent ?? "").length > 0, undefined, { timeout: 15_000 });
      expect(await p.textContent("#video-error")).toMatch(/cannot decode broken\.mp4/);
      expect(await rawGet("127.0.0.1", other.port, "/external/a.webm")).toBe(200);
      expect(await rawGet("127.0.0.1", other.port, "/external/..%2Fvideos.nwb")).toBe(404);
      expect(await rawGet("127.0.0.1", other.port, "/external/videos.nwb")).toBe(404);
    } finally {
      await close();
      tmp.cleanup();
    }
  }, 120_000);
});

describe("the library in a page", () => {
  it("writes a file in the page (bytes to download) and reads it back there", async () => {
    const result = await page.evaluate(async () => {
      type Lib = typeof import("../src/browser.js");
      const t = (globalThis as unknown as { tsnwb: Lib }).tsnwb;
      const nwbfile = new t.NWBFile({ session_description: "made in a page", identifier: "page-1", session_start_time: "2024-01-01T00:00:00+00:00" });
      nwbfile.addAcquisition(new t.ImageSeries({ name: "drawn", rate: 5, data: { data: new Uint8Array(3 * 4 * 5).map((_, i) => i), shape: [3, 4, 5] } }));
      const out = await t.NWBHDF5IO.open(undefined, "w");
      await out.write(nwbfile);
      await out.close();
      const blob = out.blob();
      const back = await t.NWBHDF5IO.open(blob);
      const read = await back.read();
      const frame = await read.getAcquisition("drawn", t.ImageSeries).data.read([[2, 3]]);
      await back.close();
      return { size: blob.size, type: blob.type, identifier: read.identifier, frame: Array.from(frame as Uint8Array) };
    });
    expect(result.size).toBeGreaterThan(1000);
    expect([result.type, result.identifier]).toEqual(["application/x-hdf5", "page-1"]);
    expect(result.frame).toEqual(Array.from({ length: 20 }, (_, i) => 40 + i));
  });
});

describe("reading by URL in the browser", () => {
  it("retries a failing server, refuses one without range support clearly, and names the URL and status", async () => {
    const tmp = tempFolder();
    const file = path.join(tmp.dir, "small.nwb");
    const nwbfile = new NWBFile({ session_description: "small", identifier: "small-1", session_start_time: "2024-01-01T00:00:00+00:00" });
    nwbfile.addAcquisition(new ImageSeries({ name: "movie", rate: 30, data: { data: new Uint8Array(4 * 8 * 8), shape: [4, 8, 8] } }));
    const io = await NWBHDF5IO.open(file, "w");
    await io.write(nwbfile);
    await io.close();
    const servers: ChildProcess[] = [];
    const serve = async (mode: string) => {
      const child = spawn(process.execPath, [path.join(ROOT, "test", "servers", "range-server.mjs"), file, mode]);
      servers.push(child);
      return `http://127.0.0.1:${await new Promise<string>((r) => child.stdout!.once("data", (d: Buffer) => r(String(d).trim())))}`;
    };
    // What the page's library says when it opens `url`: the identifier, or the error.
    const openInPage = (url: string) => page.evaluate(async (u) => {
      try {
        const api = (globalThis as unknown as { tsnwb: { NWBHDF5IO: { open(u: string): Promise<{ read(): Promise<{ identifier: string }>; close(): Promise<void> }> } } }).tsnwb;
        const handle = await api.NWBHDF5IO.open(u);
        const id = (await handle.read()).identifier;
        await handle.close();
        return id;
      } catch (e) {
        return `error: ${(e as Error).message}`;
      }
    }, url);
    try {
      expect(await openInPage(`${await serve("ranges")}/file.nwb`)).toBe("small-1");
      const flaky = await serve("flaky");
      expect(await openInPage(`${flaky}/file.nwb`)).toBe("small-1");
      expect((await (await fetch(`${flaky}/stats`)).json() as { requests: number }).requests).toBeGreaterThan(2);
      expect(await openInPage(`${await serve("no-ranges")}/file.nwb`)).toMatch(/error: .*does not answer range requests/);
      const missing = `${await serve("ranges")}/missing.nwb`;
      expect(await openInPage(missing)).toMatch(new RegExp(`error: .*${missing.replace(/[.]/g, "\\.")}.*HTTP 404`));
    } finally {
      for (const s of servers) s.kill();
      tmp.cleanup();
    }
  }, 60_000);
});

/** A GET with the path sent exactly as given (no normalisation of `..`). */
function rawGet(host: string, port: number, rawPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: rawPath, method: "GET" }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("tsnwb view's server", () => {
  it("serves the viewer and the file, and 404 for any other path", async () => {
    expect(await rawGet("127.0.0.1", server.port, "/")).toBe(200);
    expect(await rawGet("127.0.0.1", server.port, "/viewer.js")).toBe(200);
    expect(await rawGet("127.0.0.1", server.port, "/file.nwb")).toBe(200);
    const attempts = [
      "/../package.json", "/../../../../etc/passwd", "/%2e%2e/package.json", "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "/..%2f..%2fetc%2fpasswd",
      "//etc/passwd", "/etc/passwd", "/file.nwb/../package.json", "/viewer/../../package.json", "/server.js", "/app.js",
      "/package.json", "/dist/index.js", "/index.d.ts", `/${encodeURIComponent(FILE)}`, "/file.nwb%00.js", "/.%2e/file.nwb",
    ];
    for (const p of attempts) expect(await rawGet("127.0.0.1", server.port, p), p).toBe(404);
  });

  it("listens on 127.0.0.1 only", async () => {
    const others = Object.values(networkInterfaces()).flat().filter((a) => a && a.family === "IPv4" && !a.internal).map((a) => a!.address);
    for (const address of others) await expect(rawGet(address, server.port, "/")).rejects.toThrow(/ECONNREFUSED/);
    expect(server.url.startsWith(`http://127.0.0.1:${server.port}/`)).toBe(true);
  });
});
