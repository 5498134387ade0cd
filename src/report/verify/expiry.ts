// verify's checks of each certificate served or published: how long it is
// valid, and whether its key or signature is too weak.
import { withinMs, type Within } from '../../certs/within.ts';
import { SELF_SIGNED_REGENERATE_WITHIN_MS } from '../../antrea/names.ts';
import type { Certificate } from '../../certs/certificate.ts';
import { MIN_RSA_BITS, hasWeakRsaKey, isSha1Signed } from '../../certs/strength.ts';
import { formatDuration } from '../../duration.ts';
import type { StatusReport } from '../status.ts';
import type { Check } from '../check.ts';

/** What expiry is judged by: the time and both thresholds. */
export interface ExpiryInputs {
  readonly now: Date;
  readonly warnWithin: Within;
  readonly failWithin: Within;
}

/** expiry: fails when not yet valid, expired or inside --fail-within; warns inside --warn-within. */
export function expiryCheck(cert: Certificate, inputs: ExpiryInputs, status: StatusReport): Check {
  const left = cert.notAfter.getTime() - inputs.now.getTime();
  const what = `certificate "${cert.info.subject}"`;
  const id = `expiry:${cert.info.sha256}`;
  const renewHint =
    status.mode === 'self-signed'
      ? 'kubectl antrea-certs rotate makes a new one now'
      : 'import a renewed certificate with kubectl antrea-certs import';
  if (cert.notBefore.getTime() > inputs.now.getTime())
    return {
      id,
      status: 'fail',
      message: `${what} is not valid before ${cert.info.notBefore}`,
      hint: 'check the clocks, or reissue it',
    };
  if (left <= 0)
    return {
      id,
      status: 'fail',
      message: `${what} expired ${formatDuration(-left)} ago`,
      hint: renewHint,
    };
  if (left < withinMs(inputs.failWithin, cert))
    return {
      id,
      status: 'fail',
      message: `${what} expires in ${formatDuration(left)}`,
      hint: renewHint,
    };
  if (left < withinMs(inputs.warnWithin, cert)) {
    const selfRenews =
      status.mode === 'self-signed' &&
      status.selfSignedPairStorage === 'secret' &&
      left < SELF_SIGNED_REGENERATE_WITHIN_MS;
    return {
      id,
      status: 'warn',
      message: `${what} expires in ${formatDuration(left)}`,
      hint: selfRenews ? 'the controller replaces it within an hour' : renewHint,
    };
  }
  return { id, status: 'pass', message: `${what} is valid for ${formatDuration(left)}` };
}

/** rsa-key-size and sha1-signature: warnings for a weak key or signature, none otherwise. */
export function strengthChecks(cert: Certificate): Check[] {
  const what = `certificate "${cert.info.subject}"`;
  const checks: Check[] = [];
  if (hasWeakRsaKey(cert))
    checks.push({
      id: `rsa-key-size:${cert.info.sha256}`,
      status: 'warn',
      message: `${what} has a ${cert.info.keySize}-bit RSA key`,
      hint: `use ${MIN_RSA_BITS} bits or more`,
    });
  if (isSha1Signed(cert))
    checks.push({
      id: `sha1-signature:${cert.info.sha256}`,
      status: 'warn',
      message: `${what} is signed with SHA-1`,
      hint: 'current TLS clients reject SHA-1 signatures; reissue it with SHA-256',
    });
  return checks;
}

/** Expiry and strength of every certificate, each once, in the order given. */
export function certificateChecks(
  certs: readonly Certificate[],
  inputs: ExpiryInputs,
  status: StatusReport,
): Check[] {
  const seen = new Set<string>();
  return certs.flatMap((cert) => {
    if (seen.has(cert.info.sha256)) return [];
    seen.add(cert.info.sha256);
    return [expiryCheck(cert, inputs, status), ...strengthChecks(cert)];
  });
}
