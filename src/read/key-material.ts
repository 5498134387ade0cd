// The rest of Antrea's key material, for status --all: the memberlist keys,
// the Flow Aggregator's certificates and the multi-cluster CA. Certificates
// are kept as PEM; of the keys only how many there are.
import type { Client } from '../kube/client.ts';
import { FLOW_AGGREGATOR, MEMBERLIST_KEYS, MULTICLUSTER_CA_CONFIGMAP } from '../antrea/names.ts';
import { decodeBase64 } from '../base64.ts';
import { attempt } from '../kube/attempt.ts';
import type { Outcome } from '../kube/outcome.ts';
import type { FoundBundle, KeyMaterial } from '../antrea/snapshot.ts';
import type * as k8s from '../kube/objects.ts';

const absentIfNotServed = <T>(o: Outcome<T>): Outcome<T | undefined> =>
  'notServed' in o ? { value: undefined } : o;

const map = <T, U>(o: Outcome<T>, f: (value: T) => U): Outcome<U> =>
  'value' in o ? { value: f(o.value) } : o;

const helm = (meta: k8s.ObjectMeta | undefined) =>
  meta?.labels?.['app.kubernetes.io/managed-by'] === 'Helm' ? { managedBy: 'Helm' } : {};

const fromSecret = (secret: k8s.Secret, location: string): FoundBundle | undefined => {
  const pem = decodeBase64(secret.data?.['tls.crt']);
  return pem ? { location, pem, ...helm(secret.metadata) } : undefined;
};

/** Reads it all in parallel; a refusal is kept as such, a missing object is undefined. */
export async function readKeyMaterial(client: Client, namespace: string): Promise<KeyMaterial> {
  const fa = FLOW_AGGREGATOR;
  const [memberlist, faCa, faClient, faCaPair, mcCas] = await Promise.all([
    attempt(client.secrets(namespace).get(MEMBERLIST_KEYS.secret)),
    attempt(client.configMaps(fa.namespace).get(fa.caConfigMap)),
    attempt(client.secrets(fa.namespace).get(fa.clientSecret)),
    attempt(client.secrets(fa.namespace).get(fa.caSecret)),
    attempt(
      client.configMaps().list({ fieldSelector: `metadata.name=${MULTICLUSTER_CA_CONFIGMAP}` }),
    ),
  ]);
  return {
    memberlistKeys: map(absentIfNotServed(memberlist), (s) =>
      s
        ? (decodeBase64(s.data?.[MEMBERLIST_KEYS.key]) ?? '').split('\n').filter((l) => l.trim())
            .length
        : undefined,
    ),
    flowAggregatorCa: map(absentIfNotServed(faCa), (cm) => {
      const pem = cm?.data?.['ca.crt'];
      return pem ? { location: `ConfigMap ${fa.namespace}/${fa.caConfigMap}`, pem } : undefined;
    }),
    flowAggregatorClient: map(absentIfNotServed(faClient), (s) =>
      s ? fromSecret(s, `Secret ${fa.namespace}/${fa.clientSecret}`) : undefined,
    ),
    flowAggregatorCaPair: map(absentIfNotServed(faCaPair), (s) =>
      s ? fromSecret(s, `Secret ${fa.namespace}/${fa.caSecret}`) : undefined,
    ),
    multiclusterCas: map(mcCas, (list) =>
      list.items.flatMap((cm) => {
        const pem = cm.data?.['ca.crt'];
        const where = `ConfigMap ${cm.metadata?.namespace ?? ''}/${MULTICLUSTER_CA_CONFIGMAP}`;
        return pem ? [{ location: where, pem }] : [];
      }),
    ),
  };
}
