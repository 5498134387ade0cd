// Antrea's IPsec objects as the cluster holds them: whether the PSK Secret
// exists and holds the default key (only that: the key is dropped at once),
// the CA the controller publishes, and the agents' signing requests.
import type { Client } from '../kube/client.ts';
import { IPSEC, isDefaultPsk } from '../antrea/ipsec.ts';
import { decodeBase64 } from '../kube/base64.ts';
import { attempt, type Outcome } from '../kube/outcome.ts';
import type * as k8s from '../kube/objects.ts';

/** The PSK Secret: missing, or present, with whether its key is the published default. */
export type PskSecret =
  { readonly exists: false } | { readonly exists: true; readonly isDefault: boolean };

/** Where an agent's CertificateSigningRequest stands. */
export type RequestState = 'pending' | 'approved' | 'issued' | 'denied' | 'failed';

/** One CertificateSigningRequest of Antrea's IPsec signer. */
export interface SigningRequest {
  readonly name: string;
  /** Who asked: the agent's service account. */
  readonly requester?: string;
  readonly created?: string;
  readonly state: RequestState;
  /** The certificate issued, as PEM. */
  readonly certificate?: string;
}

/** The IPsec objects, each read allowed to be refused or not served. */
export interface IpsecObjects {
  readonly pskSecret: Outcome<PskSecret>;
  /** The CA bundle of ConfigMap antrea-ipsec-ca (undefined: no such ConfigMap). */
  readonly caBundle: Outcome<string | undefined>;
  readonly requests: Outcome<SigningRequest[]>;
}

const condition = (csr: k8s.CertificateSigningRequest, type: string) =>
  csr.status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;

/** A CertificateSigningRequest's state, as kubectl get csr shows its condition. */
export function requestState(csr: k8s.CertificateSigningRequest): RequestState {
  if (condition(csr, 'Denied')) return 'denied';
  if (condition(csr, 'Failed')) return 'failed';
  if (!condition(csr, 'Approved')) return 'pending';
  return csr.status?.certificate ? 'issued' : 'approved';
}

const describeRequest = (csr: k8s.CertificateSigningRequest): SigningRequest => {
  const pem = decodeBase64(csr.status?.certificate);
  return {
    name: csr.metadata?.name ?? '',
    ...(csr.spec?.username ? { requester: csr.spec.username } : {}),
    ...(csr.metadata?.creationTimestamp ? { created: csr.metadata.creationTimestamp } : {}),
    state: requestState(csr),
    ...(pem ? { certificate: pem } : {}),
  };
};

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
    pskSecret: pskOf(secret),
    caBundle:
      'notServed' in configMap
        ? { value: undefined }
        : 'value' in configMap
          ? { value: configMap.value.data?.[IPSEC.caKey] }
          : configMap,
    requests: 'value' in requests ? { value: requests.value.items.map(describeRequest) } : requests,
  };
}

/** Whether the PSK Secret exists and holds the default; the key itself goes no further. */
function pskOf(read: Outcome<k8s.Secret>): Outcome<PskSecret> {
  if ('notServed' in read) return { value: { exists: false } };
  if (!('value' in read)) return read;
  const psk = decodeBase64(read.value.data?.[IPSEC.pskKey]) ?? '';
  return { value: { exists: true, isDefault: isDefaultPsk(psk) } };
}
