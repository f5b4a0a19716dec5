/**
 * `tsnwb view`'s server: on 127.0.0.1 only, it serves the viewer's page and code, the one file it was given (an
 * HDF5 file at `/file.nwb`, or an NWB Zarr store folder's keys under `/file.nwb.zarr/`), and the external files
 * (videos) that file's series name, each by exact path; every other path, whatever its encoding, is 404, so nothing
 * else on the machine can be reached through it.
 *
 * A page of another site running in the same browser is the adversary it is built against:
 * - an external file is served only when the path the file stores resolves, on disk and at the time of the request
 *   (links can change), to a regular file inside the NWB file's folder: not `..` out of it, not an absolute path,
 *   not a symbolic link (or a linked folder) leading out; refused or missing, the answer is the same 404;
 * - a Zarr store's key is served by the same rules, inside the store folder: each of its parts, percent-decoded
 *   once, must be a plain name (not empty, `.`, `..`, nor holding `/`, `\` or NUL), and the file it names must
 *   resolve, links followed, to a regular file inside the store; any other key is 404, which a Zarr reader takes
 *   for a key the store does not hold (a chunk never written: its fill value); a folder's path (ending in `/`) is
 *   answered with an index page of its plain files and folders (links left out) when the folder resolves inside
 *   the store, as a web server lists a folder: the reader lists hdmf-zarr's cached specification so;
 * - a request whose Host is not this server's own address (127.0.0.1:PORT or localhost:PORT) is refused (421), so
 *   a DNS-rebinding page cannot read anything; one sent by a page of another origin (its Origin, or the browser's
 *   Sec-Fetch-Site) is refused (403), but for opening the page itself; no CORS header is ever sent, and every
 *   answer says `Cross-Origin-Resource-Policy: same-origin`, so no other page can embed a file either;
 * - a file moved, deleted, replaced or failing while it is read answers 404 or 500, or ends the connection of a
 *   response under way, and the server goes on; every file opened is closed when its response ends or its client
 *   goes, so aborted downloads leak nothing;
 * - bounded time for a request's headers and bounded headers, idle connections closed, connections capped.
 */
import { type Dirent, constants as fsConstants, existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { type FileHandle, open, readdir, readlink, realpath } from "node:fs/promises";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import * as path from "node:path";
import { pipeline } from "node:stream";
import { fileURLToPath } from "node:url";
import { NotFoundError, ValidationError } from "../errors.js";

/** The viewer's page and code, made by `bundle.ts` into `dist/viewer` (beside this module once compiled). */
const here = path.dirname(fileURLToPath(import.meta.url));
const VIEWER = existsSync(path.join(here, "viewer.js")) ? here : path.resolve(here, "..", "..", "dist", "viewer");

/**
 * The page's files in `dist/viewer` the server gives, by their path on the server (a file the bundle makes is
 * added here; the rest of that folder, tsc's output for Node, is not the page's and is not served).
 */
const PAGE_FILES: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/index.html": { file: "index.html", type: "text/html; charset=utf-8" },
  "/viewer.js": { file: "viewer.js", type: "text/javascript; charset=utf-8" },
  // The reading worker the page starts (the only code that opens the file).
  "/reader.js": { file: "reader.js", type: "text/javascript; charset=utf-8" },
};

/** The name of a chunk of the reading worker's bundle (`bundle.ts`; esbuild's hashes are upper-case letters and digits). */
export const READER_CHUNK = /^reader-[A-Z0-9]+\.js$/;

/** The name of HDF5's WebAssembly module the reading worker compiles (`bundle.ts`, `hdf5-wasm.ts`): hexadecimal upper-case. */
export const READER_WASM = /^reader-[A-F0-9]+\.wasm$/;

/** The page's files: those named above, and the chunks of the worker's bundle the build made, and its WebAssembly. */
function pageFiles(): Map<string, { body: Buffer; type: string }> {
  const files = new Map(Object.entries(PAGE_FILES).map(([route, p]) => [route, { body: readFileSync(path.join(VIEWER, p.file)), type: p.type }]));
  for (const name of readdirSync(VIEWER)) {
    if (READER_CHUNK.test(name)) files.set(`/${name}`, { body: readFileSync(path.join(VIEWER, name)), type: "text/javascript; charset=utf-8" });
    // application/wasm: what streaming compilation requires.
    if (READER_WASM.test(name)) files.set(`/${name}`, { body: readFileSync(path.join(VIEWER, name)), type: "application/wasm" });
  }
  return files;
}

