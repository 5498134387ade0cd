// When a change has converged (src/report/convergence.ts), from user-provided
// installations built here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stillAwaited } from '../../../src/report/convergence.ts';
import type { Installation } from '../../../src/antrea/installation.ts';
import { servingPair } from '../../support/certificates.ts';
import {
  consumers as allConsumers,
  installation as built,
  tlsSecret,
} from '../../support/installation.ts';

/** A CA and a serving certificate it issued, as PEM. */
async function userPair(caName: string) {
  const { ca, leaf } = await servingPair({ caName, keyKind: 'ecdsa-p256' });
  return { ca: ca.certPem, cert: leaf.certPem };
}

/** Two CA consumers (an APIService and a webhook), each caBundle set to `bundle`. */
const consumers = (bundle: string, available = 'True') =>
  allConsumers(bundle, available).slice(0, 2);

/** A user-provided installation: the Secret holds `secret`, antrea-ca and the consumers hold `published`. */
const installation = (
  secret: { ca: string; cert: string },
  published: string,
  overrides: Partial<Installation> = {},
): Installation =>
  built(published, { tlsSecret: tlsSecret(secret), consumers: consumers(published), ...overrides });

const one = await userPair('CA one');
const renewed = { ...one, cert: (await userPair('CA one, renewed leaf')).cert };
const two = await userPair('CA two');

test('cert-manager renewal: pending until the Secret holds another certificate', () => {
  const goal = { secretCertDiffersFrom: one.cert, caFromSecret: true };
  assert.equal(
    stillAwaited(installation(one, one.ca), goal),
    'a new certificate in Secret antrea-controller-tls',
  );
  assert.equal(
    stillAwaited(installation(renewed, one.ca), goal),
    undefined,
    'same CA: done once the Secret changed',
  );
});

test('a new CA in the Secret: pending until antrea-ca carries it, then until every caBundle does', () => {
  const goal = { secretCertDiffersFrom: one.cert, caFromSecret: true };
  assert.equal(
    stillAwaited(installation(two, one.ca), goal),
    'antrea-ca to carry the CA of Secret antrea-controller-tls',
  );
  assert.equal(
    stillAwaited(installation(two, two.ca, { consumers: consumers(one.ca) }), goal),
    '2 caBundles to carry the CA of antrea-ca',
  );
  assert.equal(
    stillAwaited(installation(two, two.ca, { consumers: consumers(two.ca, 'False') }), goal),
    'APIService v1beta2.controlplane.antrea.io to become Available',
  );
  assert.equal(stillAwaited(installation(two, two.ca), goal), undefined);
  assert.equal(
    stillAwaited(installation({ ca: '', cert: two.cert }, two.ca), goal),
    'a ca.crt in Secret antrea-controller-tls',
  );
});

test('a restart: pending while the Pod is not ready or the rollout is not done, whatever the CA says', () => {
  const notReady = installation(one, one.ca, {
    pods: [
      {
        name: 'p',
        phase: 'Running',
        ready: false,
        restarts: 2,
        deleting: false,
        reason: 'CrashLoopBackOff',
        message: 'missing ca.crt',
      },
    ],
  });
  assert.equal(
    stillAwaited(notReady, {}),
    'the controller Pod to be ready (CrashLoopBackOff: missing ca.crt)',
  );
  const rolling = installation(one, one.ca, {
    deployment: { ...installation(one, one.ca).deployment, rolledOut: false },
  });
  assert.equal(stillAwaited(rolling, {}), 'the controller rollout to finish');
  assert.equal(
    stillAwaited(installation(one, one.ca), { caDiffersFrom: one.ca }),
    'a new CA in antrea-ca',
  );
});

test('rotate of a persisted self-signed pair: antrea-ca carrying the deleted pair is not the end', async () => {
  // CA1 was published when rotate planned; the Secret it deleted held CA2, which the controller
  // published a moment later; only CA3, written to the Secret and published, is the new pair.
  const pairs = await Promise.all(['CA1', 'CA2', 'CA3'].map((name) => userPair(name)));
  const [ca1, ca2, ca3] = pairs.map((p) => p.cert + p.ca) as [string, string, string];
  const goal = { caDiffersFrom: ca1, secretCertDiffersFrom: ca2, publishesSecretCert: true };
  const persisted = (secretCert: string | undefined, published: string) =>
    built(published, {
      tlsSecret: secretCert ? tlsSecret({ cert: secretCert }) : undefined,
      consumers: consumers(published),
    });
  assert.equal(
    stillAwaited(persisted(undefined, ca2), goal),
    'a new certificate in Secret antrea-controller-tls',
    'the deleted pair published while the Secret is gone',
  );
  assert.equal(
    stillAwaited(persisted(ca3, ca2), goal),
    'antrea-ca to publish the pair of Secret antrea-controller-tls',
  );
  assert.equal(stillAwaited(persisted(ca3, ca3), goal), undefined);
  assert.equal(
    stillAwaited(persisted(undefined, ca1), { caDiffersFrom: ca1, publishesSecretCert: true }),
    'a new pair in Secret antrea-controller-tls',
    'an earlier run deleted the Secret: the wait needs a pair there',
  );
});
