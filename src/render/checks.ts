// `verify` and `audit` as text: one line per check, ✔ / ‼ / × / –, and a hint under each that did
// not pass.
import type { VerifyReport } from '../report/verify/verify.ts';
import { STATUS_MARKS, type TextOptions } from './style.ts';

/** The checks, a hint under each that did not pass, and the count of each outcome. */
export function renderChecks(
  report: Pick<VerifyReport, 'checks' | 'summary'>,
  { style }: Pick<TextOptions, 'style'>,
): string {
  const colour = { pass: style.ok, warn: style.warn, fail: style.bad, skip: style.dim } as const;
  const lines = report.checks.flatMap((check) => [
    `${colour[check.status](STATUS_MARKS[check.status])} ${check.message}`,
    ...(check.hint && check.status !== 'pass' ? [`  ${style.dim(`hint: ${check.hint}`)}`] : []),
    ...(check.detail && check.status !== 'pass' ? check.detail.map((line) => `    ${line}`) : []),
  ]);
  const { passed, warnings, failed, skipped } = report.summary;
  lines.push(
    '',
    `${passed} passed, ${warnings} warning${warnings === 1 ? '' : 's'}, ${failed} failed` +
      (skipped ? `, ${skipped} not checked by choice` : ''),
  );
  return `${lines.join('\n')}\n`;
}