/** Limits on what a client may hold: time to send a request's headers, a whole request, and an idle connection. */
const LIMITS = {
  /** A request's headers (a connection that sends nothing is closed after this too: 408). */
  headersMs: 10_000,
  /** A whole request. */
  requestMs: 30_000,
  /** A connection between requests. */
  keepAliveMs: 5_000,
  /** A connection on which nothing moves (a response the client stopped reading, for one). */
  idleMs: 120_000,
  /** The headers of a request, in bytes (more: 431). */
  headerBytes: 16 * 1024,
  /** Connections at once (a browser opens 6 per server). */
  connections: 64,
};

/** Headers every answer carries: no other origin may embed or sniff it, and no Referer leaves the page. */
const COMMON_HEADERS = {
  "x-content-type-options": "nosniff",
  "cross-origin-resource-policy": "same-origin",
  "referrer-policy": "no-referrer",
};

/** Headers of the page: not framed by another page, and not left reachable from the page that opened it. */
const PAGE_HEADERS = {
  "x-frame-options": "DENY",
  "content-security-policy": "frame-ancestors 'none'",
  "cross-origin-opener-policy": "same-origin",
};

/** Where `tsnwb view` serves an NWB Zarr store's keys (`/file.nwb.zarr/acquisition/ts/.zarray`). */
export const STORE_ROUTE = "/file.nwb.zarr";

export interface ViewerServer {
  /** The viewer's address, opening the file. */
  url: string;
  port: number;
  /** Requests for the file (a store: for its keys), and bytes of it sent. */
  stats: { requests: number; bytes: number };
  close(): Promise<void>;
}

/**
 * Serves the viewer for `file` (an HDF5 file or an NWB Zarr store folder on disk, or a URL the page fetches
 * itself), on 127.0.0.1 at `port` (0: any free port). `externals` are the paths its series' `external_file` store, as stored, when the caller has read
 * them already (`tsnwb view` reads untrusted files in a bounded worker); otherwise the file is read here for them.
 */
