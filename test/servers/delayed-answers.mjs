// How the loopback test servers play a slow link (range-server.mjs for HDF5 by URL, folder-server.mjs for Zarr
// stores): every answer is held `delay` ms, and the requests are counted as a server on such a link would see them.

/**
 * Holds answers `delay` ms and counts sequential round trips. A request starts a round trip when none is in flight
 * and none arrived in the last half delay: a client's parallel requests reach the server a few milliseconds apart
 * (a browser dispatches them in turn), a request that waited for an answer comes a delay later.
 */
export class DelayedAnswers {
  constructor(delay) {
    this.delay = delay;
    this.roundTrips = 0;
    this.inFlight = 0;
    this.maxInFlight = 0;
    this.lastArrival = -Infinity;
  }

  /** Answers `res` with `answer()` after the delay, counting it as in flight meanwhile. */
  later(res, answer) {
    const now = performance.now();
    if (this.inFlight === 0 && now - this.lastArrival > this.delay / 2) this.roundTrips++;
    this.lastArrival = now;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.inFlight--;
    };
    res.on("close", finish);
    setTimeout(() => {
      if (res.destroyed) return finish();
      answer();
    }, this.delay);
  }

  /** Zeroes the counts (requests in flight stay in flight). */
  reset() {
    this.roundTrips = 0;
    this.maxInFlight = 0;
  }
}
