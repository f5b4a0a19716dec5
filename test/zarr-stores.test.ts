/**
 * Zarr stores beyond folder and memory. HttpStore against a loopback server (test/servers/folder-server.mjs): values
 * as on disk, missing keys (404 and S3's 403) as undefined, 5xx retried, other failures a clear error naming the URL
 * and status, headers passed, the parallel limit held, keys with spaces, "#", "%" and non-ASCII letters
 * percent-encoded, ranges; in Node and in headless Chromium through the browser bundle. ConsolidatedStore on a store
 * hdmf-zarr wrote, served over HTTP: every metadata key answered from `.zmetadata` is the file's own bytes, the whole
 * hierarchy's metadata costs one request. consolidateMetadata writes zarr-python's `.zmetadata` byte for byte, and
 * zarr-python's open_consolidated opens it.
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { type Browser, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CONSOLIDATED_METADATA_KEY, ConsolidatedStore, FolderStore, HttpStore, HttpStoreError, defaultMaxParallel, MemoryStore, type StoreKey, consolidateMetadata, isMetadataKey,
  type LazyArray, type NWBFile,
} from "../src/index.js";
import { parsePythonJSON, stringifyPythonJSON, toPlainJSON } from "../src/io/zarr/python-json.js";
import { listingFor, parseIndexPage, parseS3Listing, s3ListUrl, s3Location } from "../src/io/zarr/http-listing.js";
import { readZarrFile, readZarrTree } from "../src/io/zarr/zarr-read.js";
import type { GroupBuilder } from "../src/mapping/builders.js";
import { plain } from "./comparable.js";
import { FIXTURES, ROOT, SHARED, tempFolder } from "./helpers.js";
import { type FolderServer, serveFolder } from "./servers/folder-server.mjs";

const tmp = tempFolder("tsnwb-zarr-stores-");
const ORACLE = path.join(SHARED, "tools", "oracle");
const SCRIPT = path.join(ROOT, "test", "py", "zarr_consolidation.py");
/** zarr-python and hdmf-zarr (test/py/zarr_consolidation.py) through the oracle. */
function python(args: string[], input?: string): string {
  return execFileSync(ORACLE, ["python", SCRIPT, ...args], { encoding: "utf8", input, maxBuffer: 64 << 20 });
}

/** Keys whose names need percent-encoding in a URL, and their bytes. */
const ODD_KEYS: Record<string, string> = {
  "/with space/.zattrs": '{"a": 1}',
  "/ünïcödé 数据/.zarray": "unicode",
  "/odd#?%+&=;,/0.0": "odd",
  "/emoji 🧠/x": "brain",
};

/** The store hdmf-zarr wrote (tutorial.nwb exported), and the same after zarr-python consolidated it anew. */
const HDMF = path.join(tmp.dir, "hdmf.nwb.zarr");
const FRESH = path.join(tmp.dir, "fresh.nwb.zarr");
/** A folder of keys to serve: the odd ones and plain ones. */
const PLAIN = path.join(tmp.dir, "plain");
let server: FolderServer;

beforeAll(() => {
  python(["export", path.join(FIXTURES, "tutorial.nwb"), HDMF]);
  cpSync(HDMF, FRESH, { recursive: true });
  python(["consolidate", FRESH]);
  for (const [key, text] of Object.entries(ODD_KEYS)) {
    mkdirSync(path.dirname(path.join(PLAIN, key)), { recursive: true });
    writeFileSync(path.join(PLAIN, key), text);
  }
  for (let i = 0; i < 64; i++) {
    mkdirSync(path.join(PLAIN, "chunks"), { recursive: true });
    writeFileSync(path.join(PLAIN, "chunks", String(i)), new Uint8Array(100).fill(i));
  }
  cpSync(HDMF, path.join(PLAIN, "hdmf.nwb.zarr"), { recursive: true });
  cpSync(FRESH, path.join(PLAIN, "fresh.nwb.zarr"), { recursive: true });
}, 120_000);

afterAll(async () => {
  await server?.close();
  tmp.cleanup();
});

/** A server of PLAIN for one test, closed after it. */
async function withServer<T>(options: Parameters<typeof serveFolder>[1], run: (s: FolderServer) => Promise<T>): Promise<T> {
  const s = await serveFolder(PLAIN, options);
  try {
    return await run(s);
  } finally {
    await s.close();
  }
}

