// How the loopback test servers play a slow link (range-server.mjs for HDF5 by URL, folder-server.mjs for Zarr
// stores): every answer is held `delay` ms, and the requests are counted as a server on such a link would see them.

/**
 * Holds answers `delay` ms and counts sequential round trips, two ways.
 *
 * `chain` (the honest count): the longest chain of requests each of which arrived after the answer to the one
 * before it was sent. A request arriving while no answer has been sent yet is 1; one arriving after answers of
 * chain length n is n + 1. The server cannot see what a client's request depended on, so it assumes every answer
 * already sent: an upper bound on the client's sequential waits that pipelining cannot lower (a client keeping 16
 * requests in flight and sending the 17th when the first is answered has waited for that answer, and is counted so).
 * Over a link of `delay` ms, the network part of a reading takes about `chain × delay`.
 *
 * `roundTrips` (bursts, kept for the HDF5 tests' bounds): a request starts one when none is in flight and none
 * arrived in the last half delay. It undercounts a client that always has a request in flight (a pipeline of
 * requests sent as answers come is one burst however long it lasts): read `chain` beside it.
 */
export class DelayedAnswers {
  constructor(delay) {
    this.delay = delay;
    this.roundTrips = 0;
    this.inFlight = 0;
    this.maxInFlight = 0;
    this.lastArrival = -Infinity;
    this.chain = 0;
    /** How many requests arrived at each chain length (index 0: length 1): stragglers show as a thin tail. */
    this.chains = [];
    /** The longest chain among the answers sent so far. */
    this.answeredChain = 0;
  }

  /**
   * Answers `res` with `answer()` after the delay, counting it as in flight meanwhile. `key` names the request in
   * the log that CHAIN_LOG=1 in the environment prints to stderr: each request's chain length, arrival (ms), key.
   */
  later(res, answer, key) {
    const now = performance.now();
    if (this.inFlight === 0 && now - this.lastArrival > this.delay / 2) this.roundTrips++;
    this.lastArrival = now;
    const chain = this.answeredChain + 1;
    this.chain = Math.max(this.chain, chain);
    this.chains[chain - 1] = (this.chains[chain - 1] ?? 0) + 1;
    if (process.env.CHAIN_LOG) console.error(chain, Math.round(now), key);
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
      this.answeredChain = Math.max(this.answeredChain, chain);
      answer();
    }, this.delay);
  }

  /** Zeroes the counts (requests in flight stay in flight). */
  reset() {
    this.roundTrips = 0;
    this.maxInFlight = 0;
    this.chain = 0;
    this.chains = [];
    this.answeredChain = 0;
  }
}
