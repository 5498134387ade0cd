// kubectl antrea-certs status
import { defineCommand } from '../../framework/command.ts';
import { parseDuration } from '../../duration.ts';
import { UsageError } from '../../errors.ts';
import { fleetFlags, fleetOptionsFrom, type FleetOptions } from '../../fleet/fleet-flags.ts';

/** status's options: which clusters to read, and whether to list every certificate and key. */
export interface StatusOptions {
  readonly fleet: FleetOptions;
  readonly all: boolean;
  readonly expiringWithinMs?: number;
  readonly expiringWithin?: string;
  readonly watch: boolean;
}

/**
 * status: one cluster's report, or a line per cluster for several (--all-contexts,
 * --contexts-matching, --context more than once).
 */
export const status = defineCommand({
  name: 'status',
  summary:
    'Show the certificate mode, the serving certificate, the published CA and who carries it',
  short: 'Show the certificate mode, the serving certificate and the published CA',
  flags: {
    all: {
      type: 'boolean',
      default: false,
      describe:
        'List every certificate and key of Antrea (IPsec, agents, Flow Aggregator, multi-cluster), kubeadm-style',
    },
    'expiring-within': {
      type: 'string',
      describe: 'With --all: list only what expires within this duration (e.g. 30d)',
    },
    watch: {
      type: 'boolean',
      alias: 'w',
      default: false,
      describe: 'Keep watching: print the report again at each change (Ctrl-C to stop)',
    },
    ...fleetFlags,
  },
  examples: [
    ['$0 status', ''],
    ['$0 status -o json', ''],
    ['$0 status --all-contexts', 'one line per cluster of the kubeconfig'],
    ['$0 status -o prometheus', 'metrics for the textfile collector of node_exporter'],
    ['$0 status --watch', 'redrawn at each change, while someone rotates or upgrades'],
    [
      '$0 status --all --expiring-within 60d',
      'every Antrea certificate that expires within 60 days',
    ],
  ],
  formats: ['prometheus'],
  optionsFrom: (flags): StatusOptions => {
    const within = flags['expiring-within'];
    if (within !== undefined && !flags.all)
      throw new UsageError('--expiring-within goes with --all.');
    if (flags.watch && flags.all) throw new UsageError('--watch shows status without --all.');
    return {
      fleet: fleetOptionsFrom(flags),
      all: flags.all,
      watch: flags.watch,
      ...(within !== undefined
        ? { expiringWithinMs: parseDuration(within, '--expiring-within'), expiringWithin: within }
        : {}),
    };
  },
  load: () => import('./run.ts'),
});
