// `status` as text: the mode, the serving certificate, the CA bundle, each
// consumer, the controller and warnings, at most 100 columns wide.
import { EXPIRY_WARNING_MS } from '../report/thresholds.ts';
import type { StatusReport, CertificateReport, ConsumerReport } from '../report/status.ts';
import { STATUS_MARKS, type Style, type TextOptions } from './style.ts';
import type { NoRenewer, Renewal } from '../antrea/renewal.ts';
import type { LastChange } from '../antrea/change-lease.ts';
import { alignColumns } from './table.ts';
import type { IpsecReport } from '../report/ipsec.ts';

const SHORT_KIND: Record<ConsumerReport['kind'], string> = {
  APIService: 'APIService',
  ValidatingWebhookConfiguration: 'ValidatingWebhook',
  MutatingWebhookConfiguration: 'MutatingWebhook',
  CustomResourceDefinition: 'CRD conversion',
};

const shortDate = (iso: string) => iso.replace('T', ' ').replace(/:\d\d(?:\.\d+)?Z$/, ' UTC');

/** "2026-12-06 10:12 UTC: rotate by alice@laptop (converged), backup laptop:/path". */
function lastChangeLine(last: LastChange): string {
  const backup = last.backup ? `, backup ${last.backup}` : ', no backup';
  return `${shortDate(last.at)}: ${last.command} by ${last.by} (${last.outcome})${backup}`;
}

/** Who renews the serving certificate and when: due, overdue (warned), or nobody. */
function renewalLine(renewal: Renewal | NoRenewer, { style }: TextOptions): string {
  if (renewal.renewer === null) return style.dim(`by nobody: ${renewal.note}`);
  if (renewal.overdueSince)
    return style.warn(
      `overdue since ${shortDate(renewal.overdueSince)}, by ${renewal.renewer} (due ${shortDate(renewal.dueAt)})`,
    );
  return `by ${renewal.renewer} at ${shortDate(renewal.dueAt)}`;
}

function certificateLines(cert: CertificateReport, opts: TextOptions): string[][] {
  const { style } = opts;
  const expiry =
    cert.expiresInSeconds <= 0
      ? style.bad(cert.expiresIn)
      : cert.expiresInSeconds * 1000 < EXPIRY_WARNING_MS
        ? style.warn(`${cert.expiresIn} left`)
        : `${cert.expiresIn} left`;
  const size = [cert.keySize, cert.curve]
    .filter(Boolean)
    .map((s) => ` ${s}`)
    .join('');
  const key = `${cert.keyAlgorithm}${size}, signed ${cert.signatureAlgorithm}`;
  return [
    ['  Subject', cert.subject],
    ['  Issuer', cert.issuer],
    ...(cert.dnsNames.length ? [['  DNS names', cert.dnsNames.join(', ')]] : []),
    ...(cert.ipAddresses.length ? [['  IP addresses', cert.ipAddresses.join(', ')]] : []),
    ['  Valid', `${shortDate(cert.notBefore)} to ${shortDate(cert.notAfter)} (${expiry})`],
    ['  Key', key],
    ['  Usages', [...cert.keyUsages, ...cert.extendedKeyUsages].join(', ') || 'none'],
    ['  Serial', cert.serialNumber],
    ['  SHA-256', opts.wide ? cert.sha256 : `${cert.sha256.slice(0, 16)}…`],
  ];
}

function consumerRows(consumers: readonly ConsumerReport[], opts: TextOptions): string[][] {
  const { style } = opts;
  const mark = (ok: boolean, text: string) =>
    ok ? style.ok(`${STATUS_MARKS.pass} ${text}`) : style.bad(`${STATUS_MARKS.fail} ${text}`);
  const describe = (c: ConsumerReport) =>
    c.caBundleMatches
      ? 'matches'
      : c.caBundleState === 'different'
        ? `differs${c.caBundleSha256 ? ` (${c.caBundleSha256.slice(0, 8)})` : ''}`
        : c.caBundleState;
  const header = [
    'KIND',
    'NAME',
    'CA BUNDLE',
    ...(opts.wide ? ['SHA-256 (first certificate)'] : []),
  ].map(style.dim);
  if (opts.wide) {
    return [
      header,
      ...consumers.map((c) => [
        SHORT_KIND[c.kind],
        c.webhook ? `${c.name}/${c.webhook}` : c.name,
        mark(c.caBundleMatches, describe(c)),
        c.caBundleSha256 ?? '-',
      ]),
    ];
  }
  const groups = new Map<string, ConsumerReport[]>();
  for (const c of consumers)
    groups.set(`${c.kind}\u0000${c.name}`, [...(groups.get(`${c.kind}\u0000${c.name}`) ?? []), c]);
  return [
    header,
    ...[...groups.values()].map((entries) => {
      const first = entries[0] as ConsumerReport;
      const bad = entries.filter((e) => !e.caBundleMatches);
      const text =
        entries.length === 1
          ? describe(first)
          : bad.length === 0
            ? `${entries.length} webhooks match`
            : `${bad.length} of ${entries.length} webhooks differ`;
      return [SHORT_KIND[first.kind], first.name, mark(bad.length === 0, text)];
    }),
  ];
}

