/**
 * `tsnwb view`'s server: on 127.0.0.1 only, it serves the viewer's page and code, the one file it was given, and
 * the external files (videos) that file's series name (with range requests), each by exact path; every other path,
 * whatever its encoding, is 404, so nothing else on the machine can be reached through it.
 */
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { type Server, createServer } from "node:http";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { NotFoundError } from "../errors.js";

/** The viewer's page and code, made by `bundle.ts` into `dist/viewer` (beside this module once compiled). */
const here = path.dirname(fileURLToPath(import.meta.url));
const VIEWER = existsSync(path.join(here, "viewer.js")) ? here : path.resolve(here, "..", "..", "dist", "viewer");

export interface ViewerServer {
  /** The viewer's address, opening the file. */
  url: string;
  port: number;
  /** Requests for the file, and bytes of it sent. */
  stats: { requests: number; bytes: number };
  close(): Promise<void>;
}

/**
 * Serves the viewer for `file` (a path on disk, or a URL the page fetches itself). `externals` are its series'
 * external files when the caller has read them already (`tsnwb view` reads untrusted files in a bounded worker).
 */
export async function serveViewer(file: string, port = 0, externals?: Map<string, string>): Promise<ViewerServer> {
  const remote = /^https?:\/\//i.test(file);
  if (!remote && !existsSync(file)) throw new NotFoundError(file);
  const page = readFileSync(path.join(VIEWER, "index.html"));
  const code = readFileSync(path.join(VIEWER, "viewer.js"));
  // The reading worker the page starts (the only code that opens the file).
  const worker = readFileSync(path.join(VIEWER, "reader.js"));
  const size = remote ? 0 : statSync(file).size;
  const stats = { requests: 0, bytes: 0 };
  externals ??= remote ? new Map<string, string>() : await externalFiles(file);
  const server: Server = createServer((req, res) => {
    const url = req.url ?? "";
    const route = url.split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") return void res.writeHead(405).end();
    if (route === "/" || route === "/index.html") return void res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
    if (route === "/viewer.js") return void res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(code);
    if (route === "/reader.js") return void res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(worker);
    if (route.startsWith("/external/")) {
      // Only the paths the file's series name, compared as stored: "../" or anything else is not among them.
      let name: string;
      try {
        name = decodeURIComponent(route.slice("/external/".length));
      } catch {
        return void res.writeHead(404).end("not found");
      }
      const target = externals.get(name);
      if (target === undefined || !existsSync(target)) return void res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return void sendFile(req.headers.range, res, target, statSync(target).size, contentType(target));
    }
    if (route === "/file.nwb" && !remote) {
      stats.requests++;
      const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
      if (!m) {
        stats.bytes += size;
        res.writeHead(200, { "content-type": "application/x-hdf5", "content-length": size, "accept-ranges": "bytes" });
        return void createReadStream(file).pipe(res);
      }
      const start = Number(m[1]);
      const end = Math.min(m[2] ? Number(m[2]) : size - 1, size - 1);
      if (start > end) return void res.writeHead(416, { "content-range": `bytes */${size}` }).end();
      stats.bytes += end - start + 1;
      res.writeHead(206, { "content-type": "application/x-hdf5", "content-length": end - start + 1, "content-range": `bytes ${start}-${end}/${size}` });
      return void createReadStream(file, { start, end }).pipe(res);
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const actual = (server.address() as { port: number }).port;
  const target = remote ? file : "/file.nwb";
  const query = remote ? "" : "&external=%2Fexternal%2F";
  return {
    url: `http://127.0.0.1:${actual}/?file=${encodeURIComponent(target)}${query}`,
    port: actual,
    stats,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The external files of the NWB file's series: each path as stored -> where it is on disk (relative to the file). */
async function externalFiles(file: string): Promise<Map<string, string>> {
  const { NWBHDF5IO } = await import("../io/nwb-io.js");
  const { ImageSeries } = await import("../containers/image.js");
  const out = new Map<string, string>();
  const io = await NWBHDF5IO.open(file, "r");
  try {
    for (const obj of (await io.read()).objects.values()) {
      if (!(obj instanceof ImageSeries)) continue;
      for (const p of obj.external_file ?? []) out.set(p, path.resolve(path.dirname(path.resolve(file)), p));
    }
  } finally {
    await io.close();
  }
  return out;
}

function contentType(file: string): string {
  const types: Record<string, string> = { ".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime", ".webm": "video/webm", ".ogv": "video/ogg", ".avi": "video/x-msvideo", ".mkv": "video/x-matroska" };
  return types[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

/** A file, whole or the range asked for. */
function sendFile(range: string | undefined, res: import("node:http").ServerResponse, file: string, size: number, type: string): void {
  const m = /^bytes=(\d+)-(\d*)$/.exec(range ?? "");
  if (!m) {
    res.writeHead(200, { "content-type": type, "content-length": size, "accept-ranges": "bytes" });
    createReadStream(file).pipe(res);
    return;
  }
  const start = Number(m[1]);
  const end = Math.min(m[2] ? Number(m[2]) : size - 1, size - 1);
  if (start > end) {
    res.writeHead(416, { "content-range": `bytes */${size}` }).end();
    return;
  }
  res.writeHead(206, { "content-type": type, "content-length": end - start + 1, "content-range": `bytes ${start}-${end}/${size}`, "accept-ranges": "bytes" });
  createReadStream(file, { start, end }).pipe(res);
}
