// antrea-io/antrea#6205 on v1.14.3: a release that persists its self-signed
// pair also sets the Secret's type when it rewrites it, and the API server
// refuses that for an Opaque Secret. The model reproduces the failure; mode
// self-signed plans around it by deleting the Opaque Secret (after the backup)
// so that the controller creates a kubernetes.io/tls one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FAST_TIMINGS,
  controllerPods,
  converged,
  eventually,
  isReady,
  restartController,
  setSelfSignedCert,
  testbed,
  userProvidedPair,
  type Testbed,
} from '../../testbed/fixture.ts';
import { plugin } from '../plugin.ts';

const bed: Testbed = await testbed({ version: 'v1.14.3', timings: FAST_TIMINGS });
const ns = bed.namespace;
const run = (...args: string[]) => plugin(bed.kubeconfig, args);
const secretVersion = () =>
  bed.kubectl(
    '-n',
    ns,
    'get',
    'secret',
    'antrea-controller-tls',
    '-o',
    'jsonpath={.metadata.resourceVersion}',
  );
const secretType = () =>
  bed.kubectl('-n', ns, 'get', 'secret', 'antrea-controller-tls', '-o', 'jsonpath={.type}');
// The controller recreates a deleted Secret at once: it is paused while the Secret is replaced.
const opaqueSecret = (pair: Record<string, string> = {}) => {
  bed.pauseController();
  try {
    bed.kubectl('-n', ns, 'delete', 'secret', 'antrea-controller-tls', '--ignore-not-found');
    bed.kubectl(
      '-n',
      ns,
      'create',
      'secret',
      'generic',
      'antrea-controller-tls',
      '--from-literal=note=left-over',
      ...Object.entries(pair).map(([key, pem]) => `--from-literal=${key}=${pem}`),
    );
  } finally {
    bed.resumeController();
  }
};

test('the model refuses, as v1.14.3 does, to turn an Opaque Secret into kubernetes.io/tls', async () => {
  opaqueSecret();
  await restartController(bed);
  await eventually('the controller fails on the immutable type', async () => {
    const [pod] = await controllerPods(bed);
    const status = pod?.status?.containerStatuses?.[0];
    return /immutable/i.test(
      status?.lastState?.terminated?.message ?? status?.state?.terminated?.message ?? '',
    );
  });
});

test('mode self-signed from a broken user-provided setup deletes the Opaque Secret and converges', async () => {
  await setSelfSignedCert(bed, false);
  opaqueSecret();
  await restartController(bed);
  const backups = mkdtempSync(join(tmpdir(), 'opaque-'));
  const switched = run('mode', 'self-signed', '--yes', '--backup-dir', backups);
  assert.equal(switched.status, 0, switched.stderr);
  assert.match(
    switched.stderr,
    /Secret antrea-controller-tls: deleted, because it is of type Opaque and Antrea v1\.14\.3 can only write a kubernetes\.io\/tls one/,
  );
  assert.equal(secretType(), 'kubernetes.io/tls');
  // The backup was written before the delete and records the Secret.
  const [file] = readdirSync(backups);
  const backup = JSON.parse(readFileSync(join(backups, file ?? ''), 'utf8')) as {
    secret: { name: string; existed: boolean };
  };
  assert.deepEqual(backup.secret.name, 'antrea-controller-tls');
  assert.equal(backup.secret.existed, true);
  const verified = run('verify');
  assert.equal(verified.status, 0, verified.stdout + verified.stderr);

  // That backup holds the broken setup (user-provided, no pair): restore refuses to put it back.
  const before = secretVersion();
  const refused = run('restore', join(backups, file ?? ''), '--yes', '--no-wait');
  assert.equal(refused.status, 1, refused.stderr);
  assert.match(refused.stderr, /would not work: the backup's tls\.crt is missing/);
  assert.equal(secretVersion(), before, 'nothing was written');
});

test('restore puts back an Opaque Secret as it was: Opaque, with its pair and its other keys', async () => {
  // User-provided, serving a pair from an Opaque Secret (the type does not matter there).
  await setSelfSignedCert(bed, false);
  const pair = await userProvidedPair(ns, 'opaque');
  opaqueSecret({ 'ca.crt': pair.ca, 'tls.crt': pair.cert, 'tls.key': pair.key });
  await restartController(bed);
  // restartController returns once the new Pod runs; verify's premise is a controller that is
  // ready and has published the pair's CA (CI failed here once, verify exiting 2 before it had).
  await eventually(
    'the controller ready, publishing the CA of the Opaque pair',
    async () => (await converged(bed, pair.ca)) && (await controllerPods(bed)).some(isReady),
  );
  const verified = run('verify');
  assert.equal(verified.status, 0, verified.stdout + verified.stderr);
  const backups = mkdtempSync(join(tmpdir(), 'opaque-'));
  const switched = run('mode', 'self-signed', '--regenerate', '--yes', '--backup-dir', backups);
  assert.equal(switched.status, 0, switched.stderr);
  assert.equal(secretType(), 'kubernetes.io/tls');
  const [file] = readdirSync(backups);

  const restored = run('restore', join(backups, file ?? ''), '--yes', '--no-wait');
  assert.equal(restored.status, 0, restored.stderr);
  assert.match(
    restored.stderr,
    /Secret antrea-controller-tls: deleted and created again as type Opaque \(it is kubernetes\.io\/tls now/,
  );
  assert.equal(secretType(), 'Opaque');
  assert.equal(
    bed.kubectl('-n', ns, 'get', 'secret', 'antrea-controller-tls', '-o', 'jsonpath={.data.note}'),
    Buffer.from('left-over').toString('base64'),
  );
  assert.equal(
    bed.kubectl(
      '-n',
      ns,
      'get',
      'secret',
      'antrea-controller-tls',
      '-o',
      "jsonpath={.data['tls\\.crt']}",
    ),
    Buffer.from(pair.cert).toString('base64'),
  );
});
