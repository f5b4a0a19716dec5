// A loopback HTTP server for the remote-read tests and benchmark, run as its own process (a reader waiting
// synchronously would stall a server in its own thread). Serves one file; counts requests, bytes and sequential
// round trips (a request that arrives while none is being answered starts a round trip; requests made in parallel
// share one).
// Usage: node range-server.mjs FILE MODE [DELAY_MS]   (MODE: ranges | no-ranges | flaky | single-range)
// DELAY_MS holds every answer that long, as a link with that round-trip time would. single-range: a server that
// answers a request for several ranges with the whole file (as S3 does), to test that readers fall back.
// Prints its port, then answers "GET /stats" with the counts as JSON and "GET /reset" by zeroing them.
import http from "node:http";
import fs from "node:fs";

const [file, mode = "ranges", delayArg = "0"] = process.argv.slice(2);
const delay = Number(delayArg);
const size = fs.statSync(file).size;
let requests = 0, bytes = 0, failures = 0, roundTrips = 0, inFlight = 0, maxInFlight = 0;

/** Answers after the delay, counting the request as in flight meanwhile. */
function later(res, answer) {
  if (inFlight === 0) roundTrips++;
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    inFlight--;
  };
  res.on("close", finish);
  setTimeout(() => {
    if (res.destroyed) return finish();
    answer();
  }, delay);
}

const server = http.createServer((req, res) => {
  // Pages of another origin (the viewer's, in the browser tests) may read it.
  res.setHeader("access-control-allow-origin", "*");
  res.setHeader("access-control-expose-headers", "content-range, content-length, content-type");
  if (req.method === "OPTIONS") {
    res.writeHead(204, { "access-control-allow-headers": "range", "access-control-allow-methods": "GET", "access-control-max-age": "86400" }).end();
    return;
  }
  if (req.url === "/stats") {
    res.end(JSON.stringify({ requests, bytes, roundTrips, maxInFlight }));
    return;
  }
  if (req.url === "/reset") {
    requests = bytes = roundTrips = maxInFlight = 0;
    res.end("{}");
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
      bytes += size;
      res.writeHead(200, { "content-length": size });
      fs.createReadStream(file).pipe(res);
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
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
