// A loopback HTTP server for the remote-read tests, run as its own process (a reader waiting synchronously would
// stall a server in its own thread). Serves one file; counts requests and bytes.
// Usage: node range-server.mjs FILE MODE   (MODE: ranges | no-ranges | flaky)
// Prints its port, then answers "GET /stats" with the counts as JSON.
import http from "node:http";
import fs from "node:fs";

const [file, mode = "ranges"] = process.argv.slice(2);
const size = fs.statSync(file).size;
let requests = 0, bytes = 0, failures = 0;
const server = http.createServer((req, res) => {
  // Pages of another origin (the viewer's, in the browser tests) may read it.
  res.setHeader("access-control-allow-origin", "*");
  res.setHeader("access-control-expose-headers", "content-range, content-length");
  if (req.method === "OPTIONS") {
    res.writeHead(204, { "access-control-allow-headers": "range", "access-control-allow-methods": "GET" }).end();
    return;
  }
  if (req.url === "/stats") {
    res.end(JSON.stringify({ requests, bytes }));
    return;
  }
  if (req.url !== "/file.nwb") {
    res.writeHead(404).end("not found");
    return;
  }
  requests++;
  if (mode === "flaky" && failures < 2) {
    failures++;
    res.writeHead(503).end("try again");
    return;
  }
  const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? "");
  if (!m || mode === "no-ranges") {
    bytes += size;
    res.writeHead(200, { "content-length": size });
    fs.createReadStream(file).pipe(res);
    return;
  }
  const start = Number(m[1]);
  const end = Math.min(Number(m[2]), size - 1);
  bytes += end - start + 1;
  res.writeHead(206, { "content-range": `bytes ${start}-${end}/${size}`, "content-length": end - start + 1 });
  fs.createReadStream(file, { start, end }).pipe(res);
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
