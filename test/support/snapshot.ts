// Snapshots for unit tests: the objects of a healthy self-signed v2
// installation as the API server sends them, with whatever a test overrides.
// The reports are built from them with no client at all.
import type * as k8s from '../../src/kube/objects.ts';
import type { IpsecObjects, SecurityObjects, Snapshot } from '../../src/antrea/snapshot.ts';
import { NAMESPACE, type PemPair } from './installation.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const labels = { app: 'antrea', 'served-by': 'antrea-controller' };
const service = { name: 'antrea', namespace: NAMESPACE, port: 443 };
const antreaManaged = (path: k8s.FieldsV1) => [
  { manager: 'antrea-controller', operation: 'Update', fieldsV1: path },
];

export const controllerDeployment = (version = 'v2.7.0'): k8s.Deployment => ({
  metadata: { name: 'antrea-controller', namespace: NAMESPACE, generation: 1, labels: {} },
  spec: {
    replicas: 1,
    template: {
      spec: {
        containers: [
          {
            name: 'antrea-controller',
            image: `antrea/antrea-controller-ubuntu:${version}`,
            ports: [{ name: 'api', containerPort: 10349 }],
          },
        ],
        volumes: [
          { name: 'antrea-config', configMap: { name: 'antrea-config' } },
          { name: 'antrea-controller-tls', secret: { secretName: 'antrea-controller-tls' } },
        ],
      },
    },
  },
  status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1 },
});

export const readyPod = (name = 'antrea-controller-abc'): k8s.Pod => ({
  metadata: { name, namespace: NAMESPACE },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'antrea-controller', restartCount: 0, state: {} }],
  },
});

export const configMap = (name: string, data: Record<string, string>): k8s.ConfigMap => ({
  metadata: { name, namespace: NAMESPACE, resourceVersion: '7', labels: { app: 'antrea' } },
  data,
});

/** The CA consumers of a v2 installation, every caBundle set to `bundle`. */
export function consumerObjects(bundle: string) {
  const apiService: k8s.ApiService = {
    metadata: {
      name: 'v1beta2.controlplane.antrea.io',
      labels,
      managedFields: antreaManaged({ 'f:spec': { 'f:caBundle': {} } }),
    },
    spec: { group: 'controlplane.antrea.io', version: 'v1beta2', service, caBundle: b64(bundle) },
    status: { conditions: [{ type: 'Available', status: 'True' }] },
  };
  const webhooks: k8s.WebhookConfiguration = {
    metadata: { name: 'crdvalidator.antrea.io', labels },
    webhooks: [
      { name: 'tiervalidator.antrea.io', clientConfig: { service, caBundle: b64(bundle) } },
    ],
  };
  const crd: k8s.CustomResourceDefinition = {
    metadata: { name: 'ippools.crd.antrea.io', labels },
    spec: {
      conversion: {
        strategy: 'Webhook',
        webhook: { clientConfig: { service, caBundle: b64(bundle) } },
      },
    },
  };
  return { apiServices: [apiService], validatingWebhooks: [webhooks], crds: [crd] };
}

/** A self-signed v2 installation whose Secret persists `pair`, published everywhere. */
export function selfSignedSnapshot<O extends Partial<Snapshot>>(
  pair: PemPair,
  overrides: O = {} as O,
): Snapshot & O {
  const bundle = pair.leaf.certPem + pair.ca.certPem;
  return {
    namespace: NAMESPACE,
    namespaceSource: 'found',
    deployment: controllerDeployment(),
    pods: { value: [readyPod()] },
    configMaps: [
      configMap('antrea-config', {
        'antrea-controller.conf': 'selfSignedCert: true\n',
        'antrea-agent.conf': 'trafficEncryptionMode: none\n',
      }),
      configMap('antrea-ca', { 'ca.crt': bundle }),
    ],
    tlsSecret: {
      value: {
        metadata: { name: 'antrea-controller-tls', namespace: NAMESPACE, resourceVersion: '3' },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': b64(bundle), 'tls.key': b64(pair.leaf.keyPem) },
      },
    },
    mutatingWebhooks: [],
    ...consumerObjects(bundle),
    controllerInfos: [{ value: { metadata: { name: 'antrea-controller' }, version: 'v2.7.0' } }],
    probes: [{ groupVersion: 'controlplane.antrea.io/v1beta2', status: 200 }],
    ...overrides,
  };
}

/** audit's cluster-wide reads with nothing in them (PodSecurityPolicy and Gatekeeper not served). */
export const noSecurity: SecurityObjects = {
  pods: { value: [] },
  replicaSets: { value: [] },
  namespaces: { value: [] },
  podSecurityPolicies: { notServed: true },
  gatekeeper: { notServed: true },
  agentInfos: { value: [] },
  kubernetesVersion: 'v1.29.0',
};

/** The IPsec reads of a cluster without IPsec: no PSK Secret, no CA, no requests. */
export const noIpsec: IpsecObjects = {
  pskSecret: { value: { exists: false } },
  caBundle: { value: undefined },
  requests: { value: [] },
};
