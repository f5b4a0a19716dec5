/**
 * `tsnwb view`'s server against hostile requests: what a page of another site in the same browser, a DNS-rebinding
 * page, or a local client could try, and what must come of it. Files written by tsnwb and by pynwb store external
 * paths that lead out of the NWB file's folder (`..`, absolute paths, links and linked folders out, links changed
 * while the server runs); the server gives only what resolves inside, byte for byte, and the same 404 for the rest.
 * Requests with another Host (421) or from another origin (403) are refused, here and in real Chromium (a foreign
 * page, and a rebinding name mapped to 127.0.0.1); Range requests in every form; the file moved, deleted, replaced
 * or shrinking while it is served; and, in `tsnwb view` itself under `ulimit -n 256`, 300 aborted downloads (and
 * 300 connections at once) leave no descriptor open and the server answering. The same for an NWB Zarr store
 * folder served key by key: only keys inside the store, whatever their encoding or links, a missing key 404.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import { connect } from "node:net";
import * as path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImageSeries, MemoryStore, NWBFile, NWBHDF5IO, NWBZarrIO } from "../src/index.js";
import { type ViewerServer, parseRange, serveViewer } from "../src/viewer/server.js";
import { ROOT, SHARED, TSNWB, tempFolder, viewServer } from "./helpers.js";

const tmp = tempFolder("tsnwb-viewer-server-");
/** The NWB file's folder; beside it, what must never be served. */
const SESSION = path.join(tmp.dir, "session");
const OUTSIDE = path.join(tmp.dir, "outside");
const NWB = path.join(SESSION, "session.nwb");
const BIG = path.join(SESSION, "big.mp4");

/** Stored external paths that resolve to a file inside the folder: served, byte for byte. */
const SERVED: Record<string, string> = {
  "videos/ok.webm": "videos/ok.webm",
  "big.mp4": "big.mp4",
  "sub/../videos/ok.webm": "videos/ok.webm",
  "../session/videos/ok.webm": "videos/ok.webm",
  "link-in.mp4": "videos/ok.webm",
  "linked-in-dir/ok.webm": "videos/ok.webm",
  "swap.mp4": "videos/ok.webm",
};
/** Stored external paths that must be 404: out of the folder one way or another, or not a file. */
const REFUSED = [
  "../secret.txt", "/etc/passwd", path.join(SESSION, "big.mp4"), "sub/../../secret.txt", "link-out.mp4", "link-secret.mp4",
  "linked-dir/movie.mp4", "linked-dir/../secret.txt", "../missing-secret.txt", "missing.mp4", "fifo.mp4", "dir.mp4",
  "C:\\Windows\\win.ini", "..\\secret.txt", ".", "videos/", "sub/../..", "../outside/ok.webm",
];

let server: ViewerServer;
let browser: Browser | undefined;

/** The external files' series, as a file stores them (one series naming all, each from frame 0). */
function hostileFile(stored: string[]): NWBFile {
  const nwbfile = new NWBFile({ session_description: "hostile external paths", identifier: "hostile-1", session_start_time: "2024-01-01T00:00:00+00:00" });
  nwbfile.addAcquisition(new ImageSeries({ name: "hostile", description: "external paths in and out of the folder", external_file: stored, starting_frame: stored.map(() => 0), rate: 30 }));
  // 8 MB of frames, so that a download of the file can be cut short.
  nwbfile.addAcquisition(new ImageSeries({ name: "frames", rate: 30, data: { data: new Uint8Array(randomBytes(32 * 512 * 512)), shape: [32, 512, 512] } }));
  return nwbfile;
}

beforeAll(async () => {
  for (const d of ["videos", "sub", "dir.mp4"]) mkdirSync(path.join(SESSION, d), { recursive: true });
  mkdirSync(OUTSIDE, { recursive: true });
  writeFileSync(path.join(tmp.dir, "secret.txt"), "SECRET: beside the folder");
  writeFileSync(path.join(OUTSIDE, "movie.mp4"), "SECRET: in a folder beside it");
  writeFileSync(path.join(OUTSIDE, "ok.webm"), "SECRET: what a linked folder out would give");
  writeFileSync(path.join(SESSION, "videos", "ok.webm"), randomBytes(100_000));
  writeFileSync(BIG, randomBytes(16 << 20));
  symlinkSync("videos/ok.webm", path.join(SESSION, "link-in.mp4"));
  symlinkSync("videos", path.join(SESSION, "linked-in-dir"));
  symlinkSync("videos/ok.webm", path.join(SESSION, "swap.mp4"));
  symlinkSync("/etc/passwd", path.join(SESSION, "link-out.mp4"));
  symlinkSync("../secret.txt", path.join(SESSION, "link-secret.mp4"));
  symlinkSync("../outside", path.join(SESSION, "linked-dir"));
  execFileSync("mkfifo", [path.join(SESSION, "fifo.mp4")]);
  const io = await NWBHDF5IO.open(NWB, "w");
  await io.write(hostileFile([...Object.keys(SERVED), ...REFUSED]));
  await io.close();
  server = await serveViewer(NWB);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  tmp.cleanup();
});

interface Answer { status: number; headers: Record<string, string>; body: Buffer }

/**
 * Sends `request` as it is on a new connection (undefined: nothing) and reads the answer until the server closes
 * the connection (the requests say `Connection: close`; a client that half-closes is one that went, to Node).
 */