const text = (bytes: Uint8Array | undefined): string | undefined => bytes && new TextDecoder().decode(bytes);

describe("HttpStore in Node", () => {
  it("reads keys as the folder holds them; a missing key is undefined (404, and 403 as S3 answers it)", async () => {
    await withServer({}, async (s) => {
      const store = new HttpStore(s.url);
      expect(text(await store.get("/with space/.zattrs"))).toBe('{"a": 1}');
      expect(Array.from((await store.get("/chunks/7"))!)).toEqual(Array(100).fill(7));
      expect(await store.get("/no/such/.zarray")).toBeUndefined();
      expect(store.stats).toMatchObject({ requests: 3, missing: 1, retries: 0, bytes: 108 });
    });
    await withServer({ forbidMissing: true }, async (s) => {
      const store = new HttpStore(s.url);
      expect(await store.get("/no/such/.zarray")).toBeUndefined();
      expect(store.stats.missing).toBe(1);
    });
  });

  it("percent-encodes each part of a key (spaces, #, ?, %, +, non-ASCII), so the server finds the key asked for", async () => {
    await withServer({}, async (s) => {
      const store = new HttpStore(`${s.origin}/store`);
      expect(store.urlOf("/with space/.zattrs")).toBe(`${s.origin}/store/with%20space/.zattrs`);
      expect(store.urlOf("/odd#?%+&=;,/0.0")).toBe(`${s.origin}/store/odd%23%3F%25%2B%26%3D%3B%2C/0.0`);
      for (const [key, value] of Object.entries(ODD_KEYS)) expect(text(await store.get(key as StoreKey)), key).toBe(value);
      expect(s.stats().keys).toEqual(Object.keys(ODD_KEYS));
      expect(() => store.urlOf("/a/../b")).toThrow(/"\." and "\.\." are not allowed/);
    });
  });

  it("keeps the base address's query (a token, a signature) on every key's URL", () => {
    const store = new HttpStore("https://bucket.example/data/file.nwb.zarr?sig=a%2Fb&x=1");
    expect(store.url).toBe("https://bucket.example/data/file.nwb.zarr/");
    expect(store.urlOf("/acquisition/.zgroup")).toBe("https://bucket.example/data/file.nwb.zarr/acquisition/.zgroup?sig=a%2Fb&x=1");
    expect(() => new HttpStore("file:///tmp/x.zarr")).toThrow("HttpStore: expected an http(s) URL, got file:///tmp/x.zarr");
    expect(() => new HttpStore("relative/x.zarr")).toThrow('HttpStore: expected an http(s) URL, got "relative/x.zarr"');
    expect(() => new HttpStore("https://x.example/a", { maxParallel: 0 })).toThrow("HttpStore: option 'maxParallel': expected a whole number >= 1, got 0");
    expect(() => new HttpStore("https://x.example/a", { attempts: 1.5 })).toThrow("HttpStore: option 'attempts': expected a whole number >= 1, got 1.5");
  });

  it("retries 5xx answers with a growing wait, then gives up with an error naming the URL and the status", async () => {
    await withServer({ failFirst: 2 }, async (s) => {
      const store = new HttpStore(s.url, { retryDelayMs: 10 });
      expect(text(await store.get("/with space/.zattrs"))).toBe('{"a": 1}');
      expect(store.stats).toMatchObject({ requests: 3, retries: 2, roundTrips: 3 });
    });
    await withServer({ failFirst: 5 }, async (s) => {
      const store = new HttpStore(s.url, { retryDelayMs: 10, attempts: 3 });
      const error = await store.get("/chunks/1").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpStoreError);
      expect((error as HttpStoreError).status).toBe(503);
      expect((error as HttpStoreError).message).toBe(`cannot read ${s.url}chunks/1: HTTP 503 Service Unavailable (after 3 attempts)`);
      expect(s.stats().requests).toBe(3);
    });
  });

  it("fails at once, naming the URL and status, on an answer a retry cannot mend (401), and passes headers", async () => {
    await withServer({ headers: { Authorization: "Bearer secret" } }, async (s) => {
      const anonymous = new HttpStore(s.url, { retryDelayMs: 10 });
      await expect(anonymous.get("/chunks/1")).rejects.toThrow(`cannot read ${s.url}chunks/1: HTTP 401 Unauthorized`);
      expect(anonymous.stats.requests).toBe(1);
      const signed = new HttpStore(s.url, { headers: { Authorization: "Bearer secret" } });
      expect((await signed.get("/chunks/1"))?.length).toBe(100);
    });
  });

  it("gives a network error, after its retries, as an error naming the URL", async () => {
    const s = await serveFolder(PLAIN);
    const url = s.url;
    await s.close();
    const store = new HttpStore(url, { retryDelayMs: 5, attempts: 2 });
    const error = (await store.get("/chunks/1").catch((e: unknown) => e)) as HttpStoreError;
    expect(error).toBeInstanceOf(HttpStoreError);
    expect(error.status).toBe(0);
    expect(error.message).toMatch(new RegExp(`^cannot read ${url}chunks/1: .*ECONNREFUSED.* \\(after 2 attempts\\)$`));
  });

  it("stops a read when its signal aborts", async () => {
    await withServer({ delay: 200 }, async (s) => {
      const store = new HttpStore(s.url);
      const controller = new AbortController();
      const pending = store.get("/chunks/1", { signal: controller.signal });
      setTimeout(() => controller.abort(), 20);
      await expect(pending).rejects.toThrow(/abort/i);
    });
  });

  it("keeps at most maxParallel requests in flight (512 by default in Node), all answered", async () => {
    await withServer({ delay: 30 }, async (s) => {
      const store = new HttpStore(s.url, { maxParallel: 4 });
      const all = await Promise.all(Array.from({ length: 40 }, (_, i) => store.get(`/chunks/${i}` as StoreKey)));
      expect(all.map((b) => b![0])).toEqual(Array.from({ length: 40 }, (_, i) => i));
      expect(s.stats().maxInFlight).toBe(4);
      expect(store.stats.maxInFlight).toBe(4);
      // 40 requests 4 at a time: each after an answer, 10 round trips (more when, on a loaded machine, an answer comes
      // so late that requests sent after a later one's answer overtake it).
      expect(store.stats.roundTrips).toBeGreaterThanOrEqual(10);
      expect(store.stats.roundTrips).toBeLessThanOrEqual(13);
      // The server sees the same chain (a pipeline of 4 always in flight is one burst, not one round trip).
      expect(s.stats().chain).toBeGreaterThanOrEqual(10);
      s.reset();
      const wide = new HttpStore(s.url);
      expect(wide.maxParallel).toBe(512);
      expect(defaultMaxParallel()).toBe(512);
      await Promise.all(Array.from({ length: 1200 }, (_, i) => wide.get(`/chunks/${i % 40}` as StoreKey)));
      expect(wide.stats).toMatchObject({ requests: 1200, maxInFlight: 512 });
      // The server sees fewer at once when the first answers come before the client has sent the 512th (a loaded machine).
      expect(s.stats().maxInFlight).toBeGreaterThan(16);
      expect(s.stats().maxInFlight).toBeLessThanOrEqual(512);
      // 1200 requests 512 at a time: 3 round trips, up to a few more on a loaded machine (answers spread out, and a
      // request sent after any answer of a longer chain counts after it); 16 at a time would be 75.
      const chains = wide.stats.roundTrips;
      expect(chains).toBeGreaterThanOrEqual(3);
      expect(chains).toBeLessThanOrEqual(8);
      // A read after those answers is a round trip more.
      await wide.get("/chunks/0");
      expect(wide.stats.roundTrips).toBe(chains + 1);
    });
  });

  it("reads ranges (offset and length, the last bytes), from servers that send ranges and from those that do not", async () => {
    for (const noRanges of [false, true]) {
      await withServer({ noRanges }, async (s) => {
        const store = new HttpStore(s.url);
        const all = readFileSync(path.join(PLAIN, "ünïcödé 数据", ".zarray"));
        expect(text(await store.getRange("/ünïcödé 数据/.zarray", { offset: 2, length: 3 }))).toBe(all.subarray(2, 5).toString());
        expect(text(await store.getRange("/ünïcödé 数据/.zarray", { suffixLength: 4 }))).toBe(all.subarray(all.length - 4).toString());
        expect(await store.getRange("/ünïcödé 数据/.zarray", { offset: 1, length: 0 })).toEqual(new Uint8Array(0));
        expect(await store.getRange("/missing", { offset: 0, length: 2 })).toBeUndefined();
      });
    }
  });
});

