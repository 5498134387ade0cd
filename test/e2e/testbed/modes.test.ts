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
  FAST_TIMINGS,
} from '../../testbed/fixture.ts';
import { parseBundle } from '../../testbed/pki.ts';

const bed: Testbed = await testbed({ version: 'v2.7.0', timings: FAST_TIMINGS });
const namespace = bed.namespace;

const answers = () =>
  bed.kubectlResult('get', '--raw', '/apis/controlplane.antrea.io/v1beta2').status === 0;

// Each test sets up the mode it needs, so that none depends on the tests before it. Every
// change of selfSignedCert here is followed by a restart: the controller runs with what the
// ConfigMap says, and a mode already set needs nothing.

/** selfSignedCert as antrea-config has it (true when the key is absent or commented out). */
async function configuredSelfSigned(): Promise<boolean> {
  const cm = await bed.api.core.readNamespacedConfigMap({ name: 'antrea-config', namespace });
  const conf = cm.data?.['antrea-controller.conf'] ?? '';
  return !/^selfSignedCert:\s*false\b/m.test(conf);
}

/** The controller restarted in the mode selfSignedCert gives, unless it already runs in it. */
async function controllerMode(selfSigned: boolean): Promise<void> {
  if ((await configuredSelfSigned()) === selfSigned) return;
  await setSelfSignedCert(bed, selfSigned);
  await restartController(bed);
}

/** User-provided mode with a pair in the Secret that the controller serves and has published. */
async function servingUserPair(): Promise<void> {
  await controllerMode(false);
  const secret = await bed.api.core.readNamespacedSecret({
    name: 'antrea-controller-tls',
    namespace,
  });
  let ca = Buffer.from(secret.data?.['ca.crt'] ?? '', 'base64').toString();
  if (!ca) {
    const pair = await userProvidedPair(namespace, 'user-one');
    await writeTlsSecret(bed, { 'ca.crt': pair.ca, 'tls.crt': pair.cert, 'tls.key': pair.key });
    ca = pair.ca;
  }
  await eventually(
    'the controller to become ready',
    async () => isReady((await controllerPods(bed))[0] ?? {}),
    30_000,
  );
  await eventually('ca.crt to be published everywhere', () => converged(bed, ca));
}

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
  await controllerMode(false);
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
  await servingUserPair();
  const [podBefore] = await controllerPods(bed);
  const pair = await userProvidedPair(namespace, 'user-two');
  await writeTlsSecret(bed, { 'ca.crt': pair.ca, 'tls.crt': pair.cert, 'tls.key': pair.key });
  await eventually('the new ca.crt to be published everywhere', () => converged(bed, pair.ca));
  await eventually('the aggregated API to answer through the new CA', answers);
  const [podAfter] = await controllerPods(bed);
  assert.equal(podAfter?.metadata?.uid, podBefore?.metadata?.uid);
});

test('back to self-signed: a v2 controller adopts the user pair left in the Secret while 90+ days remain', async () => {
  await servingUserPair();
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
  await controllerMode(true);
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
