// What generate made, as text: the files and their modes, the two
// certificates with their fingerprints, where the names came from, and the
// command that installs them. Never key material: keys are only named.
import { STATUS_MARKS, type TextOptions } from './style.ts';

/** A certificate generate made or used, as the report shows it. */
export interface GeneratedCertificate {
  readonly subject: string;
  readonly keyAlgorithm: string;
  readonly notAfter: string;
  readonly sha256: string;
}

/** What generate --out reports (-o json and yaml print it as it is). */
export interface GeneratedReport {
  readonly directory: string;
  readonly files: readonly { readonly name: string; readonly mode: string }[];
  readonly namespace: string;
  readonly namespaceSource: string;
  readonly clusterDomain: string;
  readonly clusterDomainSource: string;
  readonly ca: GeneratedCertificate & { readonly new: boolean };
  readonly certificate: GeneratedCertificate & {
    readonly dnsNames: readonly string[];
    readonly ipAddresses: readonly string[];
  };
  readonly warnings: readonly string[];
  /** The command that installs the pair. */
  readonly next: string;
}

const fingerprint = (sha256: string) => sha256.toUpperCase().match(/../g)?.join(':') ?? sha256;

const certificateLines = (label: string, c: GeneratedCertificate) => [
  `${label}  ${c.subject}, ${c.keyAlgorithm}, expires ${c.notAfter.slice(0, 10)}`,
  `${' '.repeat(label.length)}  SHA-256 ${fingerprint(c.sha256)}`,
];

/** The report as text; the key files appear by name and mode only. */
export function renderGenerated(report: GeneratedReport, { style }: TextOptions): string {
  const lines = [
    style.bold(`Wrote ${report.directory}/ (mode 0700):`),
    ...report.files.map(
      (f) => `  ${f.name.padEnd(8)}${f.mode}${f.mode === '0600' ? '  private key, not shown' : ''}`,
    ),
    '',
    ...certificateLines(report.ca.new ? 'CA (new)' : 'CA (given)', report.ca),
    ...certificateLines('Serving ', report.certificate),
    `          DNS ${report.certificate.dnsNames.join(', ')}`,
    ...(report.certificate.ipAddresses.length
      ? [`          IP  ${report.certificate.ipAddresses.join(', ')}`]
      : []),
    `Namespace ${report.namespace} (${report.namespaceSource}), cluster domain ${report.clusterDomain} (${report.clusterDomainSource})`,
    ...report.warnings.map((w) => `${style.warn(STATUS_MARKS.warn)} ${w}`),
    '',
    'Next, to install it and switch the controller to it (checked, backed up, verified):',
    `  ${report.next}`,
  ];
  return `${lines.join('\n')}\n`;
}
