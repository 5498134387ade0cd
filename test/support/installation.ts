// One builder for the installations unit tests check: a healthy controller in
// kube-system, with whatever the test overrides.
import type {
  Consumer,
  ControllerDeployment,
  Installation,
  TlsSecret,
} from '../../src/cluster/installation.ts';

export const NAMESPACE = 'kube-system';

export const deployment = (
  overrides: Partial<ControllerDeployment> = {},
): ControllerDeployment => ({
  name: 'antrea-controller',
  labels: {},
  annotations: {},
  configMapName: 'antrea-config',
  secretName: 'antrea-controller-tls',
  apiPort: 10349,
  replicas: 1,
  readyReplicas: 1,
  rolledOut: true,
  ...overrides,
});

export const tlsSecret = (overrides: Partial<TlsSecret> = {}): TlsSecret => ({
  name: 'antrea-controller-tls',
  type: 'kubernetes.io/tls',
  resourceVersion: '1',
  labels: {},
  annotations: {},
  ...overrides,
});

/** The CA consumers of a v2 installation, every caBundle set to `bundle`. */
export const consumers = (bundle: string, available = 'True'): Consumer[] => [
  {
    kind: 'APIService',
    name: 'v1beta2.controlplane.antrea.io',
    caBundle: bundle,
    servedByLabel: true,
    groupVersion: 'controlplane.antrea.io/v1beta2',
    available: { status: available },
  },
  {
    kind: 'ValidatingWebhookConfiguration',
    name: 'crdvalidator.antrea.io',
    webhook: 'tiervalidator.antrea.io',
    caBundle: bundle,
    servedByLabel: true,
  },
  {
    kind: 'ValidatingWebhookConfiguration',
    name: 'crdvalidator.antrea.io',
    webhook: 'acnpvalidator.antrea.io',
    caBundle: bundle,
    servedByLabel: true,
  },
  {
    kind: 'CustomResourceDefinition',
    name: 'ippools.crd.antrea.io',
    caBundle: bundle,
    servedByLabel: true,
  },
];

/** A ready controller whose antrea-ca and consumers carry `published`; the rest from `overrides`. */
export function installation(
  published: string,
  overrides: Partial<Installation> = {},
): Installation {
  return {
    namespace: NAMESPACE,
    namespaceSource: 'found',
    deployment: deployment(),
    pods: [
      { name: 'antrea-controller-a', phase: 'Running', ready: true, restarts: 0, deleting: false },
    ],
    caConfigMap: { resourceVersion: '1', bundle: published },
    consumers: consumers(published),
    ...overrides,
  };
}
