/**
 * Reading by URL, in Node: a 100 MB file served from a loopback HTTP server (its own process) with range support,
 * counting requests and bytes. Opening the file and reading one frame fetch under 2 MB; the frame equals the one
 * read from disk; a server without range support gets a clear error (or a full download when allowed); a server
 * that fails twice is retried; a missing file is an error naming the URL and the status.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImageSeries, NWBFile, NWBHDF5IO, ModeError, isTsnwbError } from "../src/index.js";
import { ROOT, tempFolder } from "./helpers.js";

const tmp = tempFolder();
const file = path.join(tmp.dir, "movie.nwb");
const FRAMES = 100, SIZE = 1000;
const servers: ChildProcess[] = [];

/** Starts the range server in `mode`; returns its base URL and a way to read its counts. */
async function serve(mode: "ranges" | "no-ranges" | "flaky"): Promise<{ url: string; stats: () => Promise<{ requests: number; bytes: number }> }> {
  const server = spawn(process.execPath, [path.join(ROOT, "test", "servers", "range-server.mjs"), file, mode]);
  servers.push(server);
  const port = await new Promise<string>((resolve) => server.stdout!.once("data", (d: Buffer) => resolve(String(d).trim())));
  const base = `http://127.0.0.1:${port}`;
  return { url: `${base}/file.nwb`, stats: async () => (await fetch(`${base}/stats`)).json() as Promise<{ requests: number; bytes: number }> };
}

beforeAll(async () => {
  const pixels = new Uint8Array(FRAMES * SIZE * SIZE);
  for (let i = 0; i < pixels.length; i += 997) pixels[i] = (i / 997) % 251;
  const nwbfile = new NWBFile({ session_description: "remote", identifier: "remote-1", session_start_time: "2024-01-01T00:00:00+00:00" });
  nwbfile.addAcquisition(new ImageSeries({ name: "movie", rate: 30, data: { data: pixels, shape: [FRAMES, SIZE, SIZE] } }));
  const io = await NWBHDF5IO.open(file, "w");
  await io.write(nwbfile);
  await io.close();
}, 120_000);
afterAll(() => {
  for (const s of servers) s.kill();
  tmp.cleanup();
});

describe("NWBHDF5IO.open(url)", () => {
  it("reads the file's metadata and one frame with range requests, under 2 MB of a 100 MB file", async () => {
    const { url, stats } = await serve("ranges");
    const io = await NWBHDF5IO.open(url, "r");
    const nwbfile = await io.read();
    const movie = nwbfile.getAcquisition("movie", ImageSeries);
    expect([movie.data.shape, movie.rate, nwbfile.identifier]).toEqual([[FRAMES, SIZE, SIZE], 30, "remote-1"]);
    const opened = await stats();
    const frame = await movie.data.read([[57, 58]]);
    const after = await stats();
    await io.close();
    const local = await NWBHDF5IO.open(file, "r");
    const expected = await (await local.read()).getAcquisition("movie", ImageSeries).data.read([[57, 58]]);
    await local.close();
    expect(Buffer.from(frame as Uint8Array).equals(Buffer.from(expected as Uint8Array))).toBe(true);
    expect(opened.bytes).toBeLessThan(512 << 10);
    expect(after.bytes).toBeLessThan(2 << 20);
    expect(after.requests).toBeLessThan(20);
  });

  it("refuses a server without range support clearly, and downloads the file whole only when allowed", async () => {
    const { url } = await serve("no-ranges");
    let error: unknown;
    try {
      await NWBHDF5IO.open(url, "r");
    } catch (e) {
      error = e;
    }
    expect(isTsnwbError(error, "FormatError") && error.message).toMatch(/does not answer range requests.*allowFullDownload: true/);
    const io = await NWBHDF5IO.open(url, "r", { remote: { allowFullDownload: true } });
    expect((await io.read()).identifier).toBe("remote-1");
    await io.close();
  });

  it("retries a failing server, and names the URL and status when it gives up", async () => {
    const { url, stats } = await serve("flaky");
    const io = await NWBHDF5IO.open(url, "r");
    expect((await io.read()).identifier).toBe("remote-1");
    await io.close();
    expect((await stats()).requests).toBeGreaterThan(2);
    const missing = url.replace("file.nwb", "missing.nwb");
    await expect(NWBHDF5IO.open(missing, "r")).rejects.toThrow(new RegExp(`${missing.replace(/[.]/g, "\\.")}.*HTTP 404`));
  });

  it("is read only", async () => {
    await expect(NWBHDF5IO.open("http://127.0.0.1:9/x.nwb", "w")).rejects.toBeInstanceOf(ModeError);
  });
});
