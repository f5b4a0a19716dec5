// A loopback HTTP server for the Zarr store tests and benchmark: serves a folder (a Zarr store as zarr-python and
// hdmf-zarr keep it on disk) under /store/, each path part percent-decoded, as a static host or an object store
// would. Holds every answer DELAY ms and counts requests, bytes and sequential round trips (delayed-answers.mjs,
// shared with range-server.mjs): `chain`, the longest chain of requests each sent after an answer (what a client
// waited for in turn, however many it kept in flight), and `roundTrips`, bursts of requests (which a pipeline of
// requests always in flight fools: one burst however long it lasts; kept for older bounds). 404 for a missing key (403 with `forbidMissing`, as S3 answers without list rights).
// With `listing`, lists folders as web servers and object stores do: "index" answers a folder's path (ending in "/")
// with an index page of its entries, "index-hiding-dotfiles" the same without names starting with "." (nginx's
// autoindex), "s3" answers S3's ListObjectsV2 (`/store?list-type=2&prefix=...&delimiter=/`, the bucket "store",
// `s3PageSize` keys a page, continued by token).
// Answers "GET /stats" with the counts as JSON and "GET /reset" by zeroing them; with `staticDir`, serves that
// folder's files under /page/ (a test page of the same origin), undelayed and uncounted.
//
// In a test: `const server = await serveFolder(dir, { delay: 50 })`; as a process (the benchmark, so that the
// client's work does not delay the server's answers): `node folder-server.mjs DIR [DELAY_MS] [http2]`, which prints
// its port.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import fs from "node:fs/promises";
import http from "node:http";
import http2 from "node:http2";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DelayedAnswers } from "./delayed-answers.mjs";

/**
 * Serves `root` under /store/. Options: delay (ms per answer), headers (every one a request must carry, else 401),
 * failFirst (answer each key 503 that many times before serving it), forbidMissing (403 instead of 404),
 * staticDir (files under /page/), http2 (HTTPS with HTTP/2, HTTP/1.1 to clients without it, on a self-signed
 * certificate made by openssl: for browsers started with --ignore-certificate-errors, which send all their requests
 * over one connection as they do to HTTP/2 object stores and CDNs). Resolves to { url (of the store), origin,
 * stats(), reset(), close() }.
 */