function exchange(port: number, request: string | undefined, timeoutMs = 20_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => void (request === undefined ? undefined : socket.write(request)));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no end of answer in ${timeoutMs} ms to ${(request ?? "(nothing)").split("\r\n")[0]}`));
    }, timeoutMs);
    socket.on("data", (d: Buffer) => chunks.push(d));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      const split = all.indexOf("\r\n\r\n");
      if (split < 0) return resolve({ status: 0, headers: {}, body: all });
      const [first, ...lines] = all.subarray(0, split).toString("latin1").split("\r\n");
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
      resolve({ status: Number(first!.split(" ")[1]), headers, body: all.subarray(split + 4) });
    });
  });
}

/** A request for `target` (sent exactly as written), with this server's Host unless `headers.host` says otherwise (null: none). */
function ask(port: number, target: string, headers: Record<string, string | null> = {}, method = "GET"): Promise<Answer> {
  const all: Record<string, string | null> = { host: `127.0.0.1:${port}`, ...headers, connection: "close" };
  const lines = Object.entries(all).filter(([, v]) => v !== null).map(([k, v]) => `${k}: ${v}`);
  return exchange(port, `${method} ${target} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n`);
}

const external = (stored: string) => `/external/${encodeURIComponent(stored)}`;
const inSession = (rel: string) => readFileSync(path.join(SESSION, rel));

describe("external files: only those inside the NWB file's folder", () => {
  it("serves each stored path that resolves inside the folder, byte for byte (links inside followed)", async () => {
    for (const [stored, real] of Object.entries(SERVED)) {
      const a = await ask(server.port, external(stored));
      expect(a.status, stored).toBe(200);
      expect(a.body.equals(inSession(real)), stored).toBe(true);
    }
  });

  it("answers the same 404 for `..` out, absolute paths, links and linked folders out, folders, FIFOs and missing files", async () => {
    const never = await ask(server.port, external("never-named.mp4"));
    expect([never.status, never.body.toString()]).toEqual([404, "not found"]);
    const shape = (a: Answer) => ({ status: a.status, body: a.body.toString(), headers: Object.entries(a.headers).filter(([k]) => k !== "date") });
    for (const stored of REFUSED) {
      const a = await ask(server.port, external(stored));
      expect(shape(a), stored).toEqual(shape(never));
      const head = await ask(server.port, external(stored), {}, "HEAD");
      expect(head.status, stored).toBe(404);
    }
    // Raw and encoded forms of the same tries, not among the stored paths as written.
    for (const target of ["/external/../secret.txt", "/external/..%2Fsecret.txt", "/external/%2e%2e%2fsecret.txt", "/external//etc/passwd", "/external/videos%2F..%2F..%2Fsecret.txt", "/external/link-out.mp4%00", "/external/%ZZ"]) {
      expect((await ask(server.port, target)).status, target).toBe(404);
    }
  });

  it("takes no notably longer or shorter to refuse a path out that exists than one that does not, or one never named", async () => {
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const paths = ["../secret.txt", "../missing-secret.txt", "link-out.mp4", "never-named.mp4"];
    const times = new Map(paths.map((p) => [p, [] as number[]]));
    for (let round = 0; round < 30; round++) {
      for (const p of paths) {
        const t0 = performance.now();
        await ask(server.port, external(p));
        times.get(p)!.push(performance.now() - t0);
      }
    }
    const medians = paths.map((p) => median(times.get(p)!));
    expect(Math.max(...medians) - Math.min(...medians), JSON.stringify(medians)).toBeLessThan(5);
  });

  it("decides at each request: a link re-pointed out, or a folder swapped for a link out, is refused from then on", async () => {
    const swap = path.join(SESSION, "swap.mp4");
    const repoint = (to: string) => {
      unlinkSync(swap);
      symlinkSync(to, swap);
    };
    expect((await ask(server.port, external("swap.mp4"))).status).toBe(200);
    for (const out of ["../secret.txt", "/etc/passwd", "../outside/ok.webm", path.join(SESSION, "..", "secret.txt")]) {
      repoint(out);
      const a = await ask(server.port, external("swap.mp4"));
      expect([a.status, a.body.toString()], out).toEqual([404, "not found"]);
    }
    repoint("videos/ok.webm");
    expect((await ask(server.port, external("swap.mp4"))).status).toBe(200);
    // The folder `videos` itself replaced by a link to a folder out that has a file of the same name.
    renameSync(path.join(SESSION, "videos"), path.join(SESSION, "videos.real"));
    symlinkSync("../outside", path.join(SESSION, "videos"));
    try {
      for (const stored of ["videos/ok.webm", "sub/../videos/ok.webm", "link-in.mp4", "linked-in-dir/ok.webm"]) {
        expect((await ask(server.port, external(stored))).body.toString(), stored).toBe("not found");
      }
    } finally {
      unlinkSync(path.join(SESSION, "videos"));
      renameSync(path.join(SESSION, "videos.real"), path.join(SESSION, "videos"));
    }
    expect((await ask(server.port, external("videos/ok.webm"))).status).toBe(200);
  });

  it("refuses the same paths in a file pynwb wrote", async () => {
    const folder = path.join(tmp.dir, "pynwb-session");
    mkdirSync(folder);
    writeFileSync(path.join(folder, "clip.mp4"), "a clip inside");
    symlinkSync("/etc/passwd", path.join(folder, "link-out.mp4"));
    symlinkSync("../secret.txt", path.join(folder, "link-secret.mp4"));
    const stored = ["clip.mp4", "../secret.txt", "/etc/passwd", "link-out.mp4", "link-secret.mp4", "sub/../../secret.txt"];
    const script = path.join(folder, "write.py");
    writeFileSync(script, [
      "import sys, datetime",
      "from pynwb import NWBFile, NWBHDF5IO",
      "from pynwb.image import ImageSeries",
      "f = NWBFile(session_description='hostile', identifier='pynwb-hostile', session_start_time=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc))",
      `f.add_acquisition(ImageSeries(name='hostile', external_file=${JSON.stringify(stored)}, starting_frame=${JSON.stringify(stored.map(() => 0))}, format='external', rate=30.0, unit='n.a.'))`,
      "with NWBHDF5IO(sys.argv[1], 'w') as io:",
      "    io.write(f)",
    ].join("\n"));
    const file = path.join(folder, "pynwb.nwb");
    execFileSync(path.join(SHARED, "tools", "oracle"), ["python", script, file], { stdio: "pipe" });
    const other = await serveViewer(file);
    try {
      const served = await ask(other.port, external("clip.mp4"));
      expect([served.status, served.body.toString()]).toEqual([200, "a clip inside"]);
      for (const s of stored.slice(1)) expect((await ask(other.port, external(s))).body.toString(), s).toBe("not found");
    } finally {
      await other.close();
    }
  }, 60_000);
});

describe("the page's own files", () => {
  it("are given by their exact names (the page, its code, the worker's chunks, HDF5's module), and nothing else of their folder", async () => {
    const dir = path.join(ROOT, "dist", "viewer");
    const names = readdirSync(dir);
    const given = names.filter((n) => /^(index\.html|viewer\.js|reader\.js|reader-[A-Z0-9]+\.js|reader-[A-F0-9]+\.wasm)$/.test(n));
    const wasm = given.find((n) => n.endsWith(".wasm"));
    expect(wasm).toBeDefined();
    for (const n of given) {
      const a = await ask(server.port, `/${n}`);
      expect([a.status, a.body.equals(readFileSync(path.join(dir, n)))], n).toEqual([200, true]);
      // Streaming compilation takes only application/wasm.
      if (n === wasm) expect(a.headers["content-type"]).toBe("application/wasm");
    }
    // tsc's output beside them (the server's own code, maps, declarations) and names near the given ones: 404.
    const near = [`${wasm}.map`, `x${wasm}`, `views/${wasm}`, `${wasm!.slice(0, -5)}.WASM`, `%2e%2e/viewer/${wasm}`, `.%2f${wasm}`, ...(wasm!.toLowerCase() === wasm ? [] : [wasm!.toLowerCase()])];
    for (const n of [...names.filter((n) => !given.includes(n)), ...near]) expect((await ask(server.port, `/${n}`)).status, n).toBe(404);
  });
});

describe("other hosts and other origins", () => {
  it("refuses (421) every request whose Host is not its own address and port, page included", async () => {
    const port = server.port;
    const foreign = [`evil.example:${port}`, `rebind.test:${port}`, `127.0.0.1:${port + 1}`, "127.0.0.1", "localhost", `localhost.:${port}`, `[::1]:${port}`, `0.0.0.0:${port}`, `127.0.0.2:${port}`, `127.1:${port}`, ""];
    for (const host of foreign) {
      for (const target of ["/", "/viewer.js", "/file.nwb", external("videos/ok.webm")]) {
        const a = await ask(port, target, { host });
        expect(a.status, `${host} ${target}`).toBe(421);
        expect(a.body.includes("HDF"), `${host} ${target}`).toBe(false);
      }
    }
    // HTTP/1.0 without Host: refused too (HTTP/1.1 without one is a bad request to Node: 400).
    expect((await exchange(port, "GET /file.nwb HTTP/1.0\r\n\r\n")).status).toBe(421);
    expect((await ask(port, "/file.nwb", { host: null })).status).toBe(400);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) expect((await ask(port, "/file.nwb", { host }, "HEAD")).status, host).toBe(200);
  });

  it("refuses (403) what a page of another origin asks, but lets a link from elsewhere open the page", async () => {
    const port = server.port;
    for (const origin of ["http://evil.example", "null", `http://127.0.0.1:${port + 1}`, `https://127.0.0.1:${port}`, `http://localhost:${port + 1}`]) {
      expect((await ask(port, "/file.nwb", { origin })).status, origin).toBe(403);
    }
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) expect((await ask(port, "/file.nwb", { origin }, "HEAD")).status, origin).toBe(200);
    for (const site of ["cross-site", "same-site"]) {
      for (const target of ["/file.nwb", external("videos/ok.webm"), "/viewer.js"]) {
        expect((await ask(port, target, { "sec-fetch-site": site, "sec-fetch-mode": "no-cors", "sec-fetch-dest": "video" })).status, `${site} ${target}`).toBe(403);
      }
      // Even as a navigation: only the page may be opened from elsewhere.
      expect((await ask(port, "/file.nwb", { "sec-fetch-site": site, "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" })).status).toBe(403);
      const opened = await ask(port, "/?file=%2Ffile.nwb", { "sec-fetch-site": site, "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" });
      expect(opened.status).toBe(200);
      // Not framed by the page that linked it, nor kept reachable from it.
      expect([opened.headers["x-frame-options"], opened.headers["content-security-policy"], opened.headers["cross-origin-opener-policy"]]).toEqual(["DENY", "frame-ancestors 'none'", "same-origin"]);
      expect((await ask(port, "/", { "sec-fetch-site": site, "sec-fetch-mode": "no-cors", "sec-fetch-dest": "iframe" })).status).toBe(403);
    }
    for (const site of ["same-origin", "none"]) expect((await ask(port, "/file.nwb", { "sec-fetch-site": site }, "HEAD")).status, site).toBe(200);
  });

  it("sends no CORS header, whatever is asked, and no other origin may embed what it serves", async () => {
    const port = server.port;
    const answers = [
      await ask(port, "/file.nwb", { origin: `http://127.0.0.1:${port}` }),
      await ask(port, "/file.nwb", { origin: "http://evil.example" }),
      await ask(port, "/file.nwb", { origin: "http://evil.example", "access-control-request-method": "GET", "access-control-request-headers": "range" }, "OPTIONS"),
      await ask(port, "/file.nwb", { origin: `http://127.0.0.1:${port}`, "access-control-request-method": "GET" }, "OPTIONS"),
      await ask(port, "/"),
      await ask(port, external("videos/ok.webm")),
      await ask(port, external("../secret.txt")),
    ];
    for (const a of answers) {
      expect(Object.keys(a.headers).filter((k) => k.startsWith("access-control-"))).toEqual([]);
      expect([a.headers["cross-origin-resource-policy"], a.headers["x-content-type-options"]]).toEqual(["same-origin", "nosniff"]);
    }
    expect(answers.map((a) => a.status)).toEqual([200, 403, 403, 405, 200, 200, 404]);
  });

  it("answers 405 to other methods than GET and HEAD", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"]) {
      const a = await ask(server.port, "/file.nwb", { "content-length": "0" }, method);
      expect([a.status, a.headers.allow], method).toEqual([405, "GET, HEAD"]);
    }
    // CONNECT (a tunnel) is closed unanswered, and the server goes on.
    expect((await exchange(server.port, `CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`)).status).toBe(0);
    expect((await ask(server.port, "/", {}, "HEAD")).status).toBe(200);
  });
});

