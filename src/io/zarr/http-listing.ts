/**
 * What a folder of a Zarr store served over HTTP holds, from the two listings the web offers: a web server's index
 * page (python's http.server, nginx's and Apache's autoindex: links to the folder's entries, a folder's ending in
 * "/"), and an object store's delimited listing (S3's ListObjectsV2 XML, which MinIO, R2 and the DANDI archive's
 * bucket answer). fsspec reads the same two when hdmf-zarr opens a store by URL; a store needs them for what its
 * consolidated metadata leaves out (hdmf-zarr caches its specification after it consolidates).
 */
import type { FolderEntries } from "./store.js";

/** The ways an HttpStore lists a folder: an index page, S3's ListObjectsV2, or not at all. */
export const HTTP_LISTINGS = ["index", "s3", "none"] as const;

/** How an HttpStore lists a folder (one of HTTP_LISTINGS). */
export type HttpListing = (typeof HTTP_LISTINGS)[number];

/** Where an S3 bucket's listing is asked for, and the key prefix of the store's root in it. */
export interface S3Location {
  /** The bucket's address (to which `?list-type=2&prefix=...` is added). */
  bucketUrl: string;
  /** The store root's key prefix in the bucket ("zarr/<uuid>/"), "" for a bucket's root. */
  rootPrefix: string;
}

/** AWS's virtual-hosted addresses (`bucket.s3.amazonaws.com`, `bucket.s3.us-east-2.amazonaws.com`). */
const VIRTUAL_HOSTED = /^(.+)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$/;
/** AWS's path-style addresses (`s3.amazonaws.com/bucket`, `s3.us-east-2.amazonaws.com/bucket`). */
const PATH_STYLE = /^s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$/;

/** The listing an address's host answers when none is asked for: S3's on AWS's S3 hosts, else an index page. */
export function listingFor(url: URL): HttpListing {
  return VIRTUAL_HOSTED.test(url.hostname) || PATH_STYLE.test(url.hostname) ? "s3" : "index";
}

/**
 * The bucket and prefix of a store at `storeUrl` (ending in "/", without query): virtual-hosted on AWS (the bucket in
 * the host), else path-style (the bucket the path's first part, as MinIO and other S3-compatible stores serve it).
 */
export function s3Location(storeUrl: string): S3Location {
  const url = new URL(storeUrl);
  const parts = url.pathname.split("/").slice(1).map(decodeURIComponent);
  if (VIRTUAL_HOSTED.test(url.hostname)) return { bucketUrl: `${url.origin}/`, rootPrefix: parts.join("/") };
  const [bucket = "", ...rest] = parts;
  return { bucketUrl: `${url.origin}/${encodeURIComponent(bucket)}`, rootPrefix: rest.join("/") };
}

/** The ListObjectsV2 request for the folder `prefix` of the bucket (one page; `continuation` for the next). */
export function s3ListUrl(location: S3Location, prefix: string, query: string, continuation?: string): string {
  const params = new URLSearchParams(query);
  params.set("list-type", "2");
  params.set("prefix", prefix);
  params.set("delimiter", "/");
  if (continuation !== undefined) params.set("continuation-token", continuation);
  return `${location.bucketUrl}?${params.toString()}`;
}

/** One page of a ListObjectsV2 answer: what the folder `prefix` holds, and the token of the next page if any. */
export function parseS3Listing(xml: string, prefix: string): { entries: FolderEntries; next?: string } | undefined {
  if (!/<ListBucketResult[\s>]/.test(xml)) return undefined;
  const texts = (block: string, tag: string): string[] =>
    [...block.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => decodeXmlText(m[1]!));
  const entries: FolderEntries = { keys: [], folders: [] };
  for (const [contents] of xml.matchAll(/<Contents>[\s\S]*?<\/Contents>/g)) {
    for (const key of texts(contents, "Key")) {
      const name = key.startsWith(prefix) ? key.slice(prefix.length) : undefined;
      if (name && !name.includes("/")) entries.keys.push(name);
    }
  }
  for (const [common] of xml.matchAll(/<CommonPrefixes>[\s\S]*?<\/CommonPrefixes>/g)) {
    for (const sub of texts(common, "Prefix")) {
      const name = sub.startsWith(prefix) ? sub.slice(prefix.length).replace(/\/$/, "") : undefined;
      if (name && !name.includes("/")) entries.folders.push(name);
    }
  }
  const truncated = /<IsTruncated>\s*true\s*<\/IsTruncated>/.test(xml);
  const next = truncated ? texts(xml, "NextContinuationToken")[0] : undefined;
  return next === undefined ? { entries } : { entries, next };
}

/**
 * The entries an index page of the folder at `folderUrl` (ending in "/") links to: each link resolved against the
 * folder, kept when it names something directly inside it (not the parent, not a sort link back to the folder, not
 * another page's asset). Undefined when the page is not HTML.
 */
export function parseIndexPage(html: string, folderUrl: string): FolderEntries | undefined {
  if (!/<(?:!doctype html|html|a)[\s>]/i.test(html)) return undefined;
  const folder = new URL(folderUrl);
  folder.search = "";
  folder.hash = "";
  const keys = new Set<string>();
  const folders = new Set<string>();
  for (const match of html.matchAll(/<a\s[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))/gi)) {
    let target: URL;
    try {
      target = new URL(decodeXmlText(match[1] ?? match[2] ?? match[3] ?? ""), folder);
    } catch {
      continue;
    }
    if (target.origin !== folder.origin || !target.pathname.startsWith(folder.pathname)) continue;
    const rest = target.pathname.slice(folder.pathname.length);
    const isFolder = rest.endsWith("/");
    let name: string;
    try {
      name = decodeURIComponent(isFolder ? rest.slice(0, -1) : rest);
    } catch {
      continue;
    }
    if (name === "" || name === "." || name === ".." || name.includes("/")) continue;
    (isFolder ? folders : keys).add(name);
  }
  return { keys: [...keys], folders: [...folders] };
}

/** Text of XML or HTML with its character references replaced (&amp;, &lt;, &#39;, &#x2F;...). */
function decodeXmlText(text: string): string {
  const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === "#") {
      const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return named[ref.toLowerCase()] ?? whole;
  });
}
