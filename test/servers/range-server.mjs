// A loopback HTTP server for the remote-read tests and benchmark, run as its own process (a reader waiting
// synchronously would stall a server in its own thread). Serves one file; counts requests, bytes and sequential
// round trips (a request that arrives while none is being answered starts a round trip; requests made in parallel
// share one).
// Usage: node range-server.mjs FILE MODE [DELAY_MS]   (MODE: ranges | no-ranges | flaky | single-range)
// DELAY_MS holds every answer that long, as a link with that round-trip time would. single-range: a server that
// answers a request for several ranges with the whole file (as S3 does), to test that readers fall back.
// Prints its port, then answers "GET /stats" with the counts as JSON and "GET /reset" by zeroing them.
// With STATIC_DIR set, also serves that folder's files under /page/ (a test page of the same origin as the file,
// so that its requests need no CORS preflight), undelayed and uncounted.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { DelayedAnswers } from "./delayed-answers.mjs";

const [file, mode = "ranges", delayArg = "0"] = process.argv.slice(2);
const delay = Number(delayArg);
const size = fs.statSync(file).size;
let requests = 0, bytes = 0, failures = 0;

/** Every answer held `delay` ms, and the round trips counted (shared with folder-server.mjs). */
const answers = new DelayedAnswers(delay);
const later = (res, answer) => answers.later(res, answer);

const server = http.createServer((req, res) => {
  // Pages of another origin (the viewer's, in the browser tests) may read it.
  res.setHeader("access-control-allow-origin", "*");
  res.setHeader("access-control-expose-headers", "content-range, content-length, content-type");
  if (req.method === "OPTIONS") {
    res.writeHead(204, { "access-control-allow-headers": "range", "access-control-allow-methods": "GET", "access-control-max-age": "86400" }).end();
    return;
  }
  if (req.url === "/stats") {
    res.end(JSON.stringify({ requests, bytes, roundTrips: answers.roundTrips, chain: answers.chain, chains: [...answers.chains].map((n) => n ?? 0), maxInFlight: answers.maxInFlight }));
    return;
  }
  if (req.url === "/reset") {
    requests = bytes = 0;
    answers.reset();
    res.end("{}");
    return;
  }
  const staticDir = process.env.STATIC_DIR;
  if (staticDir && req.url.startsWith("/page/")) {
    const name = path.basename(req.url.slice(6).split("?")[0]);
    const type = name.endsWith(".html") ? "text/html" : name.endsWith(".wasm") ? "application/wasm" : "text/javascript";
    fs.readFile(path.join(staticDir, name), (error, body) => (error ? res.writeHead(404).end() : res.writeHead(200, { "content-type": type }).end(body)));
    return;
  }
  if (req.url !== "/file.nwb") {
    res.writeHead(404).end("not found");
    return;
  }
  requests++;
  later(res, () => {
    if (mode === "flaky" && failures < 2) {
      failures++;
      res.writeHead(503).end("try again");
      return;
    }
    const spec = /^bytes=(\d+-\d+(?:,\s*\d+-\d+)*)$/.exec(req.headers.range ?? "");
    const ranges = spec ? spec[1].split(",").map((r) => r.trim().split("-").map(Number)) : [];
    if (!spec || mode === "no-ranges" || (mode === "single-range" && ranges.length > 1)) {
      res.writeHead(200, { "content-length": size });
      // Counted as sent, not as asked: a client that wanted ranges stops reading the whole file early.
      const whole = fs.createReadStream(file);
      whole.on("data", (chunk) => (bytes += chunk.length));
      res.on("close", () => whole.destroy());
      whole.pipe(res);
      return;
    }
    if (ranges.length === 1) {
      const [start, last] = ranges[0];
      const end = Math.min(last, size - 1);
      bytes += end - start + 1;
      res.writeHead(206, { "content-range": `bytes ${start}-${end}/${size}`, "content-length": end - start + 1 });
      fs.createReadStream(file, { start, end }).pipe(res);
      return;
    }
    // Several ranges: one multipart/byteranges answer, as nginx and Apache send.
    const boundary = "tsnwb-ranges-boundary";
    const fd = fs.openSync(file, "r");
    const parts = [];
    for (const [start, last] of ranges) {
      const end = Math.min(last, size - 1);
      const body = Buffer.alloc(end - start + 1);
      fs.readSync(fd, body, 0, body.length, start);
      bytes += body.length;
      parts.push(Buffer.from(`\r\n--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes ${start}-${end}/${size}\r\n\r\n`), body);
    }
    fs.closeSync(fd);
    parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
    const all = Buffer.concat(parts);
    res.writeHead(206, { "content-type": `multipart/byteranges; boundary=${boundary}`, "content-length": all.length });
    res.end(all);
  });
});
// Idle connections stay open longer than a loaded machine takes between a client's requests: a client that reuses a
// connection the server is closing sees "other side closed".
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
