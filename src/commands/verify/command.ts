// kubectl antrea-certs verify
import type { Within } from '../../certs/within.ts';
import { defineCommand } from '../../framework/command.ts';
import { expiryFlags, expiryOptionsFrom } from '../../framework/expiry-flags.ts';
import { fleetFlags, fleetOptionsFrom, type FleetOptions } from '../../fleet/fleet-flags.ts';

/**
 * verify's options: the expiry thresholds, whether warnings fail the run, and which clusters to
 * read.
 */
export interface VerifyOptions {
  readonly warnWithin: Within;
  readonly failWithin: Within;
  readonly strict: boolean;
  readonly fleet: FleetOptions;
  readonly watch: boolean;
}

const EXIT_CODES = `Exit codes:
  0  all checks passed
  1  could not check (kubeconfig, connection, permissions, no Antrea)
  2  a check failed
  3  warnings only, with --strict
With several clusters, the worst of theirs: 2, then 3, then 1.`;

/** verify: the checks, with exit codes that scripts and CI jobs act on (its help lists them). */
export const verify = defineCommand({
  name: 'verify',
  summary:
    'Check that every CA consumer carries the published CA and that the controller answers through it',
  short: 'Check the CA consumers and the controller',
  flags: {
    ...expiryFlags('a certificate'),
    watch: {
      type: 'boolean',
      alias: 'w',
      default: false,
      describe: 'Keep watching: print the report again at each change (Ctrl-C to stop)',
    },
    ...fleetFlags,
  },
  epilogue: EXIT_CODES,
  formats: ['prometheus', 'junit'],
  optionsFrom: (flags): VerifyOptions => ({
    ...expiryOptionsFrom(flags),
    fleet: fleetOptionsFrom(flags),
    watch: flags.watch,
  }),
  load: () => import('./run.ts'),
});