/**
 * The status report as sections: the installation, the serving certificate, the CA bundle, the
 * consumers and the warnings.
 */
export function renderStatus(report: StatusReport, opts: TextOptions): string {
  const { style, width } = opts;
  const verdict = (ok: boolean, pass: string, fail: string) =>
    ok ? style.ok(`${STATUS_MARKS.pass} ${pass}`) : style.bad(`${STATUS_MARKS.fail} ${fail}`);
  const out: string[] = [];
  const section = (title: string) => out.push('', style.bold(title));
  const version = report.antreaVersion ? report.antreaVersion : 'version unknown';
  const nsNote = {
    flag: '',
    found: '',
    default: ' (default; no antrea-controller Deployment was listed)',
  }[report.namespaceSource];
  out.push(
    ...alignColumns(
      [
        ['Antrea', `${version} in namespace ${report.namespace}${nsNote}`],
        ['Mode', report.modeDescription],
        ...(report.certManagerCertificate || report.helmManaged
          ? [
              [
                'Managed by',
                [
                  report.certManagerCertificate
                    ? `cert-manager (Certificate ${report.certManagerCertificate} owns the Secret)`
                    : '',
                  report.helmManaged ? 'Helm' : '',
                ]
                  .filter(Boolean)
                  .join('; '),
              ],
            ]
          : []),
        ...(report.certManager ? [['Certificate', certificateDetail(report.certManager)]] : []),
        [
          'Config',
          report.configMap ? `ConfigMap ${report.configMap}` : style.warn('ConfigMap not found'),
        ],
        ['Controller', controllerLine(report, style)],
        ...(report.lastChange ? [['Last change', lastChangeLine(report.lastChange)]] : []),
      ],
      width,
    ),
  );

  section(
    `Serving certificate${report.servingCertificateSource ? ` (${report.servingCertificateSource})` : ''}`,
  );
  if (report.servingCertificate) {
    out.push(
      ...alignColumns(
        [
          ...certificateLines(report.servingCertificate, opts),
          ...(report.servingRenewal
            ? [['  Renewal', renewalLine(report.servingRenewal, opts)]]
            : []),
        ],
        width,
      ),
    );
    const chain = report.servingChain;
    if (chain) {
      out.push(
        `  ${verdict(chain.chainsToPublishedCA, 'chains to the published CA', 'does not chain to the published CA')}` +
          `   ${verdict(chain.hasServiceName, `carries ${chain.serviceName}`, `lacks ${chain.serviceName}`)}`,
      );
    }
  } else {
    out.push(
      `  ${style.dim('not visible: no tls.crt in the Secret and no leaf certificate in antrea-ca')}`,
    );
  }

  const ca = report.caBundle;
  section(`CA bundle (ConfigMap ${ca.configMap})`);
  if (!ca.present) out.push(`  ${style.bad(`${STATUS_MARKS.fail} missing`)}`);
  else if (ca.error) out.push(`  ${style.bad(`${STATUS_MARKS.fail} ${ca.error}`)}`);
  else {
    out.push(
      ...alignColumns(
        ca.certificates.map((c) => [
          `  ${c.subject}`,
          c.isCA ? 'CA' : 'leaf',
          c.expiresInSeconds <= 0 ? style.bad(c.expiresIn) : `${c.expiresIn} left`,
          opts.wide ? c.sha256 : c.sha256.slice(0, 8),
        ]),
        width,
      ),
    );
  }

  section('CA consumers (caBundle compared with antrea-ca)');
  out.push(
    ...alignColumns(
      consumerRows(report.consumers, opts).map((r) => [`  ${r[0]}`, ...r.slice(1)]),
      width,
    ),
  );

  if (report.ipsec) {
    section('IPsec');
    out.push(...alignColumns(ipsecRows(report.ipsec), width));
  }

  if (report.warnings.length) {
    section('Warnings');
    for (const w of report.warnings) out.push(`  ${style.warn(STATUS_MARKS.warn)} ${w}`);
  }
  if (report.notes.length) {
    section('Notes');
    for (const note of report.notes) out.push(`  ${style.dim(note)}`);
  }
  return `${out.join('\n')}\n`;
}

