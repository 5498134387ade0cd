// kubectl antrea-certs audit
import type { Within } from '../../certs/within.ts';
import { defineCommand } from '../../framework/command.ts';
import { trustFlag, trustedNamespacesFrom } from '../../framework/trust-flags.ts';
import { expiryFlags, expiryOptionsFrom } from '../../framework/expiry-flags.ts';

/** audit's options: the expiry thresholds, whether warnings fail, and the trusted namespaces. */
export interface AuditOptions {
  readonly warnWithin: Within;
  readonly failWithin: Within;
  readonly strict: boolean;
  readonly trustedNamespaces: readonly string[];
  readonly clusterLabel?: string;
}

const EXIT_CODES = `Exit codes:
  0  every check passed
  1  could not check (kubeconfig, connection, permissions, no Antrea)
  2  a check failed
  3  warnings only, with --strict`;

/** audit: Antrea's security recommendations checked on the live cluster, read-only. */
export const audit = defineCommand({
  name: 'audit',
  summary:
    "Check Antrea's security recommendations: hostPath access to /var/run/antrea, admission, IPsec keys",
  short: "Check Antrea's security recommendations and IPsec keys",
  flags: {
    ...trustFlag(),
    ...expiryFlags('an IPsec or agent certificate'),
    'cluster-label': {
      type: 'string',
      describe: 'The cluster label of -o prometheus (default: the context name)',
    },
  },
  examples: [
    ['$0 audit', ''],
    ['$0 audit --trust-namespace monitoring', "monitoring's Pods may mount Antrea's files"],
    ['$0 audit -o prometheus', 'one metric per check'],
  ],
  epilogue: EXIT_CODES,
  formats: ['prometheus', 'junit'],
  optionsFrom: (flags): AuditOptions => ({
    ...expiryOptionsFrom(flags),
    trustedNamespaces: trustedNamespacesFrom(flags['trust-namespace']),
    ...(flags['cluster-label'] ? { clusterLabel: flags['cluster-label'] } : {}),
  }),
  load: () => import('./run.ts'),
});
