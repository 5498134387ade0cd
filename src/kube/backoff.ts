// How long to wait before trying again: doubling from the first delay, with
// jitter of up to as much again, so many informers that failed together (an
// API server restart) do not all come back in the same millisecond; never
// longer than the cap, so an API server back from a restart is seen within it.

/** The delay before attempt n + 1 (n from 0), given a random number in [0, 1). */
export function backoffDelay(n: number, initialMs: number, maxMs: number, random: number): number {
  const base = initialMs * 2 ** Math.min(n, 30);
  return Math.round(Math.min(maxMs, base * (1 + random)));
}