describe("other hosts and other origins, in Chromium", () => {
  it("a foreign page can neither read nor embed the file or a video; a rebinding name gets 421, page and file", async () => {
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--host-resolver-rules=MAP rebind.test 127.0.0.1"] });
    const attacker: Server = createServer((_, res) => res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>elsewhere</title>"));
    await new Promise<void>((r) => attacker.listen(0, "127.0.0.1", r));
    const evil = `http://127.0.0.1:${(attacker.address() as { port: number }).port}`;
    const viewer = `http://127.0.0.1:${server.port}`;
    try {
      const page = await browser.newPage();
      // The viewer itself, opened at localhost: its page, code and file requests all pass (the page loads the file).
      const own = server.url.replace("127.0.0.1", "localhost");
      await page.goto(own);
      await page.waitForSelector("body[data-loaded=true]", { timeout: 30_000 });
      await page.goto(`${evil}/`);
      const before = server.stats.requests;
      const tries = await page.evaluate(async (v) => {
        const read = async (init?: RequestInit) => {
          try {
            const r = await fetch(`${v}/file.nwb`, init);
            return `${r.type} ${r.status} ${(await r.arrayBuffer()).byteLength}`;
          } catch (e) {
            return `refused: ${(e as Error).name}`;
          }
        };
        const video = await new Promise<string>((resolve) => {
          const el = document.createElement("video");
          el.onloadedmetadata = () => resolve("loaded");
          el.onerror = () => resolve(`error ${el.error?.code}`);
          el.src = `${v}/external/videos%2Fok.webm`;
          document.body.append(el);
        });
        const frame = await new Promise<string>((resolve) => {
          const f = document.createElement("iframe");
          f.onload = () => {
            try {
              resolve(`loaded, readable: ${f.contentDocument?.title ?? "no"}`);
            } catch {
              resolve("loaded, not readable");
            }
          };
          f.src = `${v}/`;
          document.body.append(f);
        });
        return { cors: await read(), ranged: await read({ headers: { range: "bytes=0-7" } }), opaque: await read({ mode: "no-cors" }), video, frame };
      }, viewer);
      expect(tries.cors).toBe("refused: TypeError");
      expect(tries.ranged).toBe("refused: TypeError");
      // Even a no-cors request: the answer is one no other origin may use (Cross-Origin-Resource-Policy).
      expect(tries.opaque).toBe("refused: TypeError");
      expect(tries.video).toMatch(/^error/);
      for (const f of page.frames()) expect(await f.title()).not.toMatch(/tsnwb/);
      // The file was never read for them (stats count the requests for the file that were served).
      expect(server.stats.requests).toBe(before);
      // DNS rebinding: a name of the attacker's, now resolving to 127.0.0.1, at the viewer's port.
      const rebound = await page.goto(`http://rebind.test:${server.port}/?file=%2Ffile.nwb`);
      expect(rebound?.status()).toBe(421);
      const same = await page.evaluate(async () => {
        const r = await fetch("/file.nwb", { headers: { range: "bytes=0-7" } });
        return `${r.status} ${(await r.text()).includes("HDF")}`;
      });
      expect(same).toBe("421 false");
      expect(server.stats.requests).toBe(before);
    } finally {
      attacker.close();
    }
  }, 90_000);
});

describe("ranges", () => {
  it("parses every form: N-M, N-, -SUFFIX; more than one range whole; malformed or past the end unsatisfiable", () => {
    const size = 1000;
    expect(parseRange(undefined, size)).toBe("whole");
    expect(parseRange("bytes=0-9", size)).toEqual({ start: 0, end: 9 });
    expect(parseRange("bytes=990-", size)).toEqual({ start: 990, end: 999 });
    expect(parseRange("bytes=-100", size)).toEqual({ start: 900, end: 999 });
    expect(parseRange("bytes=-5000", size)).toEqual({ start: 0, end: 999 });
    expect(parseRange("bytes=500-99999999999999999999", size)).toEqual({ start: 500, end: 999 });
    expect(parseRange("Bytes = 1-2", size)).toEqual({ start: 1, end: 2 });
    expect(parseRange("bytes=0-1, 5-6", size)).toBe("whole");
    expect(parseRange("items=0-5", size)).toBe("whole");
    for (const bad of ["bytes=abc", "bytes=5-2", "bytes=-0", "bytes=1000-", "bytes=1000-1005", "bytes=", "bytes=-", "bytes 0-5", "bytes=0x10-20", "bytes=+1-2", "bytes=1-2-3", "bytes=0-1,zz", "bytes=1e3-", "bytes=99999999999999999999999-", "bytes=2000-,3000-"]) {
      expect(parseRange(bad, size), bad).toBe("unsatisfiable");
    }
    expect(parseRange("bytes=0-", 0)).toBe("unsatisfiable");
    expect(parseRange("bytes=-10", 0)).toBe("unsatisfiable");
  });

  it("answers them on the file and on an external file, with the bytes on disk", async () => {
    for (const [target, bytes] of [["/file.nwb", readFileSync(NWB)], [external("videos/ok.webm"), inSession("videos/ok.webm")]] as const) {
      const size = bytes.length;
      const part = async (range: string, start: number, end: number) => {
        const a = await ask(server.port, target, { range });
        expect([a.status, a.headers["content-range"], a.headers["content-length"]], range).toEqual([206, `bytes ${start}-${end}/${size}`, String(end - start + 1)]);
        expect(a.body.equals(bytes.subarray(start, end + 1)), range).toBe(true);
      };
      await part("bytes=-100", size - 100, size - 1);
      await part("bytes=100-", 100, size - 1);
      await part("bytes=0-0", 0, 0);
      await part(`bytes=${size - 1}-${size + 100}`, size - 1, size - 1);
      await part(`bytes=-${size * 2}`, 0, size - 1);
      for (const range of ["bytes=-0", `bytes=${size}-`, "bytes=abc", "bytes=9-3", "bytes=", "bytes=0-1,zz"]) {
        const a = await ask(server.port, target, { range });
        expect([a.status, a.headers["content-range"], a.body.length], range).toEqual([416, `bytes */${size}`, 0]);
      }
      // More than one range, or another unit: the whole file (200).
      for (const range of ["bytes=0-1,5-6", "items=0-5"]) {
        const a = await ask(server.port, target, { range });
        expect([a.status, a.body.equals(bytes)], range).toEqual([200, true]);
      }
      // If-Range: the range only while the file is the one the tag names.
      const tag = (await ask(server.port, target, {}, "HEAD")).headers.etag!;
      expect((await ask(server.port, target, { range: "bytes=0-9", "if-range": tag })).status).toBe(206);
      expect((await ask(server.port, target, { range: "bytes=0-9", "if-range": '"another"' })).status).toBe(200);
    }
  });

  it("answers HEAD with the headers only", async () => {
    const size = readFileSync(NWB).length;
    const whole = await ask(server.port, "/file.nwb", {}, "HEAD");
    expect([whole.status, whole.headers["content-length"], whole.headers["accept-ranges"], whole.body.length]).toEqual([200, String(size), "bytes", 0]);
    const part = await ask(server.port, "/file.nwb", { range: "bytes=-100" }, "HEAD");
    expect([part.status, part.headers["content-range"], part.headers["content-length"], part.body.length]).toEqual([206, `bytes ${size - 100}-${size - 1}/${size}`, "100", 0]);
    const page = await ask(server.port, "/", {}, "HEAD");
    expect([page.status, page.body.length]).toEqual([200, 0]);
  });
});

describe("a file moved, deleted, replaced or shrinking while it is served", () => {
  it("answers 404 while the file is gone or not a file, 500 when it cannot be read, and serves it again once back", async () => {
    const folder = path.join(tmp.dir, "moving");
    mkdirSync(folder);
    const file = path.join(folder, "moving.nwb");
    copyFileSync(NWB, file);
    const bytes = readFileSync(file);
    const other = await serveViewer(file, 0, []);
    const get = (method = "GET") => ask(other.port, "/file.nwb", { range: "bytes=0-7" }, method);
    try {
      expect((await get()).status).toBe(206);
      renameSync(file, `${file}.moved`);
      expect([(await get()).status, (await get("HEAD")).status]).toEqual([404, 404]);
      expect((await ask(other.port, "/")).status).toBe(200);
      renameSync(`${file}.moved`, file);
      expect((await get()).body.equals(bytes.subarray(0, 8))).toBe(true);
      unlinkSync(file);
      expect((await get()).status).toBe(404);
      mkdirSync(file);
      expect((await get()).status).toBe(404);
      rmSync(file, { recursive: true });
      execFileSync("mkfifo", [file]);
      expect((await get()).status).toBe(404);
      unlinkSync(file);
      // The folder itself gone.
      renameSync(folder, `${folder}.gone`);
      expect((await get()).status).toBe(404);
      renameSync(`${folder}.gone`, folder);
      writeFileSync(file, bytes);
      if (process.getuid?.() !== 0) {
        chmodSync(file, 0);
        expect((await get()).status).toBe(500);
        chmodSync(file, 0o644);
      }
      const back = await ask(other.port, "/file.nwb");
      expect([back.status, back.body.equals(bytes)]).toEqual([200, true]);
    } finally {
      await other.close();
    }
  });

  it("ends a response cut short by the file shrinking (no hung client), deleted files read on, and the server goes on", async () => {
    const folder = path.join(tmp.dir, "shrinking");
    mkdirSync(folder);
    const file = path.join(folder, "shrinking.nwb");
    copyFileSync(NWB, file);
    writeFileSync(path.join(folder, "big.mp4"), randomBytes(64 << 20));
    const other = await serveViewer(file, 0, ["big.mp4"]);
    /** Starts a download, does `meanwhile` once its first bytes are in, and gives how many body bytes came of how many promised. */
    const download = (meanwhile: () => void) =>
      new Promise<{ got: number; promised: number }>((resolve, reject) => {
        const socket = connect(other.port, "127.0.0.1", () => socket.write(`GET /external/big.mp4 HTTP/1.1\r\nHost: 127.0.0.1:${other.port}\r\n\r\n`));
        let head = Buffer.alloc(0);
        let promised = -1;
        let got = 0;
        const timer = setTimeout(() => {
          socket.destroy();
          reject(new Error(`the download hung at ${got} of ${promised} bytes`));
        }, 20_000);
        socket.on("data", (d: Buffer) => {
          if (promised < 0) {
            head = Buffer.concat([head, d]);
            const split = head.indexOf("\r\n\r\n");
            if (split < 0) return;
            promised = Number(/content-length: (\d+)/i.exec(head.subarray(0, split).toString())![1]);
            got = head.length - split - 4;
            socket.pause();
            meanwhile();
            setTimeout(() => socket.resume(), 200);
          } else got += d.length;
          if (got >= promised) socket.end();
        });
        socket.on("error", () => undefined);
        socket.on("close", () => {
          clearTimeout(timer);
          resolve({ got, promised });
        });
      });
    try {
      const cut = await download(() => truncateSync(path.join(folder, "big.mp4"), 0));
      expect(cut.promised).toBe(64 << 20);
      expect(cut.got).toBeLessThan(cut.promised);
      writeFileSync(path.join(folder, "big.mp4"), randomBytes(64 << 20));
      // Deleted while read: the open file reads on to its end.
      const deleted = await download(() => unlinkSync(path.join(folder, "big.mp4")));
      expect(deleted.got).toBe(deleted.promised);
      expect((await ask(other.port, "/external/big.mp4")).status).toBe(404);
      expect((await ask(other.port, "/file.nwb", { range: "bytes=0-7" })).status).toBe(206);
    } finally {
      await other.close();
    }
  }, 60_000);
});

describe("limits on what a client may hold", () => {
  it("answers 431 to huge headers or a huge path, closes connections that send nothing or too slowly (408), and goes on", async () => {
    const port = server.port;
    expect((await ask(port, "/file.nwb", { "x-huge": "a".repeat(100_000) })).status).toBe(431);
    expect((await ask(port, `/${"a".repeat(100_000)}`)).status).toBe(431);
    const many = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`x-h${i}`, "1"]));
    expect([400, 431]).toContain((await ask(port, "/", many)).status);
    // Slowloris: sockets that send nothing, or headers a byte at a time, are closed after 10 s.
    const t0 = Date.now();
    const idle = Array.from({ length: 5 }, () => exchange(port, undefined, 30_000));
    const slow = Array.from({ length: 5 }, () =>
      new Promise<number>((resolve) => {
        const socket = connect(port, "127.0.0.1");
        const text = `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: ${"a".repeat(200)}`;
        let i = 0;
        const drip = setInterval(() => socket.write(text[i++ % text.length]!), 200);
        socket.on("error", () => undefined);
        socket.on("close", () => {
          clearInterval(drip);
          resolve(Date.now() - t0);
        });
      }));
    const idleAnswers = await Promise.all(idle);
    expect(idleAnswers.map((a) => a.status)).toEqual(idleAnswers.map(() => 408));
    for (const closedAfter of await Promise.all(slow)) expect(closedAfter).toBeLessThan(15_000);
    expect(Date.now() - t0).toBeGreaterThan(9_000);
    expect((await ask(port, "/", {}, "HEAD")).status).toBe(200);
  }, 40_000);
});

