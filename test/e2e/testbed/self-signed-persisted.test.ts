// The testbed with a pair-persisting release (v2.7.0): the real aggregation
// layer reaches the model through the published CA, and the model regenerates,
// adopts and re-publishes as antrea-controller does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  testbed,
  eventually,
  converged,
  consumerBundles,
  controllerPods,
  type Testbed,
} from '../../testbed/fixture.ts';
import { issue, usage, extendedUsage, parseBundle } from '../../testbed/pki.ts';
import { generateSelfSignedPair } from '../../testbed/model/selfsigned.ts';

const GROUP_VERSIONS = [
  'controlplane.antrea.io/v1beta2',
  'system.antrea.io/v1beta1',
  'stats.antrea.io/v1alpha1',
];
const DAY = 86400e3;
const bed: Testbed = await testbed({ version: 'v2.7.0', timings: { publishResyncSeconds: 3 } });

async function secret() {
  return bed.api.core.readNamespacedSecret({
    name: 'antrea-controller-tls',
    namespace: bed.namespace,
  });
}

function aggregatedApiAnswers(groupVersion: string): boolean {
  const result = bed.kubectlResult('get', '--raw', `/apis/${groupVersion}`);
  return result.status === 0 && JSON.parse(result.stdout).groupVersion === groupVersion;
}

test('up publishes the CA to antrea-ca and every consumer, and the aggregated APIs answer through it', async () => {
  const ca = await bed.publishedCa();
  assert.ok(ca, 'antrea-ca holds ca.crt');
  const bundles = await consumerBundles(bed);
  assert.deepEqual([...bundles.keys()].filter((k) => k.startsWith('APIService/')).sort(), [
    'APIService/v1alpha1.stats.antrea.io',
    'APIService/v1beta1.system.antrea.io',
    'APIService/v1beta2.controlplane.antrea.io',
  ]);
  assert.ok(bundles.has('CustomResourceDefinition/ippools.crd.antrea.io'));
  assert.ok([...bundles.values()].every((b) => b === ca));
  for (const gv of GROUP_VERSIONS)
    await eventually(`${gv} to answer`, () => aggregatedApiAnswers(gv));

  const tls = await secret();
  assert.equal(tls.type, 'kubernetes.io/tls');
  assert.deepEqual(Object.keys(tls.data ?? {}).sort(), ['tls.crt', 'tls.key']);
  const certs = parseBundle(Buffer.from(tls.data?.['tls.crt'] ?? '', 'base64').toString());
  assert.equal(certs.length, 2, 'tls.crt holds the serving certificate and its CA');
  assert.match(certs[0]?.subject ?? '', /^CN=antrea@\d+$/);
  assert.match(certs[1]?.subject ?? '', /^CN=antrea-ca@\d+$/);
  assert.equal(
    ca,
    Buffer.from(tls.data?.['tls.crt'] ?? '', 'base64').toString(),
    'the published bundle is the whole tls.crt',
  );

  const info = JSON.parse(
    bed.kubectl('get', 'antreacontrollerinfos.crd.antrea.io', 'antrea-controller', '-o', 'json'),
  );
  assert.equal(info.version, 'v2.7.0');
});

test('deleting Secret antrea-controller-tls puts a new CA everywhere within 20 s and the aggregated API still answers', async () => {
  const before = await bed.publishedCa();
  const started = Date.now();
  bed.kubectl('-n', bed.namespace, 'delete', 'secret', 'antrea-controller-tls');
  const after = await eventually('a new CA in antrea-ca', async () => {
    const ca = await bed.publishedCa();
    return ca && ca !== before ? ca : undefined;
  });
  await eventually(
    'every caBundle to carry the new CA',
    () => converged(bed, after),
    20_000 - (Date.now() - started),
  );
  for (const gv of GROUP_VERSIONS)
    await eventually(`${gv} to answer through the new CA`, () => aggregatedApiAnswers(gv));
  assert.equal(Buffer.from((await secret()).data?.['tls.crt'] ?? '', 'base64').toString(), after);
});

