// Clusters of a fleet run for unit tests: one healthy, one whose serving
// certificate expires within the warning window, one whose webhook carries
// another CA, and reads that failed, each as readCluster returns it.
import { statusFrom } from '../../src/report/status.ts';
import type { ClusterRead } from '../../src/report/cluster.ts';
import { DAY, now, servingPair } from './certificates.ts';
import { selfSigned } from './installation.ts';
import { verify } from './report.ts';

const healthyPair = await servingPair();
const otherPair = await servingPair({ caName: 'another-ca' });
const expiringPair = await servingPair({ days: 20 });

/** A cluster that was read. */
export type ReadCluster = Extract<ClusterRead, { readonly status: unknown }>;

/** A read cluster: the status and verify reports of a self-signed installation. */
function read(context: string, installation: ReturnType<typeof selfSigned>): ReadCluster {
  return {
    context,
    status: statusFrom({ installation, now, warnWithin: 30 * DAY }),
    verify: verify(installation),
  };
}

export const healthy = read('healthy', selfSigned(healthyPair));

/** Read, and verify warns: its serving certificate expires in 19 days (warning within 30). */
export const expiring = read('expiring', selfSigned(expiringPair));

const outOfStep = selfSigned(healthyPair);
export const failing = read('failing', {
  ...outOfStep,
  consumers: outOfStep.consumers.map((c) =>
    c.kind === 'ValidatingWebhookConfiguration' ? { ...c, caBundle: otherPair.ca.certPem } : c,
  ),
});

export const unreachable: ClusterRead = {
  context: 'dead',
  error: { kind: 'unreachable', message: 'cannot reach the API server at https://127.0.0.1:1.' },
};

export const forbidden: ClusterRead = {
  context: 'forbidden',
  error: { kind: 'forbidden', message: 'you are not allowed to list deployments.apps.' },
};
