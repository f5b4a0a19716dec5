/**
 * Writes to a store with a bounded number in flight: Zarr has no single file to serialise on, every chunk is its own
 * key, so a remote store answers many at once. The first write that failed is reported by the next `put` or by
 * `drain`, so that a caller stops at once and may remove what it wrote.
 */
import type { StoreKey, WritableStore } from "./store.js";

/** Writes in flight to one store, at most `limit` at once. */
export class BoundedWrites {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;
  private readonly limit: number;

  constructor(private readonly store: WritableStore, concurrency = 16) {
    this.limit = Math.max(1, concurrency);
  }

  /** Stores `value` under `key`, waiting first while `limit` writes are in flight; throws a write that failed. */
  async put(key: StoreKey, value: Uint8Array): Promise<void> {
    while (this.inFlight.size >= this.limit) await Promise.race(this.inFlight);
    if (this.failure !== undefined) throw this.failure;
    const p: Promise<void> = this.store.set(key, value).then(
      () => {
        this.inFlight.delete(p);
      },
      (e: unknown) => {
        this.inFlight.delete(p);
        this.failure ??= e;
      },
    );
    this.inFlight.add(p);
  }

  /** Waits for every write in flight; the first that failed is thrown. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    if (this.failure !== undefined) throw this.failure;
  }

  /** Waits for every write in flight to end, failed or not (before a failure is reported and the store removed). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}
