// verify's checks of the TLS Secret against what is published: in
// self-signed mode that antrea-ca publishes its pair; in user-provided mode
// that it exists, that its ca.crt is published and that its pair is usable.
import { CA_CONFIGMAP, serviceDnsName } from '../../antrea/names.ts';
import type { Installation } from '../../antrea/installation.ts';
import { modeOf } from '../../antrea/mode.ts';
import { servingChain } from '../../antrea/serving.ts';
import type { Certificate } from '../../certs/certificate.ts';
import { preflight } from '../../certs/preflight.ts';
import { tryParse } from '../../certs/try-parse.ts';
import type { StatusReport } from '../status.ts';
import type { Check, CheckStatus } from '../check.ts';

/**
 * The Secret's checks: none in self-signed mode without a persisted pair; a warning when a
 * persisted pair's Secret is gone.
 */
export function secretChecks(
  inst: Installation,
  status: StatusReport,
  published: readonly Certificate[],
  now: Date,
): Check[] {
  const object = `Secret/${inst.deployment.secretName}`;
  const checks: Check[] = [];
  const add = (aspect: string, s: CheckStatus, message: string, hint?: string) =>
    checks.push({
      id: `${aspect}:${object}`,
      status: s,
      message,
      ...(hint ? { hint } : {}),
      object,
    });
  if (inst.refusedDetails?.includes('Secret')) return notReadable(inst, object);
  if (status.mode === 'self-signed') {
    if (status.selfSignedPairStorage !== 'secret') return checks;
    if (!inst.tlsSecret) {
      add(
        'exists',
        'warn',
        `${object} does not exist: this release keeps its self-signed pair there and, once it ` +
          'sees it gone, writes a new one with a new CA',
        'a running controller writes it within seconds; if it stays missing, check that the ' +
          'controller runs and may write it',
      );
    } else if (inst.tlsSecret.cert && published.length) {
      selfSignedPublished(inst.tlsSecret.cert, object, published, add);
    }
    return checks;
  }
  userProvided(inst, object, published, now, add);
  return checks;
}

type Add = (aspect: string, status: CheckStatus, message: string, hint?: string) => void;

/**
 * A Secret that may not be read: warnings for what was not checked; skipped checks when it is not
 * read by choice (the exporter's --read-secrets=false, as deploy/base runs it).
 */
function notReadable(inst: Installation, object: string): Check[] {
  const unchecked = 'its key, its ca.crt and what antrea-ca publishes of it were not checked';
  const checks: Check[] = [
    inst.withheldDetails?.includes('Secret')
      ? {
          id: `not-checked:${object}`,
          status: 'skip',
          message: `${object} is not read by choice (--read-secrets=false): ${unchecked}`,
          hint: 'the exporter reads it with --read-secrets and get on the Secret (deploy/overlays/secret-reads)',
          object,
        }
      : {
          id: `not-checked:${object}`,
          status: 'warn',
          message: `${object} may not be read (403 Forbidden): ${unchecked}`,
          hint: `with get on secrets/${inst.deployment.secretName} (README: antrea-certs-reader) verify checks them`,
          object,
        },
  ];
  const served = inst.served;
  if (served && 'unseen' in served && !servingChain(inst, modeOf(inst))) {
    checks.push({
      id: 'not-checked:serving-certificate',
      status: 'warn',
      message:
        `the serving certificate could not be seen: ${served.unseen}; ` +
        'its chain, names and expiry were not checked',
      hint: 'with create on pods/portforward verify reads it from the controller (README: antrea-certs-viewer)',
    });
  }
  return checks;
}

/** published: antrea-ca publishes the persisted self-signed tls.crt. */
function selfSignedPublished(
  cert: string,
  object: string,
  published: readonly Certificate[],
  add: Add,
): void {
  const certs = tryParse(cert, `${object} tls.crt`).certs;
  const same =
    certs.length > 0 &&
    certs.map((c) => c.info.sha256).join() === published.map((c) => c.info.sha256).join();
  if (same) add('published', 'pass', `${CA_CONFIGMAP} publishes the pair in ${object}`);
  else
    add(
      'published',
      'fail',
      `${CA_CONFIGMAP} does not hold the tls.crt of ${object}`,
      'the controller publishes tls.crt after each change (v2: every 2 minutes); wait, or restart it',
    );
}

const fingerprints = (certs: readonly Certificate[]) =>
  certs
    .map((c) => c.info.sha256)
    .sort()
    .join();

/** exists, ca-published and the pair's findings, for a user-provided Secret. */
function userProvided(
  inst: Installation,
  object: string,
  published: readonly Certificate[],
  now: Date,
  add: Add,
): void {
  const secret = inst.tlsSecret;
  if (!secret) {
    add(
      'exists',
      'fail',
      `user-provided mode but ${object} does not exist`,
      'create it with kubectl antrea-certs import, or switch back with kubectl antrea-certs mode self-signed',
    );
    return;
  }
  const ca = tryParse(secret.ca, `${object} ca.crt`);
  if (ca.certs.length) {
    if (published.length && fingerprints(ca.certs) === fingerprints(published))
      add('ca-published', 'pass', `the ca.crt of ${object} is what ${CA_CONFIGMAP} publishes`);
    else
      add(
        'ca-published',
        'fail',
        `the ca.crt of ${object} differs from ${CA_CONFIGMAP}`,
        'the controller reloads ca.crt within a minute of the kubelet refreshing the Secret ' +
          'volume; wait, or restart it',
      );
  }
  const result = preflight({
    cert: { pem: secret.cert, source: `the tls.crt of ${object}` },
    key: { pem: secret.key, source: `the tls.key of ${object}` },
    ca: { pem: secret.ca, source: `the ca.crt of ${object}` },
    requiredName: serviceDnsName(inst.namespace),
    recommendedNames: [],
    now,
    // Expiry has checks of its own, with --warn-within and --fail-within.
    checkValidity: false,
  });
  const failHint =
    'the controller cannot serve this pair (it waits for all three keys, then crash-loops); ' +
    'fix it with kubectl antrea-certs import';
  const warnHint =
    'the controller serves it; reissue it when you next rotate (kubectl antrea-certs rotate)';
  result.findings.forEach((finding, i) => {
    const error = finding.severity === 'error';
    const message = finding.message.replace(/\.$/, '');
    add(`pair-finding-${i + 1}`, error ? 'fail' : 'warn', message, error ? failHint : warnHint);
  });
  if (result.ok)
    add(
      'pair',
      'pass',
      `${object} holds a usable pair: tls.crt chains to ca.crt, ` +
        `carries ${serviceDnsName(inst.namespace)} and matches tls.key`,
    );
}