test('a caBundle that does not verify the served certificate makes the aggregated API fail, and re-publishing repairs it', async () => {
  const ca = await bed.publishedCa();
  assert.ok(ca);
  const other = await generateSelfSignedPair(bed.namespace);
  const name = 'v1beta2.controlplane.antrea.io';
  const foreign = Buffer.from(other.certPem).toString('base64');
  /** Puts the foreign CA in the caBundle, unless it is there. */
  const keepForeign = async () => {
    const apiService = await bed.api.registration.readAPIService({ name });
    assert.ok(apiService.spec);
    if (apiService.spec.caBundle === foreign) return;
    apiService.spec.caBundle = foreign;
    await bed.api.registration.replaceAPIService({ name, body: apiService });
  };
  await keepForeign();
  // The model re-publishes every 3 s (publishResyncSeconds), so the foreign caBundle may be gone
  // before the aggregation layer has served a request with it: it is put back before each look,
  // until a request is refused.
  await eventually('the aggregated API to refuse the request', async () => {
    await keepForeign();
    const result = bed.kubectlResult('get', '--raw', '/apis/controlplane.antrea.io/v1beta2');
    return (
      result.status !== 0 &&
      /unable to handle the request|503|ServiceUnavailable/i.test(result.stderr)
    );
  });
  await eventually('periodic publishing to restore the caBundle', () => converged(bed, ca));
  await eventually('the aggregated API to answer again', () =>
    aggregatedApiAnswers('controlplane.antrea.io/v1beta2'),
  );
});

test('a pair written to the Secret with 90+ days left is adopted; one with less is replaced', async () => {
  const ca = await issue({
    commonName: 'adopted-ca',
    isCA: true,
    usages: usage.keyCertSign | usage.digitalSignature,
    keyKind: 'rsa-2048',
  });
  const leaf = async (days: number) =>
    issue({
      commonName: 'adopted',
      issuer: ca,
      usages: usage.digitalSignature | usage.keyEncipherment,
      extendedUsages: [extendedUsage.serverAuth],
      dnsNames: ['antrea', `antrea.${bed.namespace}.svc`],
      notAfter: new Date(Date.now() + days * DAY),
      keyKind: 'rsa-2048',
    });
  const write = async (certPem: string, keyPem: string) => {
    const s = await secret();
    s.data = {
      'tls.crt': Buffer.from(certPem).toString('base64'),
      'tls.key': Buffer.from(keyPem).toString('base64'),
    };
    await bed.api.core.replaceNamespacedSecret({
      name: 'antrea-controller-tls',
      namespace: bed.namespace,
      body: s,
    });
  };

  const long = await leaf(200);
  await write(long.certPem + ca.certPem, long.keyPem);
  await eventually('the adopted tls.crt to be published', () =>
    converged(bed, long.certPem + ca.certPem),
  );
  await eventually('the aggregated API to answer with the adopted pair', () =>
    aggregatedApiAnswers('system.antrea.io/v1beta1'),
  );

  const short = await leaf(30);
  await write(short.certPem + ca.certPem, short.keyPem);
  const regenerated = await eventually('a regenerated pair in the Secret', async () => {
    const crt = Buffer.from((await secret()).data?.['tls.crt'] ?? '', 'base64').toString();
    return /CN=antrea@/.test(parseBundle(crt)[0]?.subject ?? '') ? crt : undefined;
  });
  await eventually('the regenerated CA to be published', () => converged(bed, regenerated));
});

test('a rollout restart keeps the persisted pair', async () => {
  const ca = await bed.publishedCa();
  const [oldPod] = await controllerPods(bed);
  bed.kubectl('-n', bed.namespace, 'rollout', 'restart', 'deployment/antrea-controller');
  bed.kubectl(
    '-n',
    bed.namespace,
    'rollout',
    'status',
    'deployment/antrea-controller',
    '--timeout=60s',
  );
  const pods = await controllerPods(bed);
  assert.equal(pods.length, 1);
  assert.notEqual(pods[0]?.metadata?.name, oldPod?.metadata?.name);
  assert.equal(await bed.publishedCa(), ca);
  await eventually('the aggregated API to answer after the restart', () =>
    aggregatedApiAnswers('stats.antrea.io/v1alpha1'),
  );
});
