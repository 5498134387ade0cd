// Clusters as Prometheus metrics, in the text exposition format (for
// node_exporter's textfile collector): one family per fact, every sample
// labelled with its cluster and Antrea namespace.
import type { ClusterRead, ReadFailure } from '../report/cluster.ts';
import type { Check, CheckStatus } from '../report/check.ts';

interface Family {
  readonly name: string;
  readonly help: string;
  readonly samples: string[];
}

type Labels = Readonly<Record<string, string>>;

const escape = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

const sample = (name: string, labels: Labels, value: number) => {
  const pairs = Object.entries(labels).map(([key, v]) => `${key}="${escape(v)}"`);
  return `${name}{${pairs.join(',')}} ${value}`;
};

/** A check not run by choice (-1) is shown, so that what was left out is seen, and alerts on > 0 ignore it. */
const CHECK_VALUE: Record<CheckStatus, number> = { pass: 0, warn: 1, fail: 2, skip: -1 };

const families = () => ({
  up: {
    name: 'antrea_certs_up',
    help: "Whether the cluster's Antrea certificates could be read (1) or not (0).",
    samples: [] as string[],
  },
  readError: {
    name: 'antrea_certs_read_error_info',
    help:
      'Why a cluster could not be read: unreachable, unauthorized, forbidden, no-antrea, ' +
      'kubeconfig, credentials or error.',
    samples: [] as string[],
  },
  mode: {
    name: 'antrea_certs_mode_info',
    help: 'The certificate mode of antrea-controller and the Antrea version.',
    samples: [] as string[],
  },
  notAfter: {
    name: 'antrea_certs_certificate_not_after_timestamp_seconds',
    help: 'When a certificate expires: the serving certificate and each CA that antrea-ca publishes.',
    samples: [] as string[],
  },
  renewalDue: {
    name: 'antrea_certs_certificate_renewal_due_timestamp_seconds',
    help:
      'When its renewer (the renewer label) should renew a certificate: past it by more than an ' +
      'hour and not renewed, the renewer failed. None for a certificate nobody renews.',
    samples: [] as string[],
  },
  inSync: {
    name: 'antrea_certs_consumer_ca_bundle_in_sync',
    help: 'Whether the caBundle of an APIService, webhook or CRD conversion carries the CA of antrea-ca.',
    samples: [] as string[],
  },
  check: {
    name: 'antrea_certs_check_status',
    help: 'The result of each verify check: 0 passed, 1 warning, 2 failed, -1 not checked by choice.',
    samples: [] as string[],
  },
});

/** audit's checks as metrics: one sample per check, 0 passed, 1 warning, 2 failed. */
export const renderAuditPrometheus = (report: AuditLike, cluster: string): string =>
  exposition([auditFamily(report, cluster)]);

interface AuditLike {
  readonly namespace: string;
  readonly checks: readonly Check[];
}

function auditFamily(report: AuditLike, cluster: string): Family {
  return {
    name: 'antrea_certs_audit_check_status',
    help: 'The result of each audit check: 0 passed, 1 warning, 2 failed, -1 not checked by choice.',
    samples: numbered(report.checks).map(({ id, check }) =>
      sample(
        'antrea_certs_audit_check_status',
        { cluster, namespace: report.namespace, check: id },
        CHECK_VALUE[check.status],
      ),
    ),
  };
}

/** Checks with the same id get #2, #3…: each sample needs its own labels. */
function numbered(checks: readonly Check[]): { id: string; check: Check }[] {
  const seen = new Map<string, number>();
  return checks.map((check) => {
    const n = (seen.get(check.id) ?? 0) + 1;
    seen.set(check.id, n);
    return { id: n === 1 ? check.id : `${check.id}#${n}`, check };
  });
}

/** status --all as metrics: when each certificate of the inventory expires, and is due a renewal. */
export const renderInventoryPrometheus = (report: InventoryLike, cluster: string): string =>
  exposition(inventoryFamilies(report, cluster));

interface InventoryLike {
  readonly namespace: string;
  readonly certificates: readonly Entry[];
  readonly authorities: readonly Entry[];
}

function inventoryFamilies(report: InventoryLike, cluster: string): Family[] {
  const entries = [...report.certificates, ...report.authorities];
  const labelsOf = (e: Entry) => ({
    cluster,
    namespace: report.namespace,
    certificate: e.name,
    location: e.location,
  });
  const notAfter = 'antrea_certs_inventory_not_after_timestamp_seconds';
  const renewalDue = 'antrea_certs_inventory_renewal_due_timestamp_seconds';
  return [
    {
      name: notAfter,
      help: 'When each certificate of status --all expires.',
      samples: entries.flatMap((e) =>
        e.notAfter ? [sample(notAfter, labelsOf(e), epochSeconds(e.notAfter))] : [],
      ),
    },
    {
      name: renewalDue,
      help:
        'When its renewer should renew each certificate of status --all (the renewer label), ' +
        'with its subject and sha256. None for a certificate nobody renews.',
      samples: entries.flatMap(({ renewal, ...e }) =>
        renewal?.renewer
          ? [
              sample(
                renewalDue,
                {
                  ...labelsOf(e),
                  subject: e.subject ?? '',
                  sha256: e.sha256 ?? '',
                  renewer: renewal.renewer,
                },
                epochSeconds(renewal.dueAt),
              ),
            ]
          : [],
      ),
    },
  ];
}

