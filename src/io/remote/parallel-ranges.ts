/**
 * Many byte ranges of a file fetched at once, asynchronously (`fetch`), for reading ahead: each request asks for
 * several ranges (`Range: bytes=a-b,c-d`, answered as multipart/byteranges by nginx, Apache and most static servers),
 * and the requests go in parallel, so a round of many ranges costs about one round trip even where a browser opens
 * only 6 connections to a server. A server that answers several ranges with the whole file (S3 does) is asked
 * one range per request from then on (its body is not read).
 */

/** A range asked for: `[start, end)`. */
export interface ByteRange {
  start: number;
  end: number;
}

/** A range's bytes as the server sent them (it may send more than asked: a range that covers several). */
export interface FetchedRange {
  start: number;
  bytes: Uint8Array;
}

/** What a round cost. */
export interface RoundCost {
  requests: number;
  bytes: number;
  /** Round trips waited for in turn: 1, more when requests had to wait for others or were asked again. */
  roundTrips: number;
}

/** Ranges closer than this are asked for as one (the gap's bytes cost less than a range's overhead). */
const MERGE_GAP = 16 << 10;
/** The most ranges one request asks for (its Range header stays under 2 KiB: servers limit header lines). */
const RANGES_PER_REQUEST = 80;
/** Requests in flight at once: browsers open 6 connections per server over HTTP/1.1. */
const PARALLEL_REQUESTS = 6;

export class ParallelRanges {
  /** False once the server answered several ranges otherwise than as parts. */
  private multipart = true;

  constructor(private readonly url: string, private readonly headers: Record<string, string> = {}) {}

  /** The bytes of `ranges` (merged where close), and what fetching them cost. Throws when the server fails. */
  async fetch(ranges: ByteRange[]): Promise<{ parts: FetchedRange[]; cost: RoundCost }> {
    const merged = mergeRanges(ranges);
    const cost: RoundCost = { requests: 0, bytes: 0, roundTrips: 0 };
    const parts: FetchedRange[] = [];
    const perRequest = this.multipart ? Math.min(RANGES_PER_REQUEST, Math.ceil(merged.length / PARALLEL_REQUESTS)) : 1;
    const groups: ByteRange[][] = [];
    for (let i = 0; i < merged.length; i += perRequest) groups.push(merged.slice(i, i + perRequest));
    // Groups go out PARALLEL_REQUESTS at a time, each taking the next when it is answered.
    let next = 0;
    const run = async (): Promise<void> => {
      let inTurn = 0;
      while (next < groups.length) {
        const group = groups[next++]!;
        const before = this.multipart;
        parts.push(...(await this.request(group, cost)));
        // A refused request for several ranges, then the single ones: two round trips.
        inTurn += before && !this.multipart ? 2 : 1;
      }
      cost.roundTrips = Math.max(cost.roundTrips, inTurn);
    };
    await Promise.all(Array.from({ length: Math.min(groups.length, this.multipart ? PARALLEL_REQUESTS : 64) }, run));
    return { parts, cost };
  }

  private async request(group: ByteRange[], cost: RoundCost): Promise<FetchedRange[]> {
    // Past the HTTP cache: Chromium's lets one request per URL at a time through (its cache lock), which would make
    // the round's requests wait for each other; what is fetched here is cached by the reader.
    const range = "bytes=" + group.map((r) => `${r.start}-${r.end - 1}`).join(",");
    const ask = () => fetch(this.url, { headers: { ...this.headers, Range: range }, cache: "no-store" });
    // A connection the server closed while idle fails at once: asked again, on a new one.
    const response = await ask().catch(ask);
    cost.requests++;
    if (response.status === 200 && group.length > 1) {
      // The whole file: the server does not send several ranges in one answer. One range per request, then.
      await response.body?.cancel();
      this.multipart = false;
      const parts: FetchedRange[] = [];
      await Promise.all(group.map(async (r) => parts.push(...(await this.request([r], cost)))));
      return parts;
    }
    if (response.status !== 206) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status} for ranges of ${this.url}`);
    }
    const body = new Uint8Array(await response.arrayBuffer());
    cost.bytes += body.length;
    const type = response.headers.get("content-type") ?? "";
    const boundary = /multipart\/byteranges;\s*boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (boundary) return multipartParts(body, boundary);
    // One range answered (asked for alone, or the server merged those asked for into one).
    const start = Number(/bytes (\d+)-/.exec(response.headers.get("content-range") ?? "")?.[1] ?? NaN);
    if (!Number.isFinite(start)) throw new Error(`no Content-Range in the answer for ranges of ${this.url}`);
    return [{ start, bytes: body }];
  }
}

/** `ranges` sorted, overlapping and close ones merged. */
export function mergeRanges(ranges: ByteRange[]): ByteRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: ByteRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end + MERGE_GAP) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

/** The parts of a multipart/byteranges body: each part's headers name its range (Content-Range: bytes a-b/size). */
export function multipartParts(body: Uint8Array, boundary: string): FetchedRange[] {
  const parts: FetchedRange[] = [];
  const text = (from: number, to: number) => String.fromCharCode(...body.subarray(from, to));
  const marker = Array.from(`--${boundary}`, (c) => c.charCodeAt(0));
  const find = (pattern: number[], from: number): number => {
    outer: for (let i = from; i <= body.length - pattern.length; i++) {
      for (let j = 0; j < pattern.length; j++) if (body[i + j] !== pattern[j]) continue outer;
      return i;
    }
    return -1;
  };
  const blank = [13, 10, 13, 10];
  let at = find(marker, 0);
  while (at >= 0) {
    const headersEnd = find(blank, at + marker.length);
    if (headersEnd < 0) break;
    const range = /content-range:\s*bytes (\d+)-(\d+)/i.exec(text(at + marker.length, headersEnd));
    if (!range) break;
    const start = Number(range[1]), length = Number(range[2]) - start + 1;
    const from = headersEnd + 4;
    parts.push({ start, bytes: body.slice(from, from + length) });
    // The part's bytes are skipped, not searched: data may hold anything, the boundary too.
    at = find(marker, from + length);
  }
  return parts;
}
