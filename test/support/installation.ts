// One builder for the installations unit tests check: a healthy controller in
// kube-system, with whatever the test overrides.
import type {
  Consumer,
  ControllerDeployment,
  Installation,
  TlsSecret,
} from '../../src/antrea/installation.ts';
import { Sensitive } from '../../src/sensitive.ts';

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
    caBundleOwners: ['antrea-controller'],
    groupVersion: 'controlplane.antrea.io/v1beta2',
    available: { status: available },
  },
  {
    kind: 'ValidatingWebhookConfiguration',
    name: 'crdvalidator.antrea.io',
    webhook: 'tiervalidator.antrea.io',
    caBundle: bundle,
    servedByLabel: true,
    caBundleOwners: ['antrea-controller'],
  },
  {
    kind: 'ValidatingWebhookConfiguration',
    name: 'crdvalidator.antrea.io',
    webhook: 'acnpvalidator.antrea.io',
    caBundle: bundle,
    servedByLabel: true,
    caBundleOwners: ['antrea-controller'],
  },
  {
    kind: 'CustomResourceDefinition',
    name: 'ippools.crd.antrea.io',
    caBundle: bundle,
    servedByLabel: true,
    caBundleOwners: ['antrea-controller'],
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

/** A CA and the serving certificate it issued, as PEM. */
export interface PemPair {
  readonly ca: { readonly certPem: string };
  readonly leaf: { readonly certPem: string; readonly keyPem: string };
}

/** A self-signed installation of `version` whose Secret persists `pair` (tls.crt: leaf and CA), published everywhere. */
export function selfSigned(pair: PemPair, version = 'v2.7.0'): Installation {
  const bundle = pair.leaf.certPem + pair.ca.certPem;
  return installation(bundle, {
    deployment: deployment({ image: `antrea/antrea-controller-ubuntu:${version}` }),
    config: { name: 'antrea-config', text: 'selfSignedCert: true\n', resourceVersion: '1' },
    tlsSecret: tlsSecret({ cert: bundle, key: new Sensitive(pair.leaf.keyPem) }),
    controllerInfoVersion: version,
  });
}
