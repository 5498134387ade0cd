// What the audit checks share: a read that was refused, counts in words, and
// certificate expiry measured against --warn-within and --fail-within.
import { withinMs, type Within } from '../../certs/within.ts';
import type { Outcome } from '../../kube/outcome.ts';
import type { CertificateReport } from '../certificate-report.ts';
import type { Check, CheckStatus } from '../check.ts';

/** The expiry thresholds of a run, in milliseconds. */
export interface Thresholds {
  readonly warnWithin: Within;
  readonly failWithin: Within;
}

/** A warning that something could not be checked, with the refusal's sentence. */
export const notReadWarning = (id: string, what: string, outcome: Outcome<unknown>): Check => ({
  id: `not-checked:${id}`,
  status: 'warn',
  message: `${what} not checked: ${'refused' in outcome ? outcome.refused : 'the API does not serve it'}`,
  hint: 'grant list on it to whoever runs audit (README: Permissions)',
});

/** "1 Pod", "3 Pods". */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The expiry of some certificates, as checks; those far from expiry make none. */
export function expiryChecks(
  items: readonly { cert: CertificateReport; id: string; what: string }[],
  inputs: Thresholds,
  hint: string,
): Check[] {
  return items.flatMap(({ cert, id, what }): Check[] => {
    const left = cert.expiresInSeconds * 1000;
    if (left > withinMs(inputs.warnWithin, cert)) return [];
    const status: CheckStatus = left <= withinMs(inputs.failWithin, cert) ? 'fail' : 'warn';
    const when =
      left <= 0 ? `expired ${cert.notAfter}` : `expires ${cert.notAfter} (in ${cert.expiresIn})`;
    return [{ id, status, message: `${what} ${when}`, hint }];
  });
}
