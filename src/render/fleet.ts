// Several clusters as text: one line each (context, Antrea, mode, the days
// left of the serving certificate and the CA, consumers in step, the verify
// verdict and the first problem in words), then a summary line.
import type { ClusterRead, FleetSummary, Verdict } from '../report/cluster.ts';
import type { CertificateReport } from '../report/certificate-report.ts';
import { STATUS_MARKS, type Style, type TextOptions } from './style.ts';
import { alignColumns } from './table.ts';

const DAY_SECONDS = 86_400;

const daysLeft = (cert: CertificateReport | null | undefined) =>
  cert ? `${Math.floor(cert.expiresInSeconds / DAY_SECONDS)}d` : '-';

function mark(verdict: Verdict, style: Style): string {
  if (verdict === 'pass') return style.ok(STATUS_MARKS.pass);
  if (verdict === 'warn') return style.warn(STATUS_MARKS.warn);
  return style.bad(STATUS_MARKS.fail);
}

/** The first thing to look at: a failed check, else a warning, else why it was not read. */
function firstProblem(read: ClusterRead): string {
  if ('error' in read) return `${read.error.kind}: ${read.error.message}`;
  const checks = read.verify.checks;
  const problem =
    checks.find((c) => c.status === 'fail') ?? checks.find((c) => c.status === 'warn');
  return problem?.message ?? '-';
}

function row(read: ClusterRead, verdict: Verdict, opts: TextOptions): string[] {
  const problem = firstProblem(read);
  if ('error' in read) {
    const blank = ['-', '-', '-', '-', '-'];
    return [
      read.context,
      ...blank,
      mark(verdict, opts.style),
      problem,
      ...(opts.wide ? ['-', '-'] : []),
    ];
  }
  const { status } = read;
  const ca = status.caBundle.certificates.find((c) => c.isCA);
  const inStep = status.consumers.filter((c) => c.caBundleMatches).length;
  return [
    read.context,
    `${status.antreaVersion ?? '?'} ${status.namespace}`,
    status.mode,
    daysLeft(status.servingCertificate),
    daysLeft(ca),
    `${inStep}/${status.consumers.length}`,
    mark(verdict, opts.style),
    problem,
    ...(opts.wide
      ? [status.servingCertificate?.sha256.slice(0, 16) ?? '-', ca?.sha256.slice(0, 16) ?? '-']
      : []),
  ];
}

/** One cluster as one line, each cell named where its value alone would not say: --watch in a pipe. */
export function changeLine(read: ClusterRead, verdict: Verdict, opts: TextOptions): string {
  const [context, antrea, mode, serving, ca, consumers, verdictMark, problem] = row(read, verdict, {
    ...opts,
    wide: false,
  });
  const cells =
    'error' in read
      ? [context, verdictMark, problem]
      : [
          context,
          antrea,
          mode,
          `serving ${serving}`,
          `CA ${ca}`,
          `consumers ${consumers}`,
          verdictMark,
          problem,
        ];
  return cells.join('  ');
}

/** "3 clusters: 1 passed, ...": the counts under the fleet table. */
export function summaryLine(summary: FleetSummary): string {
  const { clusters, passed, warnings, failed, unreachable, notRead } = summary;
  const others = notRead
    ? `, ${notRead} not read (refused, no Antrea, kubeconfig or credentials)`
    : '';
  return `${clusters} cluster${clusters === 1 ? '' : 's'}: ${passed} passed, ${warnings} warnings, ${failed} failed, ${unreachable} unreachable${others}`;
}

/** One row per cluster, the fingerprints too with -o wide, then the summary line. */
export function renderFleet(
  reads: readonly ClusterRead[],
  verdicts: readonly Verdict[],
  summary: FleetSummary,
  opts: TextOptions,
): string {
  const header = ['CONTEXT', 'ANTREA', 'MODE', 'SERVING', 'CA', 'CONSUMERS', 'VERIFY', 'PROBLEM'];
  const wide = opts.wide ? ['SERVING SHA-256', 'CA SHA-256'] : [];
  const rows = reads.map((read, i) => row(read, verdicts[i] ?? 'error', opts));
  // -o wide puts the fingerprints last.
  const lines = alignColumns([[...header, ...wide].map(opts.style.dim), ...rows], opts.width);
  return `${[...lines, '', summaryLine(summary)].join('\n')}\n`;
}