export async function serveViewer(file: string, port = 0, externals?: readonly string[]): Promise<ViewerServer> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ValidationError("tsnwb view", "port", "an integer from 0 to 65535", String(port));
  const remote = /^https?:\/\//i.test(file);
  if (!remote && !existsSync(file)) throw new NotFoundError(file);
  const store = !remote && statSync(file).isDirectory();
  if (store && !existsSync(path.join(file, ".zgroup"))) throw new ValidationError("tsnwb view", "file", "an NWB file, an NWB Zarr store (a folder with a .zgroup), or a URL", file);
  const page = pageFiles();
  const stats = { requests: 0, bytes: 0 };
  const stored = new Set(externals ?? (remote ? [] : await externalFiles(file)));
  const nwbPath = remote ? "" : path.resolve(file);
  // External files are relative to the HDF5 file's folder, or to the Zarr store folder's parent.
  const folder = path.dirname(nwbPath);
  const server: Server = createServer({ maxHeaderSize: LIMITS.headerBytes, headersTimeout: LIMITS.headersMs, requestTimeout: LIMITS.requestMs, keepAliveTimeout: LIMITS.keepAliveMs, connectionsCheckingInterval: 1000 });
  server.maxConnections = LIMITS.connections;
  server.setTimeout(LIMITS.idleMs);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  // Once listening, a failed accept (no descriptor left) costs that connection only.
  server.on("error", () => undefined);
  const actual = (server.address() as { port: number }).port;
  const ownHosts = new Set([`127.0.0.1:${actual}`, `localhost:${actual}`, ...(actual === 80 ? ["127.0.0.1", "localhost"] : [])]);
  const ownOrigins = new Set([...ownHosts].map((h) => `http://${h}`));

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    for (const [k, v] of Object.entries(COMMON_HEADERS)) res.setHeader(k, v);
    const route = (req.url ?? "").split("?")[0]!;
    const refusal = refuse(req, route, ownHosts, ownOrigins);
    if (refusal) return void answer(res, refusal.status, refusal.text);
    if (req.method !== "GET" && req.method !== "HEAD") return void res.setHeader("allow", "GET, HEAD").writeHead(405).end();
    const own = page.get(route);
    if (own) {
      res.writeHead(200, { ...PAGE_HEADERS, "content-type": own.type, "content-length": own.body.length });
      return void (req.method === "HEAD" ? res.end() : res.end(own.body));
    }
    if (route === "/file.nwb" && !remote && !store) {
      stats.requests++;
      return void sendFile(req, res, () => openRegular(nwbPath), "application/x-hdf5", (n) => (stats.bytes += n)).catch(() => res.destroy());
    }
    if (store && route.startsWith(`${STORE_ROUTE}/`) && route.endsWith("/")) {
      // "" the store's root; else a key's parts and the "/" that makes it a folder ("a//" is not one).
      const rest = route.slice(STORE_ROUTE.length + 1);
      const key = rest === "" ? "" : storeKey(rest.slice(0, -1));
      if (key === undefined) return void notFound(res);
      stats.requests++;
      return void listInside(nwbPath, key).then((page) => (page === undefined ? notFound(res) : answer(res, 200, page, "text/html; charset=utf-8")), () => answer(res, 500, "cannot list the folder"));
    }
    if (store && route.startsWith(`${STORE_ROUTE}/`)) {
      const key = storeKey(route.slice(STORE_ROUTE.length + 1));
      if (key === undefined) return void notFound(res);
      stats.requests++;
      return void sendFile(req, res, () => openInside(nwbPath, key), "application/octet-stream", (n) => (stats.bytes += n)).catch(() => res.destroy());
    }
    if (route.startsWith("/external/")) {
      let name: string;
      try {
        name = decodeURIComponent(route.slice("/external/".length));
      } catch {
        return void notFound(res);
      }
      // Only a path the file's series store, exactly; then only if it leads to a file inside the folder.
      if (!stored.has(name)) return void notFound(res);
      return void sendFile(req, res, () => openInside(folder, name), contentType(name)).catch(() => res.destroy());
    }
    notFound(res);
  });

  const target = remote ? file : store ? STORE_ROUTE : "/file.nwb";
  const query = remote ? "" : "&external=%2Fexternal%2F";
  return {
    url: `http://127.0.0.1:${actual}/?file=${encodeURIComponent(target)}${query}`,
    port: actual,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Why a request is refused before its path is looked at, if it is: a Host that is not this server's (a page
 * reached through DNS rebinding: 421), or a request a page of another origin makes (403). Opening the page itself
 * from another site (a link followed) is allowed: the page is public code, and the page cannot be framed.
 */
function refuse(req: IncomingMessage, route: string, ownHosts: Set<string>, ownOrigins: Set<string>): { status: number; text: string } | undefined {
  const host = (req.headers.host ?? "").toLowerCase();
  if (!ownHosts.has(host)) return { status: 421, text: "this server answers only at its own address (127.0.0.1 or localhost, with its port)" };
  const origin = req.headers.origin;
  if (origin !== undefined && !ownOrigins.has(origin.toLowerCase())) return { status: 403, text: "requests from other origins are refused" };
  const site = req.headers["sec-fetch-site"];
  const opensPage = req.method === "GET" && req.headers["sec-fetch-mode"] === "navigate" && req.headers["sec-fetch-dest"] === "document" && (route === "/" || route === "/index.html");
  if (site !== undefined && site !== "same-origin" && site !== "none" && !opensPage) return { status: 403, text: "requests from other origins are refused" };
  return undefined;
}

/**
 * The key a store request's path (after the store's route and its "/") names, as a relative path in the store
 * folder, or undefined when it is not a plain key: each part percent-decoded once, none empty, `.` or `..`, none
 * holding a separator (`/` or `\` encoded in a part) or NUL. Whether it stays inside the folder once links are
 * followed is `openInside`'s to check.
 */
export function storeKey(rest: string): string | undefined {
  const parts: string[] = [];
  for (const raw of rest.split("/")) {
    let part: string;
    try {
      part = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (part === "" || part === "." || part === ".." || /[/\\\0]/.test(part)) return undefined;
    parts.push(part);
  }
  return parts.join("/");
}

function answer(res: ServerResponse, status: number, text: string, type = "text/plain; charset=utf-8"): void {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(text) }).end(text);
}

/** The one answer for whatever is not served: missing, refused or never named look the same. */
function notFound(res: ServerResponse): void {
  answer(res, 404, "not found");
}

