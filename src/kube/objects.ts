// The Kubernetes objects the plugin reads and writes, as the JSON the API
// server sends: only the fields the plugin uses are typed. A write sends back
// the whole object it read, so fields not listed here are kept as they were.

/**
 * The metadata the plugin reads: names, the resourceVersion a write is conditioned on, labels and
 * annotations.
 */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  resourceVersion?: string;
  uid?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
  /** Who set which fields (server-side field ownership). */
  managedFields?: ManagedFieldsEntry[];
}

/** One manager's fields: fieldsV1 nests "f:<field>" and "k:<list key JSON>" keys. */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  time?: string;
  fieldsV1?: FieldsV1;
}

/** A fieldsV1 tree. */
export interface FieldsV1 {
  [key: string]: FieldsV1;
}

/** What every object has: its kind and metadata; the types below add the fields the plugin uses. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** The answer to a list request. */
export interface List<T> {
  metadata?: { resourceVersion?: string };
  items: T[];
}

/** A Secret: its type and base64-encoded data. */
export interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

/** A ConfigMap: its data, as text. */
export interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

/** A status condition: Ready of a Pod, Available of an APIService. */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** The state of a container: its restarts and why it waits or last terminated. */
export interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string; message?: string };
    running?: { startedAt?: string };
  };
  lastState?: { terminated?: { message?: string } };
}

/** Who controls an object: a Pod's ReplicaSet, DaemonSet or Job; a ReplicaSet's Deployment. */
export interface OwnerReference {
  kind: string;
  name: string;
  controller?: boolean;
}

/** A container's security settings: only whether it runs privileged. */
export interface SecurityContext {
  privileged?: boolean;
}

/**
 * A Pod: its status (whether the controller is ready) and, for audit, its hostPath volumes, where
 * containers mount them, and whether they run privileged.
 */
export interface Pod extends KubeObject {
  metadata?: ObjectMeta & { ownerReferences?: OwnerReference[]; creationTimestamp?: string };
  spec?: {
    volumes?: { name: string; hostPath?: { path: string } }[];
    containers?: PodContainer[];
    initContainers?: PodContainer[];
    nodeName?: string;
  };
  status?: {
    phase?: string;
    startTime?: string;
    conditions?: Condition[];
    containerStatuses?: ContainerStatus[];
  };
}

/** A container of a Pod: its volume mounts and security context. */
export interface PodContainer {
  name: string;
  volumeMounts?: { name: string; readOnly?: boolean; mountPath?: string }[];
  securityContext?: SecurityContext;
}

/** A ReplicaSet: only its owner, the Deployment a Pod belongs to. */
export interface ReplicaSet extends KubeObject {
  metadata?: ObjectMeta & { ownerReferences?: OwnerReference[] };
}

/** A CertificateSigningRequest: its signer, its conditions and the certificate it was issued. */
export interface CertificateSigningRequest extends KubeObject {
  metadata?: ObjectMeta & { creationTimestamp?: string };
  spec?: { signerName?: string; username?: string };
  status?: { conditions?: Condition[]; certificate?: string };
}

/** A policy/v1beta1 PodSecurityPolicy: the volume types and host paths it allows. */
export interface PodSecurityPolicy extends KubeObject {
  spec?: {
    volumes?: string[];
    allowedHostPaths?: { pathPrefix?: string; readOnly?: boolean }[];
  };
}

/** A Gatekeeper constraint: which namespaces it matches, what it does, and its parameters. */
export interface GatekeeperConstraint extends KubeObject {
  spec?: {
    enforcementAction?: string;
    match?: {
      namespaces?: string[];
      excludedNamespaces?: string[];
      kinds?: { apiGroups?: string[]; kinds?: string[] }[];
      labelSelector?: LabelSelector;
      namespaceSelector?: LabelSelector;
    };
    parameters?: {
      allowedHostPaths?: { pathPrefix?: string; readOnly?: boolean }[];
      volumes?: string[];
    };
  };
}

/** A label selector: labels that must match, and expressions. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** An AntreaAgentInfo: the Node an agent runs on and the CA of its API server (v1.13+). */
export interface AntreaAgentInfo extends KubeObject {
  nodeRef?: { name?: string };
  version?: string;
  apiCABundle?: string;
}

/**
 * A Deployment's Pod template: the container's image and ports, the volumes, and the annotations a
 * restart sets.
 */
export interface PodTemplate {
  metadata?: ObjectMeta;
  spec?: {
    containers: {
      name: string;
      image?: string;
      args?: string[];
      ports?: { name?: string; containerPort: number }[];
    }[];
    volumes?: { name: string; configMap?: { name?: string }; secret?: { secretName?: string } }[];
  };
}

/** A Deployment: its template and how far its rollout is. */
export interface Deployment extends KubeObject {
  spec?: { replicas?: number; template?: PodTemplate };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
  };
}

/** The Service a consumer sends its requests to. */
export interface ServiceReference {
  name?: string;
  namespace?: string;
}

/**
 * An APIService: the group-version it serves, its caBundle and Service, and its Available
 * condition.
 */
export interface ApiService extends KubeObject {
  spec?: { group?: string; version?: string; caBundle?: string; service?: ServiceReference };
  status?: { conditions?: Condition[] };
}

/** A validating or mutating webhook configuration: each webhook's caBundle and Service. */
export interface WebhookConfiguration extends KubeObject {
  webhooks?: { name: string; clientConfig: { caBundle?: string; service?: ServiceReference } }[];
}

/** A CRD: only its conversion webhook, whose caBundle and Service make it a CA consumer. */
export interface CustomResourceDefinition extends KubeObject {
  spec: {
    conversion?: {
      strategy?: string;
      webhook?: { clientConfig?: { caBundle?: string; service?: ServiceReference } };
    };
  };
}

/** A Namespace: its name (completion) and labels (Pod Security Admission). */
export type Namespace = KubeObject;

/** Status, for a delete with a precondition. */
export interface DeleteOptions {
  preconditions?: { resourceVersion?: string };
  /** ["All"]: a dry run. The API server reads a DELETE's options from its body when it has one. */
  dryRun?: string[];
}

/** A coordination.k8s.io Lease: who holds it, since when, and until when it counts. */
export interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
  };
}

/** A core/v1 Event: what happened to an object, as kubectl get events and describe show it. */
export interface Event extends KubeObject {
  involvedObject: {
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
    uid?: string;
  };
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  reportingInstance?: string;
  firstTimestamp?: string;
  lastTimestamp?: string;
  count?: number;
}

/** The type of a Secret that holds a TLS pair. */
export const TLS_SECRET_TYPE = 'kubernetes.io/tls';
/** The keys of a TLS Secret's data: the CA bundle, the certificate and its private key. */
export const TLS_KEYS = { ca: 'ca.crt', cert: 'tls.crt', key: 'tls.key' } as const;
/**
 * The annotation cert-manager puts on a Secret it issues: the name of the Certificate that owns it.
 */
export const CERT_MANAGER_CERTIFICATE_ANNOTATION = 'cert-manager.io/certificate-name';
