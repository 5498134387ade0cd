// Antrea's IPsec objects as the cluster holds them: whether the PSK Secret
// exists and holds the default key (only that: the key is dropped at once),
// the CA the controller publishes, and the agents' signing requests.
import type { Client } from '../kube/client.ts';
import { IPSEC, pskSecretOf, signingRequestOf } from '../antrea/ipsec.ts';
import type { IpsecObjects } from '../antrea/snapshot.ts';
import { attempt } from '../kube/attempt.ts';

/** Reads the PSK Secret, the IPsec CA and the signer's requests in parallel. */
export async function readIpsecObjects(client: Client, namespace: string): Promise<IpsecObjects> {
  const [secret, configMap, requests] = await Promise.all([
    attempt(client.secrets(namespace).get(IPSEC.pskSecret)),
    attempt(client.configMaps(namespace).get(IPSEC.caConfigMap)),
    attempt(
      client
        .certificateSigningRequests()
        .list({ fieldSelector: `spec.signerName=${IPSEC.signerName}` }),
    ),
  ]);
  return {
    pskSecret: pskSecretOf(secret),
    caBundle:
      'notServed' in configMap
        ? { value: undefined }
        : 'value' in configMap
          ? { value: configMap.value.data?.[IPSEC.caKey] }
          : configMap,
    requests:
      'value' in requests ? { value: requests.value.items.map(signingRequestOf) } : requests,
  };
}
