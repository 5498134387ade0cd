// verify's checks of the cert-manager Certificate that owns the Secret: that
// it exists, is Ready, and renews early enough for the reload to happen first.
import type { CertificateState } from '../../antrea/cert-manager-certificate.ts';
import { RELOAD_WITHIN_MS } from '../../antrea/reload.ts';
import { formatDuration, parseDuration } from '../../duration.ts';
import type { Check } from '../check.ts';

const describe = (ns: string, name: string) => `kubectl -n ${ns} describe certificate ${name}`;

/** renewBefore in ms, when it is a Go duration the plugin reads (720h, 1h30m0s). */
function renewBeforeMs(state: CertificateState): number | undefined {
  if (!state.renewBefore) return undefined;
  try {
    return parseDuration(state.renewBefore, 'renewBefore');
  } catch {
    return undefined;
  }
}

/** The checks of the Certificate the Secret's annotation names; none when it names none. */
export function certManagerChecks(state: CertificateState | undefined, ns: string): Check[] {
  if (!state) return [];
  const id = `cert-manager-certificate:${state.name}`;
  const object = `Certificate/${state.name}`;
  if (!state.found) {
    return [
      {
        id,
        status: 'warn',
        message: `the Secret names cert-manager Certificate ${state.name}, which does not exist in ${ns}: nothing renews the certificate`,
        hint: 'create the Certificate (kubectl antrea-certs generate --cert-manager --issuer NAME --apply) or renew by hand',
        object,
      },
    ];
  }
  const checks: Check[] = [];
  const ready = state.ready;
  const issuer = state.issuer ? `, issued by ${state.issuer.kind} ${state.issuer.name}` : '';
  if (ready?.status === 'True') {
    const renews = state.renewalTime ? `; renews at ${state.renewalTime}` : '';
    checks.push({
      id,
      status: 'pass',
      message: `cert-manager Certificate ${state.name} is Ready${issuer}${renews}`,
      object,
    });
  } else {
    const why = ready ? ` (${[ready.reason, ready.message].filter(Boolean).join(': ')})` : '';
    checks.push({
      id,
      status: 'warn',
      message: `cert-manager Certificate ${state.name} is not Ready${why}${issuer}`,
      hint: describe(ns, state.name),
      object,
    });
  }
  const renewBefore = renewBeforeMs(state);
  if (renewBefore !== undefined && renewBefore < RELOAD_WITHIN_MS) {
    checks.push({
      id: `cert-manager-renew-before:${state.name}`,
      status: 'warn',
      message:
        `cert-manager Certificate ${state.name} renews ${formatDuration(renewBefore)} before expiry, ` +
        `less than the ${formatDuration(RELOAD_WITHIN_MS)} the kubelet's Secret refresh and the controller's reload take: ` +
        'the old certificate can expire before the new one is served',
      hint: `set spec.renewBefore to a day or more (30 days is usual): kubectl -n ${ns} edit certificate ${state.name}`,
      object,
    });
  }
  return checks;
}
