// How long to wait before trying again: doubling from the first delay, with
// jitter of up to as much again, so many informers that failed together (an
// API server restart) do not all come back in the same millisecond; never
// longer than the cap, so an API server back from a restart is seen within it.
// At the cap the jitter stays (from half the cap to the cap): informers that
// keep failing do not fall into step, and the first of them is soon back.

/** The delay before attempt n + 1 (n from 0), given a random number in [0, 1). */
export function backoffDelay(n: number, initialMs: number, maxMs: number, random: number): number {
  const base = initialMs * 2 ** Math.min(n, 30);
  if (base * 2 <= maxMs) return Math.round(base * (1 + random));
  return Math.round(maxMs * (0.5 + 0.5 * random));
}
