// Names, labels and keys of Antrea's certificate-related objects (see the
// behaviour page in README). The one place that knows them.

export const DEFAULT_NAMESPACE = 'kube-system';

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

export const TLS_SECRET = 'antrea-controller-tls';
export const TLS_KEYS = { ca: 'ca.crt', cert: 'tls.crt', key: 'tls.key' } as const;

export const CA_CONFIGMAP = 'antrea-ca';
export const CA_CONFIGMAP_KEY = 'ca.crt';

/** Every CA consumer points at this Service in the Antrea namespace. */
export const SERVICE = 'antrea';
export const APP_SELECTOR = 'app=antrea';
export const SERVED_BY_LABEL = 'served-by';
/** How v1.12+ label the CA consumers they update. */
export const CONSUMER_SELECTOR = 'app=antrea,served-by=antrea-controller';

export const CONTROLLER_INFO = {
  name: 'antrea-controller',
  plural: 'antreacontrollerinfos',
  version: 'v1beta1',
  groups: ['crd.antrea.io', 'clusterinformation.antrea.tanzu.vmware.com'],
} as const;

/** The controller regenerates a self-signed pair whose certificate has less left than this. */
export const SELF_SIGNED_REGENERATE_WITHIN_MS = 90 * 86_400_000;

export const CERT_MANAGER_CERTIFICATE_ANNOTATION = 'cert-manager.io/certificate-name';

/** The server name clients verify. */
export const serviceDnsName = (namespace: string) => `${SERVICE}.${namespace}.svc`;

/** The name Antrea's documentation recommends besides: antrea.<namespace>.svc.<cluster domain>. */
export const fqdnServiceName = (namespace: string, clusterDomain: string) =>
  `${serviceDnsName(namespace)}.${clusterDomain}`;
