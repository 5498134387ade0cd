// status --all as text: kubeadm's `certs check-expiration` layout, the
// certificates and keys first, then the CAs, then what could not be read;
// RENEWED says when each one's renewer renews it (or never).
import type { InventoryEntry, InventoryReport } from '../report/inventory.ts';
import { EXPIRY_WARNING_MS } from '../report/thresholds.ts';
import type { TextOptions } from './style.ts';
import { alignColumns } from './table.ts';

const day = (iso?: string) => (iso ? iso.slice(0, 10) : '-');

function residual(e: InventoryEntry, { style }: TextOptions): string {
  if (e.expiresInSeconds === undefined) return e.kind === 'key' ? 'no expiry' : '-';
  if (e.expiresInSeconds <= 0) return style.bad(e.expiresIn ?? '');
  return e.expiresInSeconds * 1000 < EXPIRY_WARNING_MS
    ? style.warn(e.expiresIn ?? '')
    : (e.expiresIn ?? '');
}

/** When its renewer renews it: the day, overdue (warned), or never (nobody renews it). */
function renews(e: InventoryEntry, { style }: TextOptions): string {
  const renewal = e.renewal;
  if (!renewal) return '-';
  if (renewal.renewer === null) return style.dim('never');
  if (renewal.overdueSince) return style.warn(`overdue since ${day(renewal.overdueSince)}`);
  return day(renewal.dueAt);
}

/** The two tables and the notes. */
export function renderInventory(report: InventoryReport, opts: TextOptions): string {
  const { style } = opts;
  const head = (cells: string[]) => cells.map((c) => style.dim(c));
  const lines = alignColumns(
    [
      head([
        'CERTIFICATE OR KEY',
        'WHERE',
        'EXPIRES',
        'RESIDUAL TIME',
        'RENEWED',
        'CA',
        'MANAGED BY',
      ]),
      ...report.certificates.map((e) => [
        e.name,
        e.location,
        day(e.notAfter),
        residual(e, opts),
        renews(e, opts),
        e.ca ?? '-',
        e.managedBy,
      ]),
    ],
    opts.width,
  );
  if (!report.certificates.length) lines.push('  (none)');
  const notes = report.certificates.filter((e) => e.note).map((e) => `  ${e.name}: ${e.note}`);
  lines.push(...(notes.length ? ['', ...notes.map((n) => style.dim(n))] : []), '');
  lines.push(
    ...alignColumns(
      [
        head([
          'CERTIFICATE AUTHORITY',
          'WHERE',
          'EXPIRES',
          'RESIDUAL TIME',
          'RENEWED',
          'MANAGED BY',
        ]),
        ...report.authorities.map((e) => [
          e.name,
          e.location,
          day(e.notAfter),
          residual(e, opts),
          renews(e, opts),
          e.managedBy,
        ]),
      ],
      opts.width,
    ),
  );
  if (!report.authorities.length) lines.push('  (none)');
  if (report.expiringWithin)
    lines.push('', style.dim(`Only what expires within ${report.expiringWithin} is listed.`));
  for (const { what, reason } of report.notRead)
    lines.push(style.warn(`not read: ${what}: ${reason}`));
  return `${lines.join('\n')}\n`;
}
