// The testbed's own minimal Antrea manifest: only the objects that take part in
// certificate handling, with the names, labels and shapes of the real ones.
import { parseRelease, selectsConsumersByLabel } from './versions.ts';

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
};

export interface ManifestOptions {
  readonly namespace: string;
  readonly version: string;
  /** Where Service antrea points: the model's loopback address. */
  readonly modelAddress: string;
}

export function controllerConf(version: string): string {
  const legacy = !selectsConsumersByLabel(parseRelease(version));
  return `# FeatureGates is a map of feature names to bools that enable or disable experimental features.
featureGates:
# Enable traceflow which provides packet tracing feature to diagnose network issue.
#  Traceflow: true

# The port for the antrea-controller APIServer to serve on.
# Note that if it's set to another value, the \`containerPort\` of the \`api\` port of the
# \`antrea-controller\` container must be set to the same value.
#apiPort: 10349

# Enable metrics exposure via Prometheus. Initializes Prometheus metrics listener.
#enablePrometheusMetrics: true

# Indicates whether to use auto-generated self-signed TLS certificate.
# If false, a Secret named "antrea-controller-tls" must be provided with the following keys:
#   ca.crt: <CA certificate>
#   tls.crt: <TLS certificate>
#   tls.key: <TLS private key>
${legacy ? '#' : ''}selfSignedCert: true

# Comma-separated list of Cipher Suites. If omitted, the default Go Cipher Suites will be used.
# https://golang.org/pkg/crypto/tls/#pkg-constants
# Note that TLS1.3 Cipher Suites cannot be added to the list. But the apiserver will always
# prefer TLS1.3 Cipher Suites whenever possible.
tlsCipherSuites:

# TLS min version from: VersionTLS10, VersionTLS11, VersionTLS12, VersionTLS13.
tlsMinVersion:
`;
}

export function minimalManifest({
  namespace,
  version,
  modelAddress,
}: ManifestOptions): KubeObject[] {
  const labels: Record<string, string> = selectsConsumersByLabel(parseRelease(version))
    ? { app: 'antrea', 'served-by': 'antrea-controller' }
    : { app: 'antrea' };
  const service = (path?: string) => ({ name: 'antrea', namespace, ...(path ? { path } : {}) });
  const controllerLabels = { app: 'antrea', component: 'antrea-controller' };
  const apiService = (group: string, v: string): KubeObject => ({
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: `${v}.${group}`, labels },
    spec: {
      group,
      groupPriorityMinimum: 100,
      version: v,
      versionPriority: 100,
      service: service(),
    },
  });
  const webhook = (
    name: string,
    path: string,
    resource: string,
    scope: 'Cluster' | 'Namespaced',
  ) => ({
    name,
    clientConfig: { service: service(path) },
    rules: [
      {
        operations: ['CREATE', 'UPDATE'],
        apiGroups: ['crd.antrea.io'],
        apiVersions: ['v1beta1'],
        resources: [resource],
        scope,
      },
    ],
    admissionReviewVersions: ['v1', 'v1beta1'],
    sideEffects: 'None',
    timeoutSeconds: 5,
  });
  const openSchema = {
    openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  };

  return [
    ...(namespace === 'kube-system'
      ? []
      : [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }]),
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'antreacontrollerinfos.crd.antrea.io', labels: { app: 'antrea' } },
      spec: {
        group: 'crd.antrea.io',
        versions: [{ name: 'v1beta1', served: true, storage: true, schema: openSchema }],
        scope: 'Cluster',
        names: {
          plural: 'antreacontrollerinfos',
          singular: 'antreacontrollerinfo',
          kind: 'AntreaControllerInfo',
          shortNames: ['aci'],
        },
      },
    },
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'ippools.crd.antrea.io', labels },
      spec: {
        group: 'crd.antrea.io',
        versions: [
          { name: 'v1beta1', served: true, storage: true, schema: openSchema },
          { name: 'v1alpha2', served: true, storage: false, schema: openSchema },
        ],
        conversion: {
          strategy: 'Webhook',
          webhook: {
            conversionReviewVersions: ['v1', 'v1beta1'],
            clientConfig: { service: service('/convert/ippool') },
          },
        },
        scope: 'Cluster',
        names: { plural: 'ippools', singular: 'ippool', kind: 'IPPool', shortNames: ['ipp'] },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'antrea-controller', namespace, labels: { app: 'antrea' } },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'antrea-config', namespace, labels: { app: 'antrea' } },
      data: { 'antrea-controller.conf': controllerConf(version) },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'antrea', namespace, labels: { app: 'antrea' } },
      // On a real cluster: ClusterIP, port 443 to containerPort api. Here the
      // aggregation layer and webhooks reach the model on a loopback address.
      spec: {
        type: 'ExternalName',
        externalName: modelAddress,
        ports: [{ port: 443, protocol: 'TCP', targetPort: 'api' }],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'antrea-controller', namespace, labels: controllerLabels },
      spec: {
        strategy: { type: 'Recreate' },
        selector: { matchLabels: controllerLabels },
        replicas: 1,
        template: {
          metadata: { labels: controllerLabels },
          spec: {
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            hostNetwork: true,
            priorityClassName: 'system-cluster-critical',
            serviceAccountName: 'antrea-controller',
            containers: [
              {
                name: 'antrea-controller',
                image: `antrea/antrea-controller-ubuntu:${version}`,
                command: ['antrea-controller'],
                args: ['--config=/etc/antrea/antrea-controller.conf'],
                env: [
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                  {
                    name: 'POD_NAMESPACE',
                    valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
                  },
                  { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                ],
                ports: [{ containerPort: 10349, name: 'api', protocol: 'TCP' }],
                readinessProbe: {
                  httpGet: { host: 'localhost', path: '/readyz', port: 'api', scheme: 'HTTPS' },
                  initialDelaySeconds: 5,
                  periodSeconds: 10,
                  failureThreshold: 5,
                },
                volumeMounts: [
                  {
                    name: 'antrea-config',
                    mountPath: '/etc/antrea/antrea-controller.conf',
                    subPath: 'antrea-controller.conf',
                    readOnly: true,
                  },
                  {
                    name: 'antrea-controller-tls',
                    mountPath: '/var/run/antrea/antrea-controller-tls',
                  },
                ],
              },
            ],
            volumes: [
              { name: 'antrea-config', configMap: { name: 'antrea-config' } },
              {
                name: 'antrea-controller-tls',
                secret: { secretName: 'antrea-controller-tls', defaultMode: 0o400, optional: true },
              },
            ],
          },
        },
      },
    },
    apiService('controlplane.antrea.io', 'v1beta2'),
    apiService('system.antrea.io', 'v1beta1'),
    apiService('stats.antrea.io', 'v1alpha1'),
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'crdvalidator.antrea.io', labels },
      webhooks: [
        webhook('tiervalidator.antrea.io', '/validate/tier', 'tiers', 'Cluster'),
        webhook('acnpvalidator.antrea.io', '/validate/acnp', 'clusternetworkpolicies', 'Cluster'),
        webhook('ippoolvalidator.antrea.io', '/validate/ippool', 'ippools', 'Cluster'),
      ],
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'crdmutator.antrea.io', labels },
      webhooks: [
        webhook('acnpmutator.antrea.io', '/mutate/acnp', 'clusternetworkpolicies', 'Cluster'),
        webhook('annpmutator.antrea.io', '/mutate/annp', 'networkpolicies', 'Namespaced'),
      ],
    },
  ];
}
