// The real release manifests of three eras come up on the testbed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { testbed, eventually, converged, consumerBundles } from '../../testbed/fixture.ts';

const manifests = fileURLToPath(new URL('../../../../shared/antrea-manifests/', import.meta.url));
const releases = [
  { version: 'v1.0.0', configMap: /^antrea-config-[a-z0-9]+$/, apiServices: 8 },
  { version: 'v1.12.3', configMap: /^antrea-config$/, apiServices: 3 },
  { version: 'v2.7.0', configMap: /^antrea-config$/, apiServices: 3 },
];

for (const release of releases) {
  test(`the ${release.version} release manifest comes up with --manifest`, async () => {
    const manifest = `${manifests}antrea-${release.version}.yml`;
    assert.ok(
      existsSync(manifest),
      `${manifest} is missing: the shared manifests sit beside the project`,
    );
    const bed = await testbed({ version: release.version, manifest });
    try {
      const ca = await bed.publishedCa();
      assert.ok(ca);
      assert.ok(await converged(bed, ca), 'antrea-ca and every consumer carry the same CA');
      const bundles = await consumerBundles(bed);
      assert.equal(
        [...bundles.keys()].filter((k) => k.startsWith('APIService/')).length,
        release.apiServices,
      );
      const configMaps = (
        await bed.api.core.listNamespacedConfigMap({
          namespace: bed.namespace,
          labelSelector: 'app=antrea',
        })
      ).items;
      assert.ok(configMaps.some((c) => release.configMap.test(c.metadata?.name ?? '')));
      const service = await bed.api.core.readNamespacedService({
        name: 'antrea',
        namespace: bed.namespace,
      });
      assert.equal(service.spec?.type, 'ExternalName');
      await eventually('every Antrea APIService to be Available', async () => {
        const list = await bed.api.registration.listAPIService();
        const antrea = list.items.filter((a) => a.spec?.service?.name === 'antrea');
        return (
          antrea.length === release.apiServices &&
          antrea.every((a) =>
            a.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True'),
          )
        );
      });
    } finally {
      await bed.down();
    }
  });
}
