// status and verify in user-provided mode, including a served certificate
// that the published CA does not verify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  testbed,
  eventually,
  setSelfSignedCert,
  restartController,
  controllerPods,
  isReady,
  userProvidedPair,
  writeTlsSecret,
  type Testbed,
  FAST_TIMINGS,
} from '../../testbed/fixture.ts';
import { plugin, json } from '../plugin.ts';

const bed: Testbed = await testbed({ version: 'v2.7.0', timings: FAST_TIMINGS });
const run = (...args: string[]) => plugin(bed.kubeconfig, args);
const namespace = bed.namespace;

const good = await userProvidedPair(namespace, 'antrea-user');

/**
 * User-provided mode with the good pair in the Secret, the controller restarted on it and
 * verify passing; each test that needs it starts with this (nothing is done when it holds).
 */
async function servingGoodPair(): Promise<void> {
  const current = run('status', '-o', 'json');
  if (current.status === 0 && run('verify').status === 0) {
    const status = json<{ mode: string; servingCertificate: { subject: string } }>(current);
    if (status.mode === 'user-provided' && status.servingCertificate.subject === 'CN=antrea-user')
      return;
  }
  await writeTlsSecret(bed, { 'ca.crt': good.ca, 'tls.crt': good.cert, 'tls.key': good.key });
  await setSelfSignedCert(bed, false);
  await restartController(bed);
  await eventually(
    'the controller to be ready',
    async () => isReady((await controllerPods(bed))[0] ?? {}),
    30_000,
  );
  await eventually('verify to pass', () => run('verify').status === 0, 30_000);
}

test('user-provided mode with a valid Secret: status shows it and verify passes', async () => {
  await servingGoodPair();
  const status = json<{
    mode: string;
    servingCertificate: { subject: string };
    secret: { keys: string[] };
  }>(run('status', '-o', 'json'));
  assert.equal(status.mode, 'user-provided');
  assert.equal(status.servingCertificate.subject, 'CN=antrea-user');
  assert.deepEqual(status.secret.keys, ['ca.crt', 'tls.crt', 'tls.key']);
  assert.match(run('status').stdout, /Mode +user-provided \(Secret antrea-controller-tls\)/);
});

test('a served certificate that the published CA does not verify: verify exits 2 and names the APIServices', async () => {
  await servingGoodPair();
  const other = await userProvidedPair(namespace, 'impostor');
  await writeTlsSecret(bed, { 'ca.crt': good.ca, 'tls.crt': other.cert, 'tls.key': other.key });
  // The API server keeps its verified connections to the controller; a restart, as after a manual
  // Secret change, makes it connect again and check the new certificate.
  await eventually(
    'the controller to load the new files',
    async () => (await bed.publishedCa()) === good.ca,
  );
  await new Promise((resolve) => setTimeout(resolve, 2000));
  await restartController(bed);
  const result = await eventually(
    'verify to see the aggregated APIs fail',
    () => {
      const r = run('verify');
      return r.status === 2 && /answered 503/.test(r.stdout) ? r : undefined;
    },
    30_000,
  );
  assert.match(
    result.stdout,
    /× v1beta2\.controlplane\.antrea\.io does not answer: .*GET \/apis\/controlplane\.antrea\.io\/v1beta2 answered 503/,
  );
  assert.match(
    result.stdout,
    /× the tls\.crt of Secret\/antrea-controller-tls does not chain to a CA in the ca\.crt of Secret\/antrea-controller-tls/,
  );
  assert.match(
    result.stdout,
    /✔ APIService\/v1beta2\.controlplane\.antrea\.io carries the CA of antrea-ca/,
    'the caBundles agree with antrea-ca; only the served certificate is wrong',
  );
});

test('user-provided without ca.crt: status warns, verify fails and names the missing key', async () => {
  await servingGoodPair();
  await writeTlsSecret(bed, { 'tls.crt': good.cert, 'tls.key': good.key });
  const status = json<{ warnings: string[] }>(run('status', '-o', 'json'));
  assert.ok(
    status.warnings.some((w) => /has no ca\.crt: the controller cannot start/.test(w)),
    status.warnings.join('\n'),
  );
  const result = run('verify');
  assert.equal(result.status, 2);
  assert.match(result.stdout, /× the ca\.crt of Secret\/antrea-controller-tls is missing/);
});
