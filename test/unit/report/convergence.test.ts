// When a change has converged (src/report/convergence.ts), from user-provided
// installations built here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pending } from '../../../src/report/convergence.ts';
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
    pending(installation(one, one.ca), goal),
    'a new certificate in Secret antrea-controller-tls',
  );
  assert.equal(
    pending(installation(renewed, one.ca), goal),
    undefined,
    'same CA: done once the Secret changed',
  );
});

test('a new CA in the Secret: pending until antrea-ca carries it, then until every caBundle does', () => {
  const goal = { secretCertDiffersFrom: one.cert, caFromSecret: true };
  assert.equal(
    pending(installation(two, one.ca), goal),
    'antrea-ca to carry the CA of Secret antrea-controller-tls',
  );
  assert.equal(
    pending(installation(two, two.ca, { consumers: consumers(one.ca) }), goal),
    '2 caBundles to carry the CA of antrea-ca',
  );
  assert.equal(
    pending(installation(two, two.ca, { consumers: consumers(two.ca, 'False') }), goal),
    'APIService v1beta2.controlplane.antrea.io to become Available',
  );
  assert.equal(pending(installation(two, two.ca), goal), undefined);
  assert.equal(
    pending(installation({ ca: '', cert: two.cert }, two.ca), goal),
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
    pending(notReady, {}),
    'the controller Pod to be ready (CrashLoopBackOff: missing ca.crt)',
  );
  const rolling = installation(one, one.ca, {
    deployment: { ...installation(one, one.ca).deployment, rolledOut: false },
  });
  assert.equal(pending(rolling, {}), 'the controller rollout to finish');
  assert.equal(
    pending(installation(one, one.ca), { caDiffersFrom: one.ca }),
    'a new CA in antrea-ca',
  );
});
