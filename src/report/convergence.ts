// When a change has really converged: the rollout is done, a controller Pod
// is ready, antrea-ca holds the expected CA, every consumer carries it, and
// the aggregation layer reaches the controller again.
// Pure: returns what is still pending, or undefined.
import type { Installation } from '../antrea/installation.ts';
import { consumerReport } from './status.ts';
import { notReadyDetail } from './pods.ts';
import { tryParse } from '../certs/try-parse.ts';
import { sameCertificates } from '../certs/certificate.ts';
import { CA_CONFIGMAP } from '../antrea/names.ts';

/**
 * What a change waits for beyond a finished rollout, a ready controller and every consumer carrying
 * antrea-ca's CA; each change sets the fields it needs.
 */
export interface ConvergenceGoal {
  /** The CA bundle antrea-ca must hold (user-provided ca.crt, or a persisted tls.crt). */
  readonly expectedCa?: string;
  /** antrea-ca must hold something else than this (a Pod-held pair regenerated). */
  readonly caDiffersFrom?: string;
  /** The Secret's tls.crt must be something else than this (cert-manager issued a new one). */
  readonly secretCertDiffersFrom?: string;
  /**
   * antrea-ca must publish the Secret's tls.crt (a persisted self-signed pair): a new CA in
   * antrea-ca alone may still be the pair this change deleted.
   */
  readonly publishesSecretCert?: boolean;
  /** antrea-ca must carry the Secret's ca.crt, known only once it is issued (user-provided mode). */
  readonly caFromSecret?: boolean;
  /** The controller must serve the Secret's tls.crt (checked by the wait through a port-forward, not here: it is not in the API). */
  readonly servedMatchesSecret?: boolean;
}

/**
 * What the installation still lacks to reach the goal, in the words of "waiting for ..."; undefined
 * once it has converged.
 */
export function stillAwaited(inst: Installation, goal: ConvergenceGoal): string | undefined {
  if (goal.secretCertDiffersFrom !== undefined) {
    const now = tryParse(inst.tlsSecret?.cert, 'tls.crt').certs;
    if (
      !now.length ||
      sameCertificates(now, tryParse(goal.secretCertDiffersFrom, 'the old tls.crt').certs)
    ) {
      return `a new certificate in Secret ${inst.deployment.secretName}`;
    }
  }
  const pod = inst.pods.find((p) => !p.deleting);
  const podNotReady = `the controller Pod to be ready${pod ? notReadyDetail(pod) : ''}`;
  if (pod && !pod.ready) return podNotReady;
  if (!inst.deployment.rolledOut) return 'the controller rollout to finish';
  if (!pod || inst.pods.some((p) => p.deleting)) return podNotReady;
  const published = tryParse(inst.caConfigMap?.bundle, `ConfigMap ${CA_CONFIGMAP}`);
  if (!published.certs.length) return `${CA_CONFIGMAP} to be published`;
  if (goal.expectedCa !== undefined) {
    const expected = tryParse(goal.expectedCa, 'the expected CA');
    if (!sameCertificates(expected.certs, published.certs))
      return `${CA_CONFIGMAP} to carry the new CA`;
  }
  if (goal.publishesSecretCert) {
    const pair = tryParse(inst.tlsSecret?.cert, 'tls.crt');
    if (!pair.certs.length) return `a new pair in Secret ${inst.deployment.secretName}`;
    if (!sameCertificates(pair.certs, published.certs))
      return `${CA_CONFIGMAP} to publish the pair of Secret ${inst.deployment.secretName}`;
  }
  if (goal.caFromSecret) {
    const expected = tryParse(inst.tlsSecret?.ca, 'ca.crt');
    if (!expected.certs.length) return `a ca.crt in Secret ${inst.deployment.secretName}`;
    if (!sameCertificates(expected.certs, published.certs))
      return `${CA_CONFIGMAP} to carry the CA of Secret ${inst.deployment.secretName}`;
  }
  if (goal.caDiffersFrom !== undefined) {
    const old = tryParse(goal.caDiffersFrom, 'the old CA');
    if (sameCertificates(old.certs, published.certs)) return `a new CA in ${CA_CONFIGMAP}`;
  }
  const behind = inst.consumers
    .map((c) => consumerReport(c, published.certs))
    .filter((c) => !c.caBundleMatches);
  if (behind.length)
    return `${behind.length} caBundle${behind.length === 1 ? '' : 's'} to carry the CA of ${CA_CONFIGMAP}`;
  // The aggregation layer marks an APIService Available once it reached the controller through the caBundle.
  const unavailable = inst.consumers.filter(
    (c) => c.kind === 'APIService' && c.available?.status !== 'True',
  );
  if (unavailable.length)
    return `APIService ${unavailable.map((c) => c.name).join(', ')} to become Available`;
  return undefined;
}
