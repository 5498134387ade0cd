// kubectl antrea-certs exporter
import type { Within } from '../../certs/within.ts';
import { defineCommand } from '../../framework/command.ts';
import { expiryFlags, expiryOptionsFrom } from '../../framework/expiry-flags.ts';
import {
  fleetFlags,
  fleetOptionsFrom,
  severalLabelled,
  type FleetOptions,
} from '../../fleet/fleet-flags.ts';
import { parseDuration } from '../../duration.ts';
import { UsageError } from '../../errors.ts';
import { trustFlag, trustedNamespacesFrom } from '../../framework/trust-flags.ts';
import { parseListen, type Listen } from './listen.ts';

/** The port the exporter listens on unless told: the next free one of Prometheus's default port allocations. */
export const DEFAULT_PORT = 10027;

/** The exporter's options: where it listens, which clusters it watches, and how often each check runs. */
export interface ExporterOptions {
  readonly listen: Listen;
  readonly fleet: FleetOptions;
  readonly warnWithin: Within;
  readonly failWithin: Within;
  readonly servedIntervalMs: number;
  readonly probeIntervalMs: number;
  readonly auditIntervalMs?: number;
  readonly trustedNamespaces: readonly string[];
  readonly inventoryIntervalMs?: number;
  /** false: Secrets are never asked for (deploy/base's RBAC refuses them by design). */
  readonly readSecrets: boolean;
  /** rbac: /metrics only to a bearer token that may get it (TokenReview, SubjectAccessReview). */
  readonly metricsAuth: 'none' | 'rbac';
  /** HTTPS from these files; without them, HTTPS with a self-made certificate under rbac. */
  readonly tlsFiles?: { readonly cert: string; readonly key: string };
}

const INTERVALS = 'Schedules:';
const SERVING = 'Serving:';
const { 'warn-within': warnWithin, 'fail-within': failWithin } = expiryFlags('a certificate');
const {
  'all-contexts': allContexts,
  'contexts-matching': matching,
  'cluster-timeout': clusterTimeout,
} = fleetFlags;

/** exporter: a Prometheus exporter that keeps the clusters in view with watches. */
export const exporter = defineCommand({
  name: 'exporter',
  summary:
    'Serve the metrics of status, verify and audit to Prometheus, kept current by watches (in a Pod or beside kubectl)',
  short: 'Serve Prometheus metrics, kept current by watches',
  flags: {
    listen: {
      type: 'string',
      default: `:${DEFAULT_PORT}`,
      describe: 'Address and port of /metrics, /healthz and /readyz ([HOST]:PORT)',
    },
    'all-contexts': allContexts,
    'contexts-matching': matching,
    'cluster-timeout': {
      ...clusterTimeout,
      describe:
        'Give up on a read of a cluster (a request, or its credential plugin) after this: it is ' +
        'reported as not readable, and /readyz waits for it no longer',
    },
    'read-secrets': {
      type: 'boolean',
      default: true,
      describe:
        "Read the controller's TLS Secret (its key, ca.crt and pair checks); false: never ask " +
        "(RBAC that refuses Secrets by design, as deploy/base's): its checks show as not checked",
    },
    'metrics-auth': {
      choices: ['none', 'rbac'] as const,
      default: 'none' as const,
      group: SERVING,
      describe:
        'rbac: serve /metrics over HTTPS only to a bearer token that may get the URL /metrics ' +
        '(TokenReview and SubjectAccessReview, as kube-rbac-proxy); /healthz and /readyz stay open',
    },
    'tls-cert-file': {
      type: 'string',
      group: SERVING,
      describe:
        'Serve HTTPS with this certificate (PEM; re-read when it changes). Without it, ' +
        '--metrics-auth rbac makes a self-signed one and replaces it every 3.5 days',
    },
    'tls-private-key-file': {
      type: 'string',
      group: SERVING,
      describe: 'The key of --tls-cert-file (PEM)',
    },
    'cluster-label': {
      type: 'string',
      describe:
        'The cluster label of a single cluster (default: the context name, or "in-cluster")',
    },
    'warn-within': warnWithin,
    'fail-within': failWithin,
    'served-interval': {
      type: 'string',
      group: INTERVALS,
      default: '5m',
      describe:
        'How often to see what the controller serves (user-provided mode); also at once when ' +
        'the Secret or antrea-ca changes',
    },
    'probe-interval': {
      type: 'string',
      group: INTERVALS,
      default: '1m',
      describe: 'How often to probe the aggregated APIs through the API server',
    },
    'inventory-interval': {
      type: 'string',
      group: INTERVALS,
      default: '10m',
      describe: 'How often to read the status --all inventory (0 turns it off)',
    },
    audit: {
      type: 'boolean',
      group: INTERVALS,
      default: false,
      describe: 'Run audit too (it lists every Pod of the cluster)',
    },
    'audit-interval': {
      type: 'string',
      group: INTERVALS,
      default: '1h',
      describe: 'How often to run audit, with --audit',
    },
    ...trustFlag('With --audit'),
  },
  examples: [
    ['$0 exporter', 'in a Pod: its ServiceAccount; elsewhere: the current context'],
    ['$0 exporter --all-contexts --listen 127.0.0.1:10027', 'every context of the kubeconfig'],
    ['$0 exporter --audit --audit-interval 6h', 'audit as well, four times a day'],
    ['$0 exporter --metrics-auth rbac', 'HTTPS, /metrics only to tokens that may get it'],
  ],
  epilogue: `Endpoints: /metrics (Prometheus text format), /healthz (the process serves), /readyz
(every cluster has its first answer: its reports after the first full sync, or why it cannot be
read). A scrape makes no API request (with --metrics-auth rbac: its token's reviews, kept 10 s).
SIGTERM stops the watches and exits 0 once the scrapes in flight are answered.`,
  optionsFrom: (flags): ExporterOptions => {
    const interval = (name: string, value: string) => {
      const ms = parseDuration(value, `--${name}`);
      if (ms < 1000) throw new UsageError(`--${name} must be 1s or longer.`);
      return ms;
    };
    const inventory = parseDuration(flags['inventory-interval'], '--inventory-interval');
    const fleet = fleetOptionsFrom({ ...flags, parallel: 1 });
    if (fleet.clusterLabel && (fleet.all || fleet.matching)) throw severalLabelled();
    const { warnWithin, failWithin } = expiryOptionsFrom({ ...flags, strict: false });
    const cert = flags['tls-cert-file'];
    const key = flags['tls-private-key-file'];
    if (Boolean(cert) !== Boolean(key))
      throw new UsageError('give --tls-cert-file and --tls-private-key-file together.');
    return {
      listen: parseListen(flags.listen),
      fleet,
      warnWithin,
      failWithin,
      servedIntervalMs: interval('served-interval', flags['served-interval']),
      probeIntervalMs: interval('probe-interval', flags['probe-interval']),
      ...(flags.audit
        ? { auditIntervalMs: interval('audit-interval', flags['audit-interval']) }
        : {}),
      trustedNamespaces: trustedNamespacesFrom(flags['trust-namespace']),
      ...(inventory > 0
        ? { inventoryIntervalMs: interval('inventory-interval', flags['inventory-interval']) }
        : {}),
      readSecrets: flags['read-secrets'],
      metricsAuth: flags['metrics-auth'],
      ...(cert && key ? { tlsFiles: { cert, key } } : {}),
    };
  },
  load: () => import('./run.ts'),
});
