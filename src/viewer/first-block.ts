/**
 * A URL's first block, fetched by the page: `index.html`'s first script asks for it with the reading worker's code,
 * so that its round trip passes while the worker loads rather than after (the worker's first request otherwise waits
 * for its code), and posts it to the worker as `{ [FIRST_BLOCK_MESSAGE]: { url, bytes, total } }` (no bytes when its
 * fetch failed: the worker then asks itself). The worker hands it to the opening of that URL (`offerFirstBlock`).
 */

/** The key of the message that brings the page's first block. */
export const FIRST_BLOCK_MESSAGE = "tsnwbFirstBlock";

/** Whether a message the worker got is the page's first block (or its word that it has none), not a call. */
export function isFirstBlockMessage(data: unknown): boolean {
  return typeof data === "object" && data !== null && FIRST_BLOCK_MESSAGE in data;
}

/** The first block the page posts for `url` (undefined when the page could not fetch it), once it comes. */
export function firstBlockFromPage(url: string): Promise<{ bytes: Uint8Array; total: number } | undefined> {
  const scope = globalThis as unknown as {
    addEventListener(type: "message", listener: (e: MessageEvent) => void): void;
    removeEventListener(type: "message", listener: (e: MessageEvent) => void): void;
  };
  return new Promise((resolve) => {
    const listener = (e: MessageEvent) => {
      if (!isFirstBlockMessage(e.data)) return;
      const block = (e.data as Record<string, { url?: unknown; bytes?: unknown; total?: unknown }>)[FIRST_BLOCK_MESSAGE]!;
      if (block.url !== url) return;
      scope.removeEventListener("message", listener);
      resolve(block.bytes instanceof Uint8Array && typeof block.total === "number" ? { bytes: block.bytes, total: block.total } : undefined);
    };
    scope.addEventListener("message", listener);
  });
}
