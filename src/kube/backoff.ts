// How long to wait before trying again: doubling from the first delay up to a
// cap, with full jitter on top, so many informers that failed together (an
// API server restart) do not all come back in the same millisecond.

/** The delay before attempt n + 1 (n from 0), given a random number in [0, 1). */
export function backoffDelay(n: number, initialMs: number, maxMs: number, random: number): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(n, 30));
  return Math.round(base * (1 + random));
}