/**
 * Opens `file` for reading if it is a regular file (a folder, a device or a FIFO put in its place is not served;
 * O_NONBLOCK so that opening a FIFO does not wait for a writer); undefined when it is missing or not a file.
 */
async function openRegular(file: string, flags = 0): Promise<FileHandle | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK | flags);
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
  try {
    if ((await handle.stat()).isFile()) return handle;
  } catch (e) {
    await handle.close();
    throw e;
  }
  await handle.close();
  return undefined;
}

/** Errors that mean "nothing there (that may be served)", answered 404; anything else is 500. */
function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP" || code === "EISDIR" || code === "ENAMETOOLONG" || code === "ERR_INVALID_ARG_VALUE" || code === "ERR_INVALID_ARG_TYPE";
}

/** Whether `target` (a real path) is `folder` (a real path) or inside it. */
function inside(folder: string, target: string): boolean {
  const rel = path.relative(folder, target);
  return rel === "" || (!rel.startsWith(`..${path.sep}`) && rel !== ".." && !path.isAbsolute(rel));
}

/**
 * The real paths (links followed, now) of `folder` and of `relative` in it ("" the folder itself), if the latter
 * resolves to the folder or inside it; undefined when it is missing or leads out.
 */
async function realPathInside(folder: string, relative: string): Promise<{ realFolder: string; real: string } | undefined> {
  let realFolder: string;
  let real: string;
  try {
    realFolder = await realpath(folder);
    real = await realpath(relative === "" ? folder : `${folder}${path.sep}${relative}`);
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
  return inside(realFolder, real) ? { realFolder, real } : undefined;
}

/**
 * Opens the external file `stored` names (as the file stores it) if it resolves to a regular file inside `folder`,
 * following links as the system does, now; undefined otherwise (absolute, `..` out, a link out, missing).
 * The real path is checked before opening, the file opened without following a last link (one put there since),
 * and on Linux the file actually opened is checked again through /proc, so a link swapped in meanwhile is caught.
 */
async function openInside(folder: string, stored: string): Promise<FileHandle | undefined> {
  if (stored.length === 0 || stored.includes("\0") || path.isAbsolute(stored) || path.win32.isAbsolute(stored)) return undefined;
  // Out of the folder as written (before links): refused without looking at the disk.
  if (!inside(folder, path.resolve(folder, stored))) return undefined;
  const found = await realPathInside(folder, stored);
  if (found === undefined || found.real === found.realFolder) return undefined;
  const { realFolder, real } = found;
  const handle = await openRegular(real, fsConstants.O_NOFOLLOW);
  if (handle === undefined) return undefined;
  let opened: string | undefined;
  try {
    opened = await readlink(`/proc/self/fd/${handle.fd}`);
  } catch {
    opened = undefined; // No /proc (not Linux): the checks before opening stand.
  }
  if (opened !== undefined && !inside(realFolder, opened)) {
    await handle.close();
    return undefined;
  }
  return handle;
}

/**
 * An index page of the folder `key` of the store `folder` ("" its root) if it resolves, links followed, to a
 * folder inside the store: a link to each of its regular files and folders (links in it are left out, so the
 * listing names nothing a key request would not serve); undefined otherwise.
 */
async function listInside(folder: string, key: string): Promise<string | undefined> {
  const real = (await realPathInside(folder, key))?.real;
  if (real === undefined) return undefined;
  let entries: Dirent[];
  try {
    entries = await readdir(real, { withFileTypes: true });
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
  const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const items = entries
    .filter((e) => e.isFile() || e.isDirectory())
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
    .sort()
    .map((name) => `<li><a href="${escape(name.split("/").map(encodeURIComponent).join("/"))}">${escape(name)}</a></li>`);
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>Index of /${escape(key)}</title></head><body><ul>\n${items.join("\n")}\n</ul></body></html>\n`;
}

/** A byte range of a file of `size` bytes: inclusive `start` and `end`. */
interface ByteRange { start: number; end: number }

/**
 * What a Range header asks of a file of `size` bytes: the whole file (no header, another unit than bytes, or more
 * than one range: answered whole, 200), one range (206), or nothing that can be given (malformed, or starting past
 * the end: 416). `bytes=N-M`, `bytes=N-` and `bytes=-SUFFIX` (the last SUFFIX bytes) are understood.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | "whole" | "unsatisfiable" {
  if (header === undefined) return "whole";
  const eq = header.indexOf("=");
  if (eq < 0) return "unsatisfiable";
  if (header.slice(0, eq).trim().toLowerCase() !== "bytes") return "whole";
  const specs = header.slice(eq + 1).split(",").map((s) => s.trim());
  const ranges: (ByteRange | undefined)[] = specs.map((spec) => {
    const m = /^(\d*)-(\d*)$/.exec(spec);
    if (!m || (m[1] === "" && m[2] === "")) return undefined;
    if (m[1] === "") {
      const suffix = Number(m[2]);
      return suffix === 0 || size === 0 ? { start: 1, end: 0 } : { start: Math.max(0, size - suffix), end: size - 1 };
    }
    const start = Number(m[1]);
    const end = m[2] === "" ? size - 1 : Number(m[2]);
    if (end < start) return undefined;
    return { start, end: Math.min(end, size - 1) };
  });
  if (ranges.some((r) => r === undefined)) return "unsatisfiable";
  const satisfiable = ranges.filter((r): r is ByteRange => r!.start <= r!.end && r!.start < size);
  if (satisfiable.length === 0) return "unsatisfiable";
  return ranges.length > 1 ? "whole" : satisfiable[0]!;
}

/**
 * Answers with the file `opener` opens (undefined: 404): whole, or the range asked for; HEAD gets the headers only.
 * The file is closed when the answer is sent, fails, or its client goes (stream.pipeline destroys both sides).
 */
async function sendFile(req: IncomingMessage, res: ServerResponse, opener: () => Promise<FileHandle | undefined>, type: string, counted?: (bytes: number) => void): Promise<void> {
  // 'close' before the answer is written: the client went.
  let gone = false;
  res.once("close", () => (gone = true));
  let handle: FileHandle | undefined;
  try {
    handle = await opener();
  } catch {
    if (!gone) answer(res, 500, "the file could not be read");
    return;
  }
  if (handle === undefined) return void (gone ? undefined : notFound(res));
  let size: number;
  let etag: string;
  try {
    const st = await handle.stat();
    size = st.size;
    etag = `"${st.ino.toString(36)}-${st.size.toString(36)}-${Math.floor(st.mtimeMs).toString(36)}"`;
  } catch {
    await handle.close();
    if (!gone) answer(res, 500, "the file could not be read");
    return;
  }
  // The client went while the file was being opened.
  if (gone) return void (await handle.close());
  const ifRange = req.headers["if-range"];
  const asked = ifRange === undefined || ifRange === etag ? parseRange(req.headers.range, size) : "whole";
  const base = { "content-type": type, "accept-ranges": "bytes", etag, "cache-control": "no-store" };
  if (asked === "unsatisfiable") {
    await handle.close();
    return void res.writeHead(416, { ...base, "content-type": "text/plain; charset=utf-8", "content-range": `bytes */${size}`, "content-length": 0 }).end();
  }
  const { start, end } = asked === "whole" ? { start: 0, end: size - 1 } : asked;
  const length = end - start + 1;
  if (asked === "whole") res.writeHead(200, { ...base, "content-length": size });
  else res.writeHead(206, { ...base, "content-length": length, "content-range": `bytes ${start}-${end}/${size}` });
  if (req.method === "HEAD" || length === 0) {
    await handle.close();
    return void res.end();
  }
  counted?.(length);
  const stream = handle.createReadStream({ start, end, autoClose: true });
  // A file that shrank while it was read ends early: the connection is ended too, or the client would wait for
  // the bytes promised.
  stream.on("end", () => {
    if (stream.bytesRead < length) res.destroy();
  });
  pipeline(stream, res, () => {
    // Ended, failed or abandoned: the stream is destroyed by now (its file closed); the response too unless complete.
    if (!res.writableFinished) res.destroy();
  });
}

/** The external files of the NWB file's (or Zarr store's) series: each path as stored. */
async function externalFiles(file: string): Promise<string[]> {
  const { withFileRead } = await import("../io/open-file.js");
  const { ImageSeries } = await import("../containers/image.js");
  return withFileRead(file, (nwbfile) => [...nwbfile.objects.values()].flatMap((obj) => (obj instanceof ImageSeries ? (obj.external_file ?? []) : [])));
}

function contentType(file: string): string {
  const types: Record<string, string> = { ".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime", ".webm": "video/webm", ".ogv": "video/ogg", ".avi": "video/x-msvideo", ".mkv": "video/x-matroska" };
  return types[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}
