// The Kubernetes objects the plugin reads and writes, as the JSON the API
// server sends: only the fields the plugin uses are typed. A write sends back
// the whole object it read, so fields not listed here are kept as they were.

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

export interface List<T> {
  items: T[];
}

export interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

export interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string } };
  lastState?: { terminated?: { message?: string } };
}

export interface Pod extends KubeObject {
  status?: { phase?: string; conditions?: Condition[]; containerStatuses?: ContainerStatus[] };
}

export interface PodTemplate {
  metadata?: ObjectMeta;
  spec?: {
    containers: {
      name: string;
      image?: string;
      ports?: { name?: string; containerPort: number }[];
    }[];
    volumes?: { name: string; configMap?: { name?: string }; secret?: { secretName?: string } }[];
  };
}

export interface Deployment extends KubeObject {
  spec?: { replicas?: number; template?: PodTemplate };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
  };
}

export interface ServiceReference {
  name?: string;
  namespace?: string;
}

export interface ApiService extends KubeObject {
  spec?: { group?: string; version?: string; caBundle?: string; service?: ServiceReference };
  status?: { conditions?: Condition[] };
}

export interface WebhookConfiguration extends KubeObject {
  webhooks?: { name: string; clientConfig: { caBundle?: string; service?: ServiceReference } }[];
}

export interface CustomResourceDefinition extends KubeObject {
  spec: {
    conversion?: {
      strategy?: string;
      webhook?: { clientConfig?: { caBundle?: string; service?: ServiceReference } };
    };
  };
}

export type Namespace = KubeObject;

/** Status, for a delete with a precondition. */
export interface DeleteOptions {
  preconditions?: { resourceVersion?: string };
}
