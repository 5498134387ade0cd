// The flags of the commands that check expiry (verify, audit): when a
// certificate's expiry warns and fails, and whether warnings fail the run.
import type { FlagTable } from './flag-table.ts';
import { parseDuration } from '../duration.ts';
import { UsageError } from '../errors.ts';
import type { Within } from '../certs/within.ts';
import { EXPIRY_FAILURE_DAYS, EXPIRY_WARNING_DAYS } from '../report/thresholds.ts';

/** --warn-within, --fail-within and --strict; `what` names the certificates in the help. */
export const expiryFlags = (what: string) =>
  ({
    'warn-within': {
      type: 'string',
      default: `${EXPIRY_WARNING_DAYS}d`,
      describe: `Warn when ${what} expires within this duration (e.g. 30d, 720h) or share of its lifetime (20%)`,
    },
    'fail-within': {
      type: 'string',
      default: `${EXPIRY_FAILURE_DAYS}d`,
      describe: `Fail when ${what} expires within this duration or share of its lifetime`,
    },
    strict: {
      type: 'boolean',
      default: false,
      describe: 'Exit 3 when there are warnings but no failures',
    },
  }) as const satisfies FlagTable;

/** The thresholds and --strict as typed options; a bad duration is a UsageError. */
export const expiryOptionsFrom = (flags: {
  readonly 'warn-within': string;
  readonly 'fail-within': string;
  readonly strict: boolean;
}) => ({
  warnWithin: parseWithin(flags['warn-within'], '--warn-within'),
  failWithin: parseWithin(flags['fail-within'], '--fail-within'),
  strict: flags.strict,
});

/** A duration (30d) or a share of a certificate's lifetime (20%, more than 0 and at most 100). */
export function parseWithin(value: string, flag: string): Within {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(value.trim());
  if (!percent) return parseDuration(value, flag);
  const share = Number(percent[1]) / 100;
  if (share <= 0 || share > 1)
    throw new UsageError(
      `${flag} takes a share of the lifetime above 0% and at most 100%, not ${value}.`,
    );
  return { share };
}
