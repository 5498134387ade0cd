// kubectl antrea-certs status
import { defineCommand } from '../../cli/command.ts';
import { fleetFlags, fleetOptionsFrom, type FleetOptions } from '../../fleet/flags.ts';

/** status's options: which clusters to read. */
export interface StatusOptions {
  readonly fleet: FleetOptions;
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
  flags: fleetFlags,
  examples: [
    ['$0 status', ''],
    ['$0 status -o json', ''],
    ['$0 status --all-contexts', 'one line per cluster of the kubeconfig'],
    ['$0 status -o prometheus', 'metrics for the textfile collector of node_exporter'],
  ],
  optionsFrom: (flags): StatusOptions => ({ fleet: fleetOptionsFrom(flags) }),
  load: () => import('./run.ts'),
});
