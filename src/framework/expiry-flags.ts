// The flags of the commands that check expiry (verify, audit): when a
// certificate's expiry warns and fails, and whether warnings fail the run.
import type { FlagTable } from './flag-table.ts';
import { parseDuration } from '../duration.ts';
import { EXPIRY_FAILURE_DAYS, EXPIRY_WARNING_DAYS } from '../report/thresholds.ts';

/** --warn-within, --fail-within and --strict; `what` names the certificates in the help. */
export const expiryFlags = (what: string) =>
  ({
    'warn-within': {
      type: 'string',
      default: `${EXPIRY_WARNING_DAYS}d`,
      describe: `Warn when ${what} expires within this duration (e.g. 30d, 720h)`,
    },
    'fail-within': {
      type: 'string',
      default: `${EXPIRY_FAILURE_DAYS}d`,
      describe: `Fail when ${what} expires within this duration`,
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
  warnWithinMs: parseDuration(flags['warn-within'], '--warn-within'),
  failWithinMs: parseDuration(flags['fail-within'], '--fail-within'),
  strict: flags.strict,
});
