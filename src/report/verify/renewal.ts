// verify's renewal check: the serving certificate's renewer past its point
// (and its grace) without a renewal warns, months before expiry would; inside
// --fail-within as well it fails. A certificate nobody renews has no check:
// status says so, and expiry covers it.
import type { Certificate } from '../../certs/certificate.ts';
import { withinMs, type Within } from '../../certs/within.ts';
import type { StatusReport } from '../status.ts';
import type { Check } from '../check.ts';

/** renewal-overdue:serving, when the serving certificate has a renewer. */
export function renewalChecks(
  status: Pick<StatusReport, 'servingRenewal' | 'certManager'>,
  leaf: Certificate | undefined,
  inputs: { readonly now: Date; readonly failWithin: Within },
): Check[] {
  const renewal = status.servingRenewal;
  if (!leaf || !renewal || renewal.renewer === null) return [];
  const id = 'renewal-overdue:serving';
  const { renewer, rule, dueAt, overdueSince } = renewal;
  if (!overdueSince)
    return [
      {
        id,
        status: 'pass',
        message: `${renewer} renews the serving certificate at ${dueAt} (it ${rule})`,
      },
    ];
  const left = leaf.notAfter.getTime() - inputs.now.getTime();
  return [
    {
      id,
      status: left < withinMs(inputs.failWithin, leaf) ? 'fail' : 'warn',
      message:
        `the serving certificate's renewal is overdue since ${overdueSince}: ${renewer} ` +
        `${rule}, and it was due at ${dueAt}${failureOf(status.certManager)}`,
      hint: `look at ${renewal.causes}`,
    },
  ];
}

/** What cert-manager recorded of its last failed attempt, if it did. */
function failureOf(state: StatusReport['certManager']): string {
  const failure = state?.lastFailure;
  if (!failure) return '';
  const times = failure.attempts === 1 ? 'once' : `${failure.attempts} times`;
  return `; its issuance failed ${times}, last at ${failure.at}${failure.message ? `: ${failure.message}` : ''}`;
}
