/**
 * `tsnwb view`'s server: on 127.0.0.1 only, it serves the viewer's page and code and the one file it was given
 * (with range requests), by exact path; every other path, whatever its encoding, is 404, so nothing else on the
 * machine can be reached through it.
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

/** Serves the viewer for `file` (a path on disk, or a URL the page fetches itself). */
export async function serveViewer(file: string, port = 0): Promise<ViewerServer> {
  const remote = /^https?:\/\//i.test(file);
  if (!remote && !existsSync(file)) throw new NotFoundError(file);
  const page = readFileSync(path.join(VIEWER, "index.html"));
  const code = readFileSync(path.join(VIEWER, "viewer.js"));
  const size = remote ? 0 : statSync(file).size;
  const stats = { requests: 0, bytes: 0 };
  const server: Server = createServer((req, res) => {
    const url = req.url ?? "";
    const route = url.split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") return void res.writeHead(405).end();
    if (route === "/" || route === "/index.html") return void res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
    if (route === "/viewer.js") return void res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(code);
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
  return {
    url: `http://127.0.0.1:${actual}/?file=${encodeURIComponent(target)}`,
    port: actual,
    stats,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