export async function serveFolder(root, options = {}) {
  const answers = new DelayedAnswers(options.delay ?? 0);
  let requests = 0, bytes = 0;
  /** The keys asked for, decoded, in order of arrival. */
  const keys = [];
  const failures = new Map();
  const handler = (req, res) => {
    res.setHeader("access-control-allow-origin", "*");
    res.setHeader("access-control-expose-headers", "content-range, content-length, content-type");
    if (req.method === "OPTIONS") {
      res.writeHead(204, { "access-control-allow-headers": "range, authorization", "access-control-allow-methods": "GET", "access-control-max-age": "86400" }).end();
      return;
    }
    const url = new URL(req.url, "http://localhost");
    if (url.pathname === "/stats") return void res.end(JSON.stringify(stats()));
    if (url.pathname === "/reset") {
      reset();
      return void res.end("{}");
    }
    if (options.staticDir && url.pathname.startsWith("/page/")) {
      const name = path.basename(url.pathname);
      const type = name.endsWith(".html") ? "text/html" : name.endsWith(".wasm") ? "application/wasm" : "text/javascript";
      fs.readFile(path.join(options.staticDir, name)).then((body) => res.writeHead(200, { "content-type": type }).end(body), () => res.writeHead(404).end());
      return;
    }
    if (options.listing === "s3" && (url.pathname === "/store" || url.pathname === "/store/") && url.searchParams.get("list-type") === "2") {
      requests++;
      return void answers.later(res, async () => {
        const body = await s3Listing(root, url.searchParams, options.s3PageSize ?? 1000);
        keys.push(`?list ${url.searchParams.get("prefix")}`);
        res.writeHead(200, { "content-type": "application/xml" }).end(body);
      }, url.pathname);
    }
    if (!url.pathname.startsWith("/store/")) return void res.writeHead(404).end("not found");
    if (url.pathname.endsWith("/") && options.listing?.startsWith("index")) {
      requests++;
      return void answers.later(res, async () => {
        const parts = url.pathname.slice("/store/".length, -1).split("/").filter((p) => p !== "").map(decodeURIComponent);
        if (parts.some((p) => p === "." || p === "..")) return void res.writeHead(400).end("bad folder");
        keys.push(`/${parts.join("/")}/`);
        let entries;
        try {
          entries = await fs.readdir(path.join(root, ...parts), { withFileTypes: true });
        } catch {
          return void res.writeHead(404).end("no such folder");
        }
        const shown = entries.filter((e) => options.listing === "index" || !e.name.startsWith(".")).map((e) => (e.isDirectory() ? `${e.name}/` : e.name)).sort();
        const escape = (t) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
        const items = shown.map((n) => `<a href="${escape(n.split("/").map(encodeURIComponent).join("/"))}">${escape(n)}</a>`);
        res.writeHead(200, { "content-type": "text/html" }).end(`<html><head><title>Index of ${escape(url.pathname)}</title></head><body><h1>Index of ${escape(url.pathname)}</h1><hr><pre><a href="../">../</a>\n${items.join("\n")}\n</pre><hr></body></html>`);
      }, url.pathname);
    }
    requests++;
    answers.later(res, async () => {
      let parts;
      try {
        parts = url.pathname.slice("/store/".length).split("/").map(decodeURIComponent);
      } catch {
        return void res.writeHead(400).end("bad percent-encoding");
      }
      const key = `/${parts.join("/")}`;
      keys.push(key);
      if (parts.some((p) => p === "" || p === "." || p === ".." || p.includes(path.sep))) return void res.writeHead(400).end("bad key");
      for (const [name, value] of Object.entries(options.headers ?? {})) {
        if (req.headers[name.toLowerCase()] !== value) return void res.writeHead(401).end(`missing header ${name}`);
      }
      const failed = failures.get(key) ?? 0;
      if (failed < (options.failFirst ?? 0)) {
        failures.set(key, failed + 1);
        return void res.writeHead(503).end("try again");
      }
      let body;
      try {
        body = await fs.readFile(path.join(root, ...parts));
      } catch {
        return void res.writeHead(options.forbidMissing ? 403 : 404).end(options.forbidMissing ? "access denied" : "no such key");
      }
      const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? "");
      if (range && !options.noRanges) {
        const [start, end] = range[1] === "" ? [Math.max(0, body.length - Number(range[2])), body.length - 1] : [Number(range[1]), Math.min(body.length - 1, range[2] === "" ? Infinity : Number(range[2]))];
        if (start >= body.length) return void res.writeHead(416, { "content-range": `bytes */${body.length}` }).end();
        const part = body.subarray(start, end + 1);
        bytes += part.length;
        return void res.writeHead(206, { "content-range": `bytes ${start}-${end}/${body.length}`, "content-length": part.length }).end(part);
      }
      bytes += body.length;
      res.writeHead(200, { "content-length": body.length, "content-type": "application/octet-stream" }).end(body);
    }, url.pathname);
  };
  const server = options.http2 ? http2.createSecureServer({ ...selfSignedCertificate(), allowHTTP1: true, settings: { maxConcurrentStreams: 1000 } }, handler) : http.createServer(handler);
  if (!options.http2) server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `${options.http2 ? "https" : "http"}://127.0.0.1:${server.address().port}`;
  function stats() {
    return { requests, bytes, roundTrips: answers.roundTrips, chain: answers.chain, chains: [...answers.chains].map((n) => n ?? 0), maxInFlight: answers.maxInFlight, keys: [...keys] };
  }
  function reset() {
    requests = bytes = 0;
    keys.length = 0;
    failures.clear();
    answers.reset();
  }
  return {
    origin, url: `${origin}/store/`, stats, reset,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}

/**
 * S3's ListObjectsV2 answer for the bucket `root` (its keys the files below it): the keys and common prefixes
 * directly under `prefix` (delimiter "/"), `pageSize` of them a page, in key order, continued by a token.
 */
async function s3Listing(root, params, pageSize) {
  const prefix = params.get("prefix") ?? "";
  const folder = path.join(root, ...prefix.split("/").filter((p) => p !== "" && p !== "." && p !== ".."));
  let entries = [];
  try {
    entries = (await fs.readdir(folder, { withFileTypes: true })).map((e) => (e.isDirectory() ? { prefix: `${prefix}${e.name}/` } : { key: `${prefix}${e.name}` }));
  } catch {
    // An empty listing, as S3 gives for a prefix nothing starts with.
  }
  entries.sort((a, b) => ((a.key ?? a.prefix) < (b.key ?? b.prefix) ? -1 : 1));
  const start = Number(params.get("continuation-token") ?? "0");
  const page = entries.slice(start, start + pageSize);
  const more = start + pageSize < entries.length;
  const xml = (t) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>store</Name><Prefix>${xml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${pageSize}</MaxKeys><Delimiter>/</Delimiter><IsTruncated>${more}</IsTruncated>${
  page.filter((e) => e.key).map((e) => `<Contents><Key>${xml(e.key)}</Key><Size>1</Size><StorageClass>STANDARD</StorageClass></Contents>`).join("")}${
  page.filter((e) => e.prefix).map((e) => `<CommonPrefixes><Prefix>${xml(e.prefix)}</Prefix></CommonPrefixes>`).join("")}${
  more ? `<NextContinuationToken>${start + pageSize}</NextContinuationToken>` : ""}</ListBucketResult>`;
}

/** A key and self-signed certificate for 127.0.0.1 (PEM), made by openssl. */
function selfSignedCertificate() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "folder-server-"));
  try {
    const [key, cert] = [path.join(dir, "key.pem"), path.join(dir, "cert.pem")];
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [root, delay = "0", protocol] = process.argv.slice(2);
  const served = await serveFolder(root, { delay: Number(delay), staticDir: process.env.STATIC_DIR, http2: protocol === "http2" });
  console.log(new URL(served.origin).port);
}
