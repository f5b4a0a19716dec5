/**
 * When a failed HTTP request is worth making again: the rule every reader by URL follows (the HDF5 range transports,
 * in Node's worker thread and in browsers, and the Zarr `HttpStore`).
 */

/**
 * Whether an HTTP status may pass when asked again: a server error (5xx), a timeout (408) or too many requests
 * (429). Self-contained (no reference outside its body): Node's range worker runs its source text.
 */
export function retryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}