describe("ConsolidatedStore", () => {
  it("answers every metadata key of a store hdmf-zarr wrote from its .zmetadata: one request for the whole hierarchy", async () => {
    await withServer({}, async (s) => {
      const http = new HttpStore(`${s.url}fresh.nwb.zarr`);
      const store = await ConsolidatedStore.open(http);
      expect(store.consolidated).toBe(true);
      const keys = store.metadataKeys()!;
      expect(keys.length).toBeGreaterThan(100);
      const folder = new FolderStore(FRESH);
      for (const key of keys) {
        const answered = (await store.get(key))!;
        const own = (await folder.get(key))!;
        // zarr-python writes metadata and consolidated metadata alike: the same bytes, not just the same JSON.
        expect(text(answered), key).toBe(text(own));
        expect(JSON.parse(text(answered)!), key).toEqual(JSON.parse(text(own)!));
        expect(store.metadata(key)).toEqual(JSON.parse(text(own)!));
      }
      // Every metadata key of the folder is listed, .zmetadata read once, nothing else asked for.
      const onDisk: StoreKey[] = [];
      for await (const key of folder.list("/")) if (isMetadataKey(key)) onDisk.push(key);
      expect(keys).toEqual(onDisk.sort());
      expect(http.stats.requests).toBe(1);
      expect(s.stats().keys).toEqual(["/fresh.nwb.zarr/.zmetadata"]);
      // A metadata key it does not list is missing, without asking; a chunk is asked for.
      expect(await store.get("/acquisition/nothing/.zarray")).toBeUndefined();
      expect(http.stats.requests).toBe(1);
      const chunk = keys.find((k) => k.endsWith("/.zarray"))!.replace(/\.zarray$/, "0");
      await store.get(chunk as StoreKey);
      expect(http.stats.requests).toBe(2);
    });
  });

  it("reads hdmf-zarr's own .zmetadata, which it writes before caching the spec: /.zattrs there lacks .specloc, /specifications is not in it (unless asked for)", async () => {
    await withServer({}, async (s) => {
      const store = await ConsolidatedStore.open(new HttpStore(`${s.url}hdmf.nwb.zarr`));
      const folder = new FolderStore(HDMF);
      const differing: string[] = [];
      for (const key of store.metadataKeys()!) if (text(await store.get(key)) !== text(await folder.get(key))) differing.push(key);
      expect(differing).toEqual(["/.zattrs"]);
      const own = JSON.parse(text(await folder.get("/.zattrs"))!) as Record<string, unknown>;
      expect(own[".specloc"]).toBe("specifications");
      const { [".specloc"]: _, ...rest } = own;
      expect(store.metadata("/.zattrs")).toEqual(rest);
      expect(store.metadataKeys()!.some((k) => k.startsWith("/specifications/"))).toBe(false);
      // As zarr-python's open_consolidated: unlisted metadata is missing; the inner store still has it.
      expect(await store.get("/specifications/.zgroup")).toBeUndefined();
      expect(await store.inner.get("/specifications/.zgroup")).toBeDefined();
      const asking = await ConsolidatedStore.open(new HttpStore(`${s.url}hdmf.nwb.zarr`), { unlisted: "inner" });
      expect(text(await asking.get("/specifications/.zgroup"))).toBe(text(await folder.get("/specifications/.zgroup")));
      expect(await asking.get("/specifications/nothing/.zarray")).toBeUndefined();
    });
  });

  it("answers ranges of metadata keys from .zmetadata, and of chunks by the inner store's ranges", async () => {
    await withServer({}, async (s) => {
      const http = new HttpStore(`${s.url}fresh.nwb.zarr`);
      const store = await ConsolidatedStore.open(http);
      const own = readFileSync(path.join(FRESH, ".zgroup"));
      expect(text(await store.getRange("/.zgroup", { offset: 2, length: 5 }))).toBe(own.subarray(2, 7).toString());
      expect(text(await store.getRange("/.zgroup", { suffixLength: 3 }))).toBe(own.subarray(own.length - 3).toString());
      expect(await store.getRange("/nothing/.zattrs", { offset: 0, length: 1 })).toBeUndefined();
      expect(http.stats.requests).toBe(1);
      let chunk: StoreKey | undefined;
      for await (const key of new FolderStore(FRESH).list("/acquisition/")) if (!isMetadataKey(key) && (chunk === undefined || key < chunk)) chunk = key;
      const whole = (await new FolderStore(FRESH).get(chunk!))!;
      expect(whole.length).toBeGreaterThan(3);
      expect(await store.getRange(chunk!, { offset: 1, length: 2 })).toEqual(whole.slice(1, 3));
      expect(s.stats().keys.at(-1)).toBe(`/fresh.nwb.zarr${chunk}`);
      expect(http.stats.requests).toBe(2);
    });
  });

  it("reads a store without .zmetadata from the store itself, and refuses .zmetadata that is not consolidated metadata", async () => {
    const memory = new MemoryStore();
    await memory.set("/.zgroup", new TextEncoder().encode('{"zarr_format": 2}'));
    const plain = await ConsolidatedStore.open(memory);
    expect(plain.consolidated).toBe(false);
    expect(plain.metadataKeys()).toBeUndefined();
    expect(text(await plain.get("/.zgroup"))).toBe('{"zarr_format": 2}');
    await memory.set(CONSOLIDATED_METADATA_KEY, new TextEncoder().encode("{not json"));
    await expect(ConsolidatedStore.open(memory)).rejects.toThrow(/^\/\.zmetadata: not JSON: consolidated metadata \/\.zmetadata: invalid JSON at character 1/);
    await memory.set(CONSOLIDATED_METADATA_KEY, new TextEncoder().encode('{"metadata": {}, "zarr_consolidated_format": 2}'));
    await expect(ConsolidatedStore.open(memory)).rejects.toThrow("/.zmetadata: expected zarr_consolidated_format 1, got 2");
  });
});

