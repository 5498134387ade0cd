// How long a certificate the plugin issues may be valid.

/**
 * The last instant a certificate can hold, in ms: GeneralizedTime has four digits for the year.
 * A number, not a Date: a Date made when the module loads costs every command V8's time-zone
 * lookup (ICU reads /etc/localtime), a few milliseconds of each start.
 */
export const LAST_NOT_AFTER_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

/** Why a validity of `ms` from `now` cannot be issued (it ends after year 9999), or undefined. */
export function validityProblem(ms: number, now: Date): string | undefined {
  if (now.getTime() + ms <= LAST_NOT_AFTER_MS) return undefined;
  const days = Math.floor((LAST_NOT_AFTER_MS - now.getTime()) / 86_400_000);
  const last = new Date(LAST_NOT_AFTER_MS).toISOString().slice(0, 10);
  return `ends after ${last}, the last date a certificate can hold; give at most ${days}d`;
}
