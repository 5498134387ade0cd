// Switching selfSignedCert and restarting moves the model between modes, and
// user-provided mode behaves as antrea-controller does with missing or present files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  testbed,
  eventually,
  converged,
  controllerPods,
  isReady,
  setSelfSignedCert,
  restartController,
  userProvidedPair,
  writeTlsSecret,
  type Testbed,
} from '../../testbed/fixture.ts';
import { parseBundle } from '../../testbed/pki.ts';

const bed: Testbed = await testbed({
  version: 'v2.7.0',
  timings: {
    userProvidedWaitSeconds: 3,
    crashBackoffSeconds: 1,
    secretVolumeRefreshSeconds: 1,
    certReloadSeconds: 1,
    publishResyncSeconds: 2,
  },
});
const namespace = bed.namespace;

const answers = () =>
  bed.kubectlResult('get', '--raw', '/apis/controlplane.antrea.io/v1beta2').status === 0;

test('user-provided mode without ca.crt leaves the controller Pod not ready with a reason, then crash-looping', async () => {
  await setSelfSignedCert(bed, false);
  const pod = await restartController(bed);
  const name = pod.metadata?.name ?? '';
  await eventually(
    'a not-ready Pod with a readiness-probe event naming the missing files',
    async () => {
      const events = await bed.api.core.listNamespacedEvent({
        namespace,
        fieldSelector: `involvedObject.name=${name}`,
      });
      return events.items.some((e) => e.reason === 'Unhealthy' && /ca\.crt/.test(e.message ?? ''));
    },
  );
  assert.equal(isReady((await controllerPods(bed))[0] ?? {}), false);
  const crashed = await eventually('the container to exit and back off', async () => {
    const status = (await controllerPods(bed))[0]?.status?.containerStatuses?.[0];
    return status && status.restartCount > 0 && status.lastState?.terminated ? status : undefined;
  });
  assert.match(crashed.lastState?.terminated?.message ?? '', /ca\.crt.*not found/);
  assert.equal(crashed.ready, false);
});

test('user-provided mode serves the Secret pair and publishes its ca.crt once all three keys are there', async () => {
  const pair = await userProvidedPair(namespace, 'user-one');
  await writeTlsSecret(bed, { 'ca.crt': pair.ca, 'tls.crt': pair.cert, 'tls.key': pair.key });
  await eventually(
    'the controller to become ready',
    async () => isReady((await controllerPods(bed))[0] ?? {}),
    30_000,
  );
  await eventually('ca.crt to be published everywhere', () => converged(bed, pair.ca));
  await eventually('the aggregated API to answer through the user CA', answers);
});

test('user-provided mode reloads new files and republishes without a restart', async () => {
  const [podBefore] = await controllerPods(bed);
  const pair = await userProvidedPair(namespace, 'user-two');
  await writeTlsSecret(bed, { 'ca.crt': pair.ca, 'tls.crt': pair.cert, 'tls.key': pair.key });
  await eventually('the new ca.crt to be published everywhere', () => converged(bed, pair.ca));
  await eventually('the aggregated API to answer through the new CA', answers);
  const [podAfter] = await controllerPods(bed);
  assert.equal(podAfter?.metadata?.uid, podBefore?.metadata?.uid);
});

test('back to self-signed: a v2 controller adopts the user pair left in the Secret while 90+ days remain', async () => {
  const secret = await bed.api.core.readNamespacedSecret({
    name: 'antrea-controller-tls',
    namespace,
  });
  const tlsCrt = Buffer.from(secret.data?.['tls.crt'] ?? '', 'base64').toString();
  await setSelfSignedCert(bed, true);
  await restartController(bed);
  await eventually('tls.crt (not ca.crt) to be published as the CA bundle', () =>
    converged(bed, tlsCrt),
  );
});

test('back to self-signed without the user pair: a fresh self-signed pair', async () => {
  const userBundle = await bed.publishedCa();
  bed.kubectl('-n', namespace, 'delete', 'secret', 'antrea-controller-tls');
  const ca = await eventually('a generated CA', async () => {
    const published = await bed.publishedCa();
    if (!published || published === userBundle) return undefined;
    const [serving, issuer] = parseBundle(published);
    return /^CN=antrea@/.test(serving?.subject ?? '') &&
      /^CN=antrea-ca@/.test(issuer?.subject ?? '')
      ? published
      : undefined;
  });
  await eventually('the generated CA everywhere', () => converged(bed, ca));
  await eventually('the aggregated API to answer', answers);
});