interface Entry {
  readonly name: string;
  readonly location: string;
  readonly notAfter?: string;
  readonly subject?: string;
  readonly sha256?: string;
  readonly renewal?:
    { readonly renewer: string; readonly dueAt: string } | { readonly renewer: null };
}

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** `clusterLabel` names a single cluster instead of its context. */
export const renderPrometheus = (reads: readonly ClusterRead[], clusterLabel?: string): string =>
  exposition(clusterFamilies(reads, clusterLabel));

/** What the exporter knows of one cluster: what status and verify print, and audit and status --all when run. */
export interface WatchedCluster {
  readonly read: ClusterRead;
  /**
   * The cluster cannot be read now (its watches broken for a while): its last reports are still
   * rendered, with up 0 and read_error_info saying why, so alerts on them hold through an outage.
   */
  readonly outage?: ReadFailure;
  readonly audit?: AuditLike;
  readonly inventory?: InventoryLike;
}

/** Every cluster the exporter watches, in the families of the one-shot commands, each family once. */
export const renderWatchedPrometheus = (clusters: readonly WatchedCluster[]): string =>
  exposition([
    ...clusterFamilies(
      clusters.map((c) => c.read),
      undefined,
      new Map(clusters.flatMap((c) => (c.outage ? [[c.read.context, c.outage] as const] : []))),
    ),
    ...clusters.flatMap(({ read, audit }) => (audit ? [auditFamily(audit, read.context)] : [])),
    ...clusters.flatMap(({ read, inventory }) =>
      inventory ? inventoryFamilies(inventory, read.context) : [],
    ),
  ]);

function clusterFamilies(
  reads: readonly ClusterRead[],
  clusterLabel?: string,
  outages: ReadonlyMap<string, ReadFailure> = new Map(),
): Family[] {
  const f = families();
  for (const read of reads) {
    const cluster = clusterLabel ?? read.context;
    if ('error' in read) {
      f.up.samples.push(sample(f.up.name, { cluster }, 0));
      f.readError.samples.push(sample(f.readError.name, { cluster, kind: read.error.kind }, 1));
      continue;
    }
    const { status, verify } = read;
    const base = { cluster, namespace: status.namespace };
    const outage = outages.get(read.context);
    f.up.samples.push(sample(f.up.name, { cluster }, outage ? 0 : 1));
    if (outage) f.readError.samples.push(sample(f.readError.name, { cluster, kind: outage }, 1));
    const version = status.antreaVersion ?? '';
    f.mode.samples.push(
      sample(f.mode.name, { ...base, mode: status.mode, antrea_version: version }, 1),
    );
    const certificates = [
      ...(status.servingCertificate ? [{ kind: 'serving', cert: status.servingCertificate }] : []),
      ...status.caBundle.certificates.filter((c) => c.isCA).map((cert) => ({ kind: 'ca', cert })),
    ];
    // The serving certificate's renewer renews its CA with it in self-signed mode (one pair).
    const renewal = status.servingRenewal?.renewer ? status.servingRenewal : undefined;
    for (const { kind, cert } of certificates) {
      const labels = { ...base, certificate: kind, subject: cert.subject, sha256: cert.sha256 };
      f.notAfter.samples.push(sample(f.notAfter.name, labels, epochSeconds(cert.notAfter)));
      if (renewal && (kind === 'serving' || status.mode === 'self-signed'))
        f.renewalDue.samples.push(
          sample(
            f.renewalDue.name,
            { ...labels, renewer: renewal.renewer },
            epochSeconds(renewal.dueAt),
          ),
        );
    }
    for (const consumer of status.consumers) {
      const labels = {
        ...base,
        kind: consumer.kind,
        name: consumer.name,
        ...(consumer.webhook ? { webhook: consumer.webhook } : {}),
      };
      f.inSync.samples.push(sample(f.inSync.name, labels, consumer.caBundleMatches ? 1 : 0));
    }
    for (const { id, check } of numbered(verify.checks))
      f.check.samples.push(sample(f.check.name, { ...base, check: id }, CHECK_VALUE[check.status]));
  }
  return Object.values(f);
}

/** The text format: families with samples, one HELP and TYPE each; a family given twice is merged. */
function exposition(list: readonly Family[]): string {
  const merged = new Map<string, Family>();
  for (const family of list) {
    const seen = merged.get(family.name);
    merged.set(
      family.name,
      seen ? { ...seen, samples: [...seen.samples, ...family.samples] } : family,
    );
  }
  const text = [...merged.values()]
    .filter((family) => family.samples.length > 0)
    .map((family) =>
      [
        `# HELP ${family.name} ${family.help}`,
        `# TYPE ${family.name} gauge`,
        ...family.samples,
      ].join('\n'),
    )
    .join('\n');
  return text ? `${text}\n` : '';
}
