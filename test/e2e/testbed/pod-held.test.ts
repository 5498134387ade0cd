// Releases that hold the self-signed pair in the Pod (v1.12.3 here): no Secret
// is written, and every container start brings a new CA.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  testbed,
  eventually,
  converged,
  restartController,
  type Testbed,
} from '../../testbed/fixture.ts';
import { readOptional } from '../../testbed/model/kube.ts';

const bed: Testbed = await testbed({ version: 'v1.12.3' });

test('self-signed mode of a Pod-held release writes no Secret', async () => {
  const ca = await bed.publishedCa();
  assert.ok(ca);
  assert.ok(await converged(bed, ca));
  const secret = await readOptional(() =>
    bed.api.core.readNamespacedSecret({ name: 'antrea-controller-tls', namespace: bed.namespace }),
  );
  assert.equal(secret, undefined);
});

test('a rollout restart gives a new CA, published everywhere, and the aggregated API answers through it', async () => {
  const before = await bed.publishedCa();
  await restartController(bed);
  const after = await eventually('a new CA in antrea-ca', async () => {
    const ca = await bed.publishedCa();
    return ca && ca !== before ? ca : undefined;
  });
  await eventually('the new CA everywhere', () => converged(bed, after));
  await eventually(
    'the aggregated API to answer',
    () => bed.kubectlResult('get', '--raw', '/apis/system.antrea.io/v1beta1').status === 0,
  );
});

test('deleting antrea-ca is not repaired by a Pod-held release until its CA changes', async () => {
  bed.kubectl('-n', bed.namespace, 'delete', 'configmap', 'antrea-ca');
  await new Promise((resolve) => setTimeout(resolve, 3000));
  assert.equal(await bed.publishedCa(), undefined);
  await restartController(bed);
  await eventually('antrea-ca to be created again at the next start', () => bed.publishedCa());
});
