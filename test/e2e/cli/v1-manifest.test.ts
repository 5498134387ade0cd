// status and verify on the real v1.0.0 manifest: hashed ConfigMap name,
// commented-out selfSignedCert, legacy consumers labelled only app=antrea.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { testbed, type Testbed } from '../../testbed/fixture.ts';
import { plugin, json } from '../plugin.ts';

const manifest = fileURLToPath(
  new URL('../../../../shared/antrea-manifests/antrea-v1.0.0.yml', import.meta.url),
);
const bed: Testbed = await testbed({ version: 'v1.0.0', manifest });
const run = (...args: string[]) => plugin(bed.kubeconfig, args);

test('status finds the hashed ConfigMap through the Deployment and reads the v1.0 defaults', () => {
  const status = json<{
    configMap: string;
    mode: string;
    selfSignedPairStorage: string;
    antreaVersion: string;
    versionSource: string;
    consumers: { name: string; caBundleMatches: boolean }[];
  }>(run('status', '-o', 'json'));
  assert.match(status.configMap, /^antrea-config-[a-z0-9]+$/);
  assert.equal(status.mode, 'self-signed');
  assert.equal(status.antreaVersion, 'v1.0.0');
  assert.equal(status.versionSource, 'AntreaControllerInfo', 'the image says latest');
  assert.equal(status.selfSignedPairStorage, 'pod');
  const names = status.consumers.map((c) => c.name);
  assert.ok(names.includes('v1beta1.networking.antrea.tanzu.vmware.com'));
  assert.ok(names.includes('crdvalidator.antrea.tanzu.vmware.com'));
  assert.ok(status.consumers.every((c) => c.caBundleMatches));
});

test('verify passes on v1.0.0, legacy APIServices included', () => {
  const result = run('verify');
  assert.equal(result.status, 0, result.stdout);
  assert.match(
    result.stdout,
    /✔ controlplane\.antrea\.tanzu\.vmware\.com\/v1beta1 answers through the API server/,
  );
});
