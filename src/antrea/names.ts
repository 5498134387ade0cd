// Names, labels and keys of Antrea's certificate-related objects (see the
// behaviour page in README). The one place that knows them.

/** The namespace read first, in parallel with the search for Antrea, when -n is not given. */
export const DEFAULT_NAMESPACE = 'kube-system';

/**
 * The antrea-controller Deployment: its name, the selector of its Pods, its container, the volumes
 * that carry the config and the pair, and its API port.
 */
export const CONTROLLER = {
  deployment: 'antrea-controller',
  selector: 'app=antrea,component=antrea-controller',
  container: 'antrea-controller',
  /** Deployment volumes that carry the config file and the TLS Secret. */
  configVolume: 'antrea-config',
  tlsVolume: 'antrea-controller-tls',
  configKey: 'antrea-controller.conf',
  /** The controller's API port (container port "api"), the target of Service antrea. */
  apiPort: 10349,
} as const;

/**
 * The Secret the controller serves a user-provided pair from, and where recent releases keep a
 * self-signed one; the Deployment's volume may name another.
 */
export const TLS_SECRET = 'antrea-controller-tls';
/** The type the controller gives the Secret it creates, and the keys of its data. */
export { TLS_SECRET_TYPE, TLS_KEYS } from '../kube/objects.ts';

/** The ConfigMap in which the controller publishes the CA bundle its clients trust. */
export const CA_CONFIGMAP = 'antrea-ca';
/** The key of the bundle in antrea-ca. */
export const CA_CONFIGMAP_KEY = 'ca.crt';

/** Every CA consumer points at this Service in the Antrea namespace. */
export const SERVICE = 'antrea';
/**
 * The label of Antrea's objects; it selects the ConfigMaps read and watched in the namespace
 * (antrea-ca, the controller's config).
 */
export const APP_SELECTOR = 'app=antrea';
/**
 * The label that marks a CA consumer the controller updates (value antrea-controller), from v1.12.
 */
export const SERVED_BY_LABEL = 'served-by';
/** How v1.12+ label the CA consumers they update. */
export const CONSUMER_SELECTOR = 'app=antrea,served-by=antrea-controller';

/**
 * The AntreaControllerInfo object, which reports the running version, under its current API group
 * and its older one.
 */
export const CONTROLLER_INFO = {
  name: 'antrea-controller',
  plural: 'antreacontrollerinfos',
  version: 'v1beta1',
  groups: ['crd.antrea.io', 'clusterinformation.antrea.tanzu.vmware.com'],
} as const;

/** The controller regenerates a self-signed pair whose certificate has less left than this. */
export const SELF_SIGNED_REGENERATE_WITHIN_MS = 90 * 86_400_000;

/** The annotation cert-manager puts on a Secret it issues. */
export { CERT_MANAGER_CERTIFICATE_ANNOTATION } from '../kube/objects.ts';

/** The server name clients verify. */
export const serviceDnsName = (namespace: string) => `${SERVICE}.${namespace}.svc`;

/** The name Antrea's documentation recommends besides: antrea.<namespace>.svc.<cluster domain>. */
export const fqdnServiceName = (namespace: string, clusterDomain: string) =>
  `${serviceDnsName(namespace)}.${clusterDomain}`;

/** The AntreaAgentInfo objects, one per Node, named after it; apiCABundle since v1.13.0. */
export const AGENT_INFO = {
  group: 'crd.antrea.io',
  version: 'v1beta1',
  plural: 'antreaagentinfos',
} as const;

/** The label of Antrea's own Pods (agents and controller) in its namespace: app=antrea. */
export const APP_LABEL = ['app', 'antrea'] as const;

/** antrea-agent.conf, beside antrea-controller.conf in the controller's ConfigMap. */
export const AGENT_CONFIG_KEY = 'antrea-agent.conf';

/** The gossip encryption keys of the agents' memberlist (v2.7.0), one per line, the first primary. */
export const MEMBERLIST_KEYS = { secret: 'antrea-memberlist-keys', key: 'keys' } as const;

/**
 * The Flow Aggregator's certificates in its own namespace: its CA published in a ConfigMap and
 * its client pair (v0.13.0), and the CA's pair (v2.5.1 / v2.6.0); rotated 90 days before expiry.
 */
export const FLOW_AGGREGATOR = {
  namespace: 'flow-aggregator',
  caConfigMap: 'flow-aggregator-ca',
  clientSecret: 'flow-aggregator-client-tls',
  caSecret: 'flow-aggregator-ca-tls',
} as const;

/** The multi-cluster controller publishes its CA in this ConfigMap (v1.5.0), in its namespace. */
export const MULTICLUSTER_CA_CONFIGMAP = 'antrea-mc-ca';
