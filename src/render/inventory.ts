// status --all as text: kubeadm's `certs check-expiration` layout, the
// certificates and keys first, then the CAs, then what could not be read.
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

/** The two tables and the notes. */
export function renderInventory(report: InventoryReport, opts: TextOptions): string {
  const { style } = opts;
  const head = (cells: string[]) => cells.map((c) => style.dim(c));
  const lines = alignColumns(
    [
      head(['CERTIFICATE OR KEY', 'WHERE', 'EXPIRES', 'RESIDUAL TIME', 'CA', 'MANAGED BY']),
      ...report.certificates.map((e) => [
        e.name,
        e.location,
        day(e.notAfter),
        residual(e, opts),
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
        head(['CERTIFICATE AUTHORITY', 'WHERE', 'EXPIRES', 'RESIDUAL TIME', 'MANAGED BY']),
        ...report.authorities.map((e) => [
          e.name,
          e.location,
          day(e.notAfter),
          residual(e, opts),
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