function controllerLine(report: StatusReport, style: Style): string {
  const pods = report.controller.pods;
  const { readyReplicas, replicas } = report.controller;
  if (pods.length === 0 && readyReplicas > 0) return `${readyReplicas} of ${replicas} ready`;
  if (pods.length === 0) return style.bad('no Pod');
  return pods
    .map((p) => {
      const state = p.deleting
        ? 'terminating'
        : p.ready
          ? style.ok('ready')
          : style.bad(`not ready${p.reason ? ` (${p.reason})` : ''}`);
      return `${p.name} ${state}, ${p.restarts} restart${p.restarts === 1 ? '' : 's'}`;
    })
    .join('; ');
}

/** "Ready, Issuer ca-issuer, renews 2027-10-29": the cert-manager Certificate, as read. */
function certificateDetail(state: NonNullable<StatusReport['certManager']>): string {
  if (!state.found) return `${state.name} does not exist: nothing renews the certificate`;
  const ready =
    state.ready?.status === 'True'
      ? 'Ready'
      : `not Ready${state.ready?.reason ? ` (${state.ready.reason})` : ''}`;
  const issuer = state.issuer ? `, ${state.issuer.kind} ${state.issuer.name}` : '';
  const renews = state.renewalTime ? `, renews ${state.renewalTime.slice(0, 10)}` : '';
  const failed = state.lastFailure
    ? `, issuance failed at ${shortDate(state.lastFailure.at)}` +
      (state.lastFailure.message ? ` (${state.lastFailure.message})` : '')
    : '';
  return `${ready}${issuer}${renews}${failed}`;
}

/** The IPsec block: authentication, the PSK Secret or the CA, the agents' requests and certificates. */
function ipsecRows(ipsec: IpsecReport): string[][] {
  const psk = ipsec.pskSecret;
  const requests = ipsec.requests;
  const rows: string[][] = [
    [
      '  Authentication',
      ipsec.authenticationMode === 'cert'
        ? `certificates${ipsec.certAuthGate ? '' : ' (IPsecCertAuth gate off: the agents do not start)'}`
        : 'pre-shared key',
    ],
  ];
  if (ipsec.authenticationMode === 'psk' || !('notRead' in psk))
    rows.push([
      '  Pre-shared key',
      'notRead' in psk
        ? `Secret ${psk.name}: not read (${psk.notRead})`
        : psk.exists
          ? `Secret ${psk.name}${psk.defaultKey ? ', the published default: replace it' : ''}`
          : `Secret ${psk.name} missing`,
    ]);
  const ca = ipsec.ca;
  if (ca)
    rows.push([
      '  CA',
      'notRead' in ca
        ? `ConfigMap ${ca.configMap}: not read`
        : ca.certificates[0]
          ? `${ca.certificates[0].subject}, ${ca.certificates[0].expiresIn} left (ConfigMap ${ca.configMap})`
          : `ConfigMap ${ca.configMap} ${ca.present ? 'holds no CA' : 'missing'}`,
    ]);
  if (ipsec.signer)
    rows.push([
      '  Signer',
      `${ipsec.signer.name}, auto-approval ${ipsec.signer.autoApprove ? 'on' : 'off'}`,
    ]);
  if (ipsec.authenticationMode === 'cert')
    rows.push(
      [
        '  Requests',
        'notRead' in requests
          ? `not read (${requests.notRead})`
          : `${requests.pending} pending, ${requests.issued} issued, ` +
            `${requests.denied + requests.failed} denied or failed`,
      ],
      ['  Agent certificates', `${ipsec.agentCertificates.length} visible through requests`],
    );
  return rows;
}
