// When a change has converged (src/report/convergence.ts), which API failures
// a wait rides out (src/cluster/errors.ts), and which watches it asks again for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../src/cluster/http.ts';
import { issue, usage, extendedUsage } from '../testbed/pki.ts';
import { pending } from '../../src/report/convergence.ts';
import { translate, isTransient } from '../../src/cluster/errors.ts';
import { UnavailableError, ConnectionError, ForbiddenError } from '../../src/errors.ts';
import type { Installation, Consumer } from '../../src/cluster/installation.ts';
import type { Client } from '../../src/cluster/client.ts';
import { ChangeFeed } from '../../src/cluster/watch.ts';

const ns = 'kube-system';

async function userPair(caName: string) {
  const ca = await issue({
    commonName: caName,
    isCA: true,
    usages: usage.keyCertSign | usage.digitalSignature,
    keyKind: 'ecdsa-p256',
  });
  const leaf = await issue({
    commonName: 'antrea',
    issuer: ca,
    usages: usage.digitalSignature,
    extendedUsages: [extendedUsage.serverAuth],
    dnsNames: [`antrea.${ns}.svc`],
    keyKind: 'ecdsa-p256',
  });
  return { ca: ca.certPem, cert: leaf.certPem };
}

const consumers = (bundle: string, available = 'True'): Consumer[] => [
  {
    kind: 'APIService',
    name: 'v1beta2.controlplane.antrea.io',
    caBundle: bundle,
    servedByLabel: true,
    groupVersion: 'controlplane.antrea.io/v1beta2',
    available: { status: available },
  },
  {
    kind: 'MutatingWebhookConfiguration',
    name: 'crdmutator.antrea.io',
    webhook: 'acnpmutator.antrea.io',
    caBundle: bundle,
    servedByLabel: true,
  },
];

/** A user-provided installation: the Secret holds `secret`, antrea-ca and the consumers hold `published`. */
function installation(
  secret: { ca: string; cert: string },
  published: string,
  overrides: Partial<Installation> = {},
): Installation {
  return {
    namespace: ns,
    namespaceSource: 'found',
    deployment: {
      name: 'antrea-controller',
      labels: {},
      annotations: {},
      configMapName: 'antrea-config',
      secretName: 'antrea-controller-tls',
      apiPort: 10349,
      replicas: 1,
      readyReplicas: 1,
      rolledOut: true,
    },
    pods: [
      { name: 'antrea-controller-a', phase: 'Running', ready: true, restarts: 0, deleting: false },
    ],
    tlsSecret: {
      name: 'antrea-controller-tls',
      type: 'kubernetes.io/tls',
      resourceVersion: '1',
      labels: {},
      annotations: {},
      ca: secret.ca,
      cert: secret.cert,
    },
    caConfigMap: { resourceVersion: '1', bundle: published },
    consumers: consumers(published),
    ...overrides,
  };
}

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

const target = { server: 'https://127.0.0.1:6443', contextName: 'testbed' };
const what = { verb: 'list', resource: 'pods', namespace: ns } as const;

test('a wait rides out an API server that is gone or cannot serve now, not one that refuses', () => {
  for (const code of [429, 500, 503, 504]) {
    const error = translate(
      new StatusError(code, JSON.stringify({ message: 'etcd not ready' })),
      what,
      target,
    );
    assert.ok(error instanceof UnavailableError, `${code}`);
    assert.match(
      error.message,
      new RegExp(
        `could not serve list pods in namespace kube-system now \\(${code}: etcd not ready\\); try again in a moment`,
      ),
    );
    assert.equal(isTransient(error), true);
  }
  const refused = translate(
    Object.assign(
      new Error('request to https://127.0.0.1:6443/api failed, reason: connect ECONNREFUSED'),
      { code: 'ECONNREFUSED' },
    ),
    what,
    target,
  );
  assert.ok(refused instanceof ConnectionError);
  assert.equal(isTransient(refused), true);
  const forbidden = translate(new StatusError(403, '{}'), what, target);
  assert.ok(forbidden instanceof ForbiddenError);
  assert.equal(isTransient(forbidden), false);
});

test('a watch RBAC refuses is not asked for again: the wait polls instead; a watch that failed otherwise is reopened', async () => {
  const asked: string[] = [];
  const fake = {
    watch: async (
      _what: unknown,
      path: string,
      _query: unknown,
      _onEvent: unknown,
      onEnd: (error?: Error) => void,
    ) => {
      asked.push(path);
      onEnd(
        path === '/refused'
          ? new ForbiddenError('no watch', 'watch', 'pods')
          : new ConnectionError('gone'),
      );
      return () => undefined;
    },
  } as unknown as Client;
  const targets = ['/refused', '/flaky'].map((path) => ({
    what: { verb: 'watch' as const, resource: 'pods' },
    path,
    query: {},
  }));
  const feed = new ChangeFeed(fake, targets);
  await feed.open();
  assert.equal(feed.complete, false);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await feed.open();
  assert.deepEqual(asked, ['/refused', '/flaky', '/flaky']);
  feed.stop();
});