describe("tsnwb view under `ulimit -n 256`", () => {
  let child: ChildProcess | undefined;
  afterAll(() => void child?.kill());

  it("leaves no descriptor open after 300 aborted downloads (and 300 connections at once), and answers on", async () => {
    child = spawn("bash", ["-c", `ulimit -n 256; exec "${process.execPath}" "${TSNWB}" view "${NWB}" --no-open`], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    const served = viewServer(child);
    const url = await served.url;
    const pid = child.pid!;
    const port = Number(new URL(url).port);
    expect(readFileSync(`/proc/${pid}/limits`, "utf8")).toMatch(/Max open files\s+256\s+256/);
    const fds = () => readdirSync(`/proc/${pid}/fd`).length;
    const settled = async (target: number) => {
      for (let i = 0; i < 50 && fds() > target; i++) await new Promise((r) => setTimeout(r, 100));
      return fds();
    };
    // The same paths refused through the command as through the library.
    for (const stored of ["../secret.txt", "/etc/passwd", "link-out.mp4", "linked-dir/movie.mp4"]) expect((await ask(port, external(stored))).status, stored).toBe(404);
    expect((await ask(port, external("videos/ok.webm"))).status).toBe(200);
    expect((await ask(port, "/file.nwb", { range: "bytes=0-7" })).status).toBe(206);
    await new Promise((r) => setTimeout(r, 300));
    const before = fds();

    /** A download cut by the client: at once after asking, or once the first bytes are in. */
    const aborted = (target: string, when: "at-once" | "after-bytes", range?: string) =>
      new Promise<void>((resolve) => {
        const socket = connect(port, "127.0.0.1", () => {
          socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${range ? `Range: ${range}\r\n` : ""}\r\n`);
          if (when === "at-once") setImmediate(() => socket.destroy());
        });
        socket.once("data", () => socket.destroy());
        socket.on("error", () => undefined);
        socket.on("close", () => resolve());
      });
    const targets = ["/file.nwb", external("big.mp4")];
    for (let batch = 0; batch < 30; batch++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => {
        const n = batch * 10 + i;
        return aborted(targets[n % 2]!, n % 3 === 0 ? "at-once" : "after-bytes", n % 5 === 0 ? "bytes=1000-" : undefined);
      }));
    }
    expect(await settled(before)).toBe(before);
    // 300 at once: more than the server takes (64) and than its descriptors allow; it drops what it must, and lives.
    await Promise.all(Array.from({ length: 300 }, (_, n) => aborted(targets[n % 2]!, "after-bytes")));
    expect(await settled(before)).toBe(before);
    const whole = await ask(port, "/file.nwb");
    expect([whole.status, whole.body.equals(readFileSync(NWB))]).toEqual([200, true]);
    const big = await ask(port, external("big.mp4"), { range: "bytes=-100" });
    expect([big.status, big.body.equals(readFileSync(BIG).subarray(-100))]).toEqual([206, true]);
    expect(await settled(before)).toBe(before);
    expect(child.exitCode).toBe(null);
    expect(served.stderr()).toBe("");
  }, 120_000);
});

describe("an NWB Zarr store served key by key", () => {
  /** The store, in the NWB file's folder (its external files resolve in that folder, the store's parent). */
  const STORE = path.join(SESSION, "session.nwb.zarr");
  let zarrServer: ViewerServer;
  /** Every key of the store and its bytes. */
  const keys = new Map<string, Uint8Array>();
  const key = (k: string) => `/file.nwb.zarr/${k.split("/").map(encodeURIComponent).join("/")}`;

  beforeAll(async () => {
    // Written through a store object, so that the external paths are stored exactly as given (hostile ones too).
    const memory = new MemoryStore();
    const io = await NWBZarrIO.open(memory, "w");
    await io.write(hostileFile([...Object.keys(SERVED), ...REFUSED]));
    await io.close();
    for (const [k, bytes] of memory.entries) {
      mkdirSync(path.dirname(path.join(STORE, k)), { recursive: true });
      writeFileSync(path.join(STORE, k), bytes);
      keys.set(k.slice(1), bytes);
    }
    // Links in the store: one to a key inside (served), the rest out of it (never).
    symlinkSync(".zgroup", path.join(STORE, "link-in"));
    symlinkSync("/etc/passwd", path.join(STORE, "link-out"));
    symlinkSync("../../secret.txt", path.join(STORE, "link-secret"));
    symlinkSync("../session.nwb", path.join(STORE, "link-nwb"));
    symlinkSync("../../outside", path.join(STORE, "linked-dir"));
    execFileSync("mkfifo", [path.join(STORE, "fifo")]);
    zarrServer = await serveViewer(STORE);
  }, 120_000);
  afterAll(async () => {
    await zarrServer?.close();
  });

  it("opens the page on the store's route, and serves every key byte for byte, ranges too", async () => {
    expect(new URL(zarrServer.url).searchParams.get("file")).toBe("/file.nwb.zarr");
    expect(keys.size).toBeGreaterThan(10);
    for (const [k, bytes] of keys) {
      const a = await ask(zarrServer.port, key(k));
      expect([a.status, a.body.equals(bytes)], k).toEqual([200, true]);
    }
    const chunk = [...keys].find(([k]) => k.startsWith("acquisition/frames/data/") && !k.endsWith(".zarray") && !k.endsWith(".zattrs"))!;
    const part = await ask(zarrServer.port, key(chunk[0]), { range: "bytes=-100" });
    expect([part.status, part.body.equals(Buffer.from(chunk[1]).subarray(-100))]).toEqual([206, true]);
    const linked = await ask(zarrServer.port, key("link-in"));
    expect([linked.status, linked.body.equals(keys.get(".zgroup")!)]).toEqual([200, true]);
  });

  it("answers the same 404 for missing keys and for every way out of the store: `..`, absolute paths, encodings, links, folders, FIFOs", async () => {
    const shape = (a: Answer) => ({ status: a.status, body: a.body.toString(), headers: Object.entries(a.headers).filter(([k]) => k !== "date") });
    const missing = await ask(zarrServer.port, key("acquisition/frames/data/99.0.0"));
    expect([missing.status, missing.body.toString()]).toEqual([404, "not found"]);
    const tries = [
      "/file.nwb.zarr/../session.nwb", "/file.nwb.zarr/..%2Fsession.nwb", "/file.nwb.zarr/%2e%2e/session.nwb", "/file.nwb.zarr/%2e%2e%2fsession.nwb",
      "/file.nwb.zarr/acquisition/../../session.nwb", "/file.nwb.zarr/acquisition/%2e%2e/%2e%2e/secret.txt", "/file.nwb.zarr//etc/passwd",
      "/file.nwb.zarr/%2Fetc%2Fpasswd", "/file.nwb.zarr/%252e%252e/session.nwb", "/file.nwb.zarr/..%5Csession.nwb", "/file.nwb.zarr/acquisition%5C..%5C..%5Csession.nwb",
      "/file.nwb.zarr/./.zgroup", "/file.nwb.zarr/.zgroup%00", "/file.nwb.zarr/%ZZ", "/file.nwb.zarr", "/file.nwb.zarr/acquisition",
      "/file.nwb.zarr/link-out", "/file.nwb.zarr/link-secret", "/file.nwb.zarr/link-nwb", "/file.nwb.zarr/linked-dir/movie.mp4",
      "/file.nwb.zarr/linked-dir/../../secret.txt", "/file.nwb.zarr/fifo", `/file.nwb.zarr/${encodeURIComponent(path.join(tmp.dir, "secret.txt"))}`,
      "/file.nwb", "/file.nwb.zarr.zgroup", "/file.nwb.zarr%2F.zgroup", "/FILE.NWB.ZARR/.zgroup",
    ];
    for (const target of tries) {
      expect(shape(await ask(zarrServer.port, target)), target).toEqual(shape(missing));
      expect((await ask(zarrServer.port, target, {}, "HEAD")).status, target).toBe(404);
    }
  });

  it("lists a folder inside the store (its plain files and folders, links and FIFOs left out), and no folder out of it", async () => {
    const listing = async (target: string) => {
      const a = await ask(zarrServer.port, target);
      expect([a.status, a.headers["content-type"]], target).toEqual([200, "text/html; charset=utf-8"]);
      return [...a.body.toString().matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    };
    const root = await listing("/file.nwb.zarr/");
    expect(root).toContain(".zgroup");
    expect(root).toContain("acquisition/");
    for (const left of ["link-in", "link-out", "link-secret", "link-nwb", "linked-dir/", "linked-dir", "fifo"]) expect(root, left).not.toContain(left);
    expect(await listing("/file.nwb.zarr/acquisition/")).toEqual([...new Set([...keys.keys()].filter((k) => k.startsWith("acquisition/")).map((k) => k.split("/")[1]!))]
      .map((name) => (keys.has(`acquisition/${name}`) ? name : `${name}/`)).sort());
    const missing = await ask(zarrServer.port, key("acquisition/frames/data/99.0.0"));
    for (const target of ["/file.nwb.zarr/linked-dir/", "/file.nwb.zarr/%2e%2e/", "/file.nwb.zarr/../", "/file.nwb.zarr/acquisition/../../", "/file.nwb.zarr//",
      "/file.nwb.zarr/.zgroup/", "/file.nwb.zarr/link-in/", "/file.nwb.zarr/fifo/", "/file.nwb.zarr/nothing/", "/file.nwb.zarr/%2Fetc/", "/file.nwb.zarr/..%2F/"]) {
      const a = await ask(zarrServer.port, target);
      expect([a.status, a.body.toString()], target).toEqual([missing.status, missing.body.toString()]);
    }
    // A page of another origin cannot read a listing either.
    expect((await ask(zarrServer.port, "/file.nwb.zarr/", { origin: "http://evil.example" })).status).toBe(403);
    expect((await ask(zarrServer.port, "/file.nwb.zarr/", { host: "evil.example" })).status).toBe(421);
  });

  it("serves the store's external files beside the store folder only, and refuses the same paths out as for an HDF5 file", async () => {
    for (const [stored, real] of Object.entries(SERVED)) {
      const a = await ask(zarrServer.port, external(stored));
      expect([a.status, a.body.equals(inSession(real))], stored).toEqual([200, true]);
    }
    for (const stored of REFUSED) expect((await ask(zarrServer.port, external(stored))).body.toString(), stored).toBe("not found");
  });

  it("refuses a foreign Host (421) and another origin (403) on the store's keys", async () => {
    for (const host of ["evil.example", `evil.example:${zarrServer.port}`, "127.0.0.1", `127.0.0.2:${zarrServer.port}`]) {
      expect((await ask(zarrServer.port, key(".zgroup"), { host })).status, host).toBe(421);
    }
    expect((await ask(zarrServer.port, key(".zgroup"), { origin: "http://evil.example" })).status).toBe(403);
    expect((await ask(zarrServer.port, key(".zgroup"), { "sec-fetch-site": "cross-site" })).status).toBe(403);
    const own = await ask(zarrServer.port, key(".zgroup"), { origin: `http://127.0.0.1:${zarrServer.port}`, "sec-fetch-site": "same-origin" });
    expect([own.status, own.headers["access-control-allow-origin"]]).toEqual([200, undefined]);
  });

  it("answers 404 while the store or a key is moved or replaced, and serves it again once back", async () => {
    const get = () => ask(zarrServer.port, key(".zgroup"));
    expect((await get()).status).toBe(200);
    renameSync(STORE, `${STORE}.moved`);
    expect((await get()).status).toBe(404);
    renameSync(`${STORE}.moved`, STORE);
    expect((await get()).status).toBe(200);
    // The key replaced by a link out, then by a folder.
    const zgroup = path.join(STORE, ".zgroup");
    renameSync(zgroup, `${zgroup}.real`);
    try {
      symlinkSync("/etc/passwd", zgroup);
      expect((await get()).body.toString()).toBe("not found");
      unlinkSync(zgroup);
      mkdirSync(zgroup);
      expect((await get()).status).toBe(404);
      rmSync(zgroup, { recursive: true });
    } finally {
      renameSync(`${zgroup}.real`, zgroup);
    }
    expect((await get()).body.equals(keys.get(".zgroup")!)).toBe(true);
  });

  it("under tsnwb view and `ulimit -n 256`: no descriptor left after 300 aborted downloads of a chunk, and answers on", async () => {
    const child = spawn("bash", ["-c", `ulimit -n 256; exec "${process.execPath}" "${TSNWB}" view "${STORE}" --no-open`], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    try {
      const served = viewServer(child);
      const url = await served.url;
      const port = Number(new URL(url).port);
      const fds = () => readdirSync(`/proc/${child.pid}/fd`).length;
      const settled = async (target: number) => {
        for (let i = 0; i < 50 && fds() > target; i++) await new Promise((r) => setTimeout(r, 100));
        return fds();
      };
      // The command serves the same: keys inside, nothing out, the store's external files.
      expect((await ask(port, key(".zgroup"))).status).toBe(200);
      for (const target of ["/file.nwb.zarr/../session.nwb", "/file.nwb.zarr/link-out", "/file.nwb.zarr/%2e%2e/session.nwb"]) expect((await ask(port, target)).status, target).toBe(404);
      expect((await ask(port, external("videos/ok.webm"))).status).toBe(200);
      expect((await ask(port, external("../secret.txt"))).status).toBe(404);
      await new Promise((r) => setTimeout(r, 300));
      const before = fds();
      const [chunk, bytes] = [...keys].sort((a, b) => b[1].length - a[1].length)[0]!;
      const aborted = (when: "at-once" | "after-bytes") =>
        new Promise<void>((resolve) => {
          const socket = connect(port, "127.0.0.1", () => {
            socket.write(`GET ${key(chunk)} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
            if (when === "at-once") setImmediate(() => socket.destroy());
          });
          socket.once("data", () => socket.destroy());
          socket.on("error", () => undefined);
          socket.on("close", () => resolve());
        });
      for (let batch = 0; batch < 30; batch++) await Promise.all(Array.from({ length: 10 }, (_, i) => aborted(i % 3 === 0 ? "at-once" : "after-bytes")));
      expect(await settled(before)).toBe(before);
      const whole = await ask(port, key(chunk));
      expect([whole.status, whole.body.equals(bytes)]).toEqual([200, true]);
      expect(await settled(before)).toBe(before);
      expect(child.exitCode).toBe(null);
      expect(served.stderr()).toBe("");
    } finally {
      child.kill();
    }
  }, 120_000);
});
