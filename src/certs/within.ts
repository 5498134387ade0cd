// A threshold on the time a certificate has left: a duration (30d), or a share
// of its lifetime (20%), so that a 24-hour certificate and a 10-year CA are
// judged by one rule.
import { formatDuration } from '../duration.ts';

/** Milliseconds, or a share (0 to 1) of the certificate's lifetime. */
export type Within = number | { readonly share: number };

/** The threshold for a certificate, in ms: the duration, or the share of its lifetime. */
export function withinMs(
  within: Within,
  validity: { readonly notBefore: Date | string; readonly notAfter: Date | string },
): number {
  if (typeof within === 'number') return within;
  const ms = (time: Date | string) =>
    typeof time === 'string' ? Date.parse(time) : time.getTime();
  return within.share * (ms(validity.notAfter) - ms(validity.notBefore));
}

/** As a person writes it: 30d, or 20% of the lifetime. */
export const describeWithin = (within: Within): string =>
  typeof within === 'number'
    ? formatDuration(within)
    : `${+(within.share * 100).toFixed(2)}% of the lifetime`;