describe("hdmf-zarr's cached specification over HTTP: listed folder by folder, as fsspec lists it", () => {
  /** hdmf-zarr's export of the extension fixture (CameraSeries of ndx-test-camera), beside the others served. */
  const EXTENSION = path.join(PLAIN, "extension.nwb.zarr");
  beforeAll(() => {
    python(["export", path.join(SHARED, "fixtures", "domains", "extension.nwb"), EXTENSION]);
  }, 120_000);

  /** What a read makes of the extension's series, and the namespaces loaded. */
  async function camera(nwbfile: NWBFile): Promise<Record<string, unknown>> {
    const series = nwbfile.acquisition.get("camera") as unknown as Record<string, unknown> & { data: LazyArray };
    return {
      type: (series.constructor as { neurodata_type?: string }).neurodata_type,
      exposure_time: series.exposure_time,
      sensor_temperature: plain(await (series.sensor_temperature as LazyArray).read()),
      frame: plain(await series.data.read([[8, 9]])),
    };
  }

  let folderRead: Record<string, unknown>;
  beforeAll(async () => {
    folderRead = await camera(await readZarrFile(new FolderStore(EXTENSION), { name: "extension (folder)" }));
    expect(folderRead.type).toBe("CameraSeries");
    expect(folderRead.exposure_time).toBe(0.004);
  });

  /** The paths of the cached specification's documents in a read of `store`'s tree ("ndx-test-camera/0.1.0/namespace"...). */
  async function specificationKeys(store: HttpStore | FolderStore): Promise<string[]> {
    const tree = await readZarrTree(store instanceof HttpStore ? await ConsolidatedStore.open(store) : store, { prefetchSmall: false });
    const found: string[] = [];
    const walk = (g: GroupBuilder, at: string): void => {
      for (const [name, sub] of g.groups) walk(sub, `${at}${name}/`);
      for (const name of g.datasets.keys()) found.push(`${at}${name}`);
    };
    const specs = tree.groups.get("specifications");
    if (specs) walk(specs, "");
    return found.sort();
  }

  async function overHttp(store: HttpStore): Promise<Record<string, unknown>> {
    return camera(await readZarrFile(await ConsolidatedStore.open(store), { name: store.url }));
  }

  it("from python's http.server index pages: the extension's type and values, as read from the folder", async () => {
    const server = spawn("python3", ["-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", PLAIN], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      const port = await new Promise<string>((resolve, reject) => {
        let out = "";
        server.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /port (\d+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        server.on("exit", (code) => reject(new Error(`http.server exited ${code}`)));
      });
      // Python's server takes few connections at once.
      const store = new HttpStore(`http://127.0.0.1:${port}/extension.nwb.zarr`, { maxParallel: 8 });
      expect(await overHttp(store)).toEqual(folderRead);
      const listed = await store.listFolder("/specifications/");
      expect(listed?.folders.sort()).toEqual(["core", "hdmf-common", "hdmf-experimental", "ndx-test-camera"]);
      expect(listed?.keys).toEqual([".zgroup"]);
      // The cached specification's every document, as in the folder; without listing, none (tsnwb's own schema serves).
      expect(await specificationKeys(store)).toEqual(await specificationKeys(new FolderStore(EXTENSION)));
      const unlisted = new HttpStore(`http://127.0.0.1:${port}/extension.nwb.zarr`, { listing: "none" });
      expect(await specificationKeys(unlisted)).toEqual([]);
      expect(await unlisted.listFolder("/specifications/")).toBeUndefined();
    } finally {
      server.kill();
    }
  });

  it("from index pages that hide names starting with '.' (nginx), asking for each folder's metadata keys", async () => {
    await withServer({ listing: "index-hiding-dotfiles" }, async (s) => {
      const store = new HttpStore(`${s.url}extension.nwb.zarr`);
      expect(await store.listFolder("/specifications/")).toEqual({ keys: [], folders: ["core", "hdmf-common", "hdmf-experimental", "ndx-test-camera"] });
      expect(await overHttp(store)).toEqual(folderRead);
      expect(await specificationKeys(store)).toEqual(await specificationKeys(new FolderStore(EXTENSION)));
    });
  });

  it("from S3's ListObjectsV2 (path-style bucket, pages continued by token), asking the folder's prefix", async () => {
    await withServer({ listing: "s3", s3PageSize: 2 }, async (s) => {
      const store = new HttpStore(`${s.url}extension.nwb.zarr`, { listing: "s3" });
      const listed = await store.listFolder("/specifications/");
      expect(listed?.folders.sort()).toEqual(["core", "hdmf-common", "hdmf-experimental", "ndx-test-camera"]);
      expect(listed?.keys).toEqual([".zgroup"]);
      expect(s.stats().keys).toEqual(["?list extension.nwb.zarr/specifications/", "?list extension.nwb.zarr/specifications/", "?list extension.nwb.zarr/specifications/"]);
      expect(await overHttp(store)).toEqual(folderRead);
      expect(await specificationKeys(store)).toEqual(await specificationKeys(new FolderStore(EXTENSION)));
      // A server that does not list (404 to a folder's address) leaves the store without: undefined, not an error.
      expect(await new HttpStore(`${s.url}extension.nwb.zarr`, { listing: "index" }).listFolder("/specifications/")).toBeUndefined();
    });
  });

  it("parses listings as servers write them: Apache's sort links and parent, entities, absolute links, XML escapes", () => {
    const apache = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN"><html><body><table>
<tr><th><a href="?C=N;O=D">Name</a></th><th><a href="?C=M;O=A">Last modified</a></th></tr>
<tr><td><a href="/data/">Parent Directory</a></td></tr>
<tr><td><a href="core/">core/</a></td></tr><tr><td><a href='ndx%20a%26b/'>ndx a&amp;b/</a></td></tr>
<tr><td><a href="/data/store/specifications/.zgroup">.zgroup</a></td></tr><tr><td><a href=plain>plain</a></td></tr>
<tr><td><a href="https://elsewhere.org/x/">x</a></td><td><a href="core/nwb.base/">deeper</a></td></tr></table></body></html>`;
    expect(parseIndexPage(apache, "https://host/data/store/specifications/?token=1")).toEqual({ keys: [".zgroup", "plain"], folders: ["core", "ndx a&b"] });
    expect(parseIndexPage('{"not": "html"}', "https://host/a/")).toBeUndefined();
    const xml = `<?xml version="1.0"?><ListBucketResult><Prefix>zarr/u/spec/</Prefix><Contents><Key>zarr/u/spec/.zgroup</Key></Contents>
<CommonPrefixes><Prefix>zarr/u/spec/a&amp;b/</Prefix></CommonPrefixes><CommonPrefixes><Prefix>zarr/u/spec/&#x3b1;/</Prefix></CommonPrefixes>
<IsTruncated>true</IsTruncated><NextContinuationToken>t&amp;1</NextContinuationToken></ListBucketResult>`;
    expect(parseS3Listing(xml, "zarr/u/spec/")).toEqual({ entries: { keys: [".zgroup"], folders: ["a&b", "α"] }, next: "t&1" });
    expect(parseS3Listing("<Error><Code>AccessDenied</Code></Error>", "x/")).toBeUndefined();
    // AWS's hosts list the S3 way: virtual-hosted (the bucket in the host), path-style (the bucket first in the path).
    expect(listingFor(new URL("https://dandiarchive.s3.amazonaws.com/zarr/u/"))).toBe("s3");
    expect(listingFor(new URL("https://s3.us-east-2.amazonaws.com/bucket/zarr/u/"))).toBe("s3");
    expect(listingFor(new URL("https://example.org/data/"))).toBe("index");
    expect(s3Location("https://dandiarchive.s3.amazonaws.com/zarr/u%20v/")).toEqual({ bucketUrl: "https://dandiarchive.s3.amazonaws.com/", rootPrefix: "zarr/u v/" });
    expect(s3Location("https://s3.us-east-2.amazonaws.com/bucket/zarr/u/")).toEqual({ bucketUrl: "https://s3.us-east-2.amazonaws.com/bucket", rootPrefix: "zarr/u/" });
    expect(new URL(s3ListUrl(s3Location("https://b.s3.amazonaws.com/zarr/u/"), "zarr/u/specifications/", "?token=1", "t&1")).searchParams.toString())
      .toBe("token=1&list-type=2&prefix=zarr%2Fu%2Fspecifications%2F&delimiter=%2F&continuation-token=t%261");
    expect(() => new HttpStore("https://host/a", { listing: "ftp" as "s3" })).toThrow(/option 'listing'/);
  });
});

describe("consolidateMetadata", () => {
  it("writes zarr-python's .zmetadata byte for byte on a store hdmf-zarr wrote, and zarr-python's open_consolidated opens it", async () => {
    const copy = path.join(tmp.dir, "ours.nwb.zarr");
    cpSync(HDMF, copy, { recursive: true });
    const result = await consolidateMetadata(new FolderStore(copy));
    const theirs = readFileSync(path.join(FRESH, ".zmetadata"));
    expect(text(result.bytes)).toBe(theirs.toString());
    expect(JSON.parse(text(result.bytes)!)).toEqual(JSON.parse(theirs.toString()));
    const opened = JSON.parse(python(["open_consolidated", copy])) as { keys: string[]; objects: number };
    expect(opened.keys).toEqual(result.keys.map((k) => k.slice(1)).sort());
    expect(opened.objects).toBeGreaterThan(50);
  }, 60_000);

  it("writes JSON as zarr-python does: floats and ints apart, NaN and Infinity, sorted keys, non-ASCII escaped", async () => {
    const source = '{"b": [1.0, 1, 1e-05, 0.0001, 1e16, 1234567890123456789012, -0.0, NaN, Infinity, -Infinity, 2.5e-300],'
      + ' "a": {"z\\u00e9": "\\u6570\\u636e \\ud83e\\udde0 \\"q\\" \\\\ \\n\\t\\u0001\\u007f", "\\ud83e\\udde0": true, "\\uffff": null, "e": {}, "l": []}}';
    expect(stringifyPythonJSON(parsePythonJSON(source, "sample"))).toBe(python(["dumps"], source));
    const value = toPlainJSON(parsePythonJSON(source, "sample")) as { b: number[] };
    expect(value.b.slice(7, 10)).toEqual([NaN, Infinity, -Infinity]);
    // In memory too, read back through a ConsolidatedStore.
    const memory = new MemoryStore();
    await memory.set("/.zgroup", new TextEncoder().encode('{"zarr_format": 2}'));
    await memory.set("/a b/.zattrs", new TextEncoder().encode(source));
    await memory.set("/a b/0", new Uint8Array([1, 2]));
    const { keys } = await consolidateMetadata(memory);
    expect(keys).toEqual(["/.zgroup", "/a b/.zattrs"]);
    const store = await ConsolidatedStore.open(memory);
    expect(text(await store.get("/a b/.zattrs"))).toBe(python(["dumps"], source));
    expect(await store.get("/a b/0")).toEqual(new Uint8Array([1, 2]));
  });
});

describe("in headless Chromium, through the browser bundle", () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    const pageDir = path.join(tmp.dir, "page");
    mkdirSync(pageDir, { recursive: true });
    writeFileSync(path.join(pageDir, "index.html"), '<!doctype html><meta charset="utf-8"><title>zarr stores</title>');
    server = await serveFolder(PLAIN, { staticDir: pageDir, failFirst: 1, delay: 20 });
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
    page = await browser.newPage();
    await page.goto(`${server.origin}/page/index.html`);
    await page.addScriptTag({ path: path.join(ROOT, "dist", "viewer", "tsnwb.js"), type: "module" });
    await page.waitForFunction(() => "tsnwb" in globalThis);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it("exports the stores, FolderStore not among them", async () => {
    const names = await page.evaluate(() => Object.keys((globalThis as unknown as { tsnwb: object }).tsnwb));
    expect(names).toEqual(expect.arrayContaining(["HttpStore", "HttpStoreError", "MemoryStore", "ConsolidatedStore", "consolidateMetadata"]));
    expect(names).not.toContain("FolderStore");
  });

  it("reads odd keys, missing keys, retried 5xx and ranges, in parallel up to the limit", async () => {
    server.reset();
    const result = await page.evaluate(async ([url, keys]) => {
      const { HttpStore } = (globalThis as unknown as { tsnwb: typeof import("../src/browser.js") }).tsnwb;
      const store = new HttpStore(url, { maxParallel: 6, retryDelayMs: 10, headers: { "x-test": "1" } });
      const decode = (b: Uint8Array | undefined) => b && new TextDecoder().decode(b);
      const odd = await Promise.all(keys.map(async (k) => decode(await store.get(k as `/${string}`))));
      const chunks = await Promise.all(Array.from({ length: 30 }, async (_, i) => (await store.get(`/chunks/${i}`))![0]));
      const missing = await store.get("/no/such/.zattrs");
      const range = decode(await store.getRange("/with space/.zattrs", { offset: 1, length: 3 }));
      return { odd, chunks, missing: missing === undefined, range, stats: store.stats };
    }, [server.url, Object.keys(ODD_KEYS)] as const);
    expect(result.odd).toEqual(Object.values(ODD_KEYS));
    expect(result.chunks).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(result.missing).toBe(true);
    expect(result.range).toBe('"a"');
    // Each key failed once (503) and was asked again (the range's key had failed before).
    expect(result.stats.retries).toBe(4 + 30 + 1);
    expect(result.stats.maxInFlight).toBe(6);
    expect(server.stats().maxInFlight).toBeLessThanOrEqual(6);
    expect(server.stats().keys).toEqual(expect.arrayContaining(Object.keys(ODD_KEYS)));
  });

  it("reads from another origin with an Authorization header (a CORS preflight the server allows)", async () => {
    const other = await serveFolder(PLAIN, { headers: { Authorization: "Bearer page" } });
    try {
      const result = await page.evaluate(async (url) => {
        const { HttpStore, HttpStoreError } = (globalThis as unknown as { tsnwb: typeof import("../src/browser.js") }).tsnwb;
        const signed = new HttpStore(url, { headers: { Authorization: "Bearer page" } });
        const value = new TextDecoder().decode(await signed.get("/ünïcödé 数据/.zarray"));
        const anonymous = await new HttpStore(url).get("/chunks/1").catch((e: unknown) => e);
        return { value, refused: anonymous instanceof HttpStoreError ? [anonymous.status, anonymous.message] : String(anonymous) };
      }, other.url);
      expect(other.origin).not.toBe(server.origin);
      expect(result.value).toBe("unicode");
      expect(result.refused).toEqual([401, `cannot read ${other.url}chunks/1: HTTP 401 Unauthorized`]);
    } finally {
      await other.close();
    }
  });

  it("reads a hierarchy's metadata from hdmf-zarr's .zmetadata in one request, the same as in Node", async () => {
    server.reset();
    const inPage = await page.evaluate(async (url) => {
      const { HttpStore, ConsolidatedStore } = (globalThis as unknown as { tsnwb: typeof import("../src/browser.js") }).tsnwb;
      const http = new HttpStore(url, { retryDelayMs: 10 });
      const store = await ConsolidatedStore.open(http);
      const keys = store.metadataKeys()!;
      const texts: Record<string, string> = {};
      for (const key of keys) texts[key] = new TextDecoder().decode(await store.get(key));
      return { texts, requests: http.stats.requests, retries: http.stats.retries };
    }, `${server.url}fresh.nwb.zarr`);
    const folder = new FolderStore(FRESH);
    expect(Object.keys(inPage.texts).length).toBeGreaterThan(100);
    for (const [key, value] of Object.entries(inPage.texts)) expect(value, key).toBe(text(await folder.get(key as StoreKey)));
    // .zmetadata once, retried once (the server fails every key's first request).
    expect(inPage).toMatchObject({ requests: 2, retries: 1 });
  });
});
