// The snapshot: every object an Antrea installation consists of, as one value,
// and for each why it is absent (not found, refused, not served). A reader
// fills it (src/read/: snapshot.ts from one-shot reads, informed-snapshot.ts
// from informers kept by watches); everything that interprets it (antrea/,
// report/) is a pure function of it.
import type * as k8s from '../kube/objects.ts';
import type { Outcome } from '../kube/outcome.ts';
import type { CertificateObject } from '../kube/cert-manager.ts';
import type { ProbeResult } from '../kube/probe.ts';

export type { Outcome } from '../kube/outcome.ts';
export type { ProbeResult } from '../kube/probe.ts';

/** How the namespace was chosen: -n, found from the controller's Deployment, or the default. */
export type NamespaceSource = 'flag' | 'found' | 'default';

/** An AntreaControllerInfo, of which only the version is read. */
export interface ControllerInfoObject extends k8s.KubeObject {
  version?: unknown;
}

/** The certificate the ready controller Pod serves (a TLS handshake), or why it could not be seen. */
export type ServedCertificate =
  { readonly pem: string; readonly pod: string } | { readonly unseen: string };

/** The objects of an installation, as read. */
export interface Snapshot {
  readonly namespace: string;
  readonly namespaceSource: NamespaceSource;
  /** The antrea-controller Deployment; undefined when the namespace has none. */
  readonly deployment?: k8s.Deployment;
  /** The controller's Pods (refused: a viewer may not list Pods). */
  readonly pods: Outcome<k8s.Pod[]>;
  /** The namespace's ConfigMaps labelled app=antrea, and the one the Deployment mounts if it is not among them. */
  readonly configMaps: readonly k8s.ConfigMap[];
  /** The TLS Secret the Deployment mounts (undefined: not found; refused: a viewer may not get it). */
  readonly tlsSecret: Outcome<k8s.Secret | undefined>;
  readonly apiServices: readonly k8s.ApiService[];
  readonly validatingWebhooks: readonly k8s.WebhookConfiguration[];
  readonly mutatingWebhooks: readonly k8s.WebhookConfiguration[];
  /** The CRDs labelled as CA consumers (the ones with conversion webhooks). */
  readonly crds: readonly k8s.CustomResourceDefinition[];
  /** AntreaControllerInfo under each of its API groups, current first. */
  readonly controllerInfos: readonly Outcome<ControllerInfoObject | undefined>[];
  /** The cert-manager Certificate the TLS Secret's annotation names, when it names one. */
  readonly certificate?: {
    readonly name: string;
    readonly object: Outcome<CertificateObject | undefined>;
  };
  // Named steps of the reader and the wider reads, each only when a command asks for it.
  /** What the controller serves, in user-provided mode (status: only when the Secret is refused). */
  readonly served?: ServedCertificate;
  /** The discovery probe of each APIService's group-version through the API server. */
  readonly probes?: readonly ProbeResult[];
  /** The IPsec objects (status: only when antrea-agent.conf selects IPsec). */
  readonly ipsec?: IpsecObjects;
  /** What audit reads of the whole cluster. */
  readonly security?: SecurityObjects;
  /** The rest of Antrea's key material, for status --all. */
  readonly keyMaterial?: KeyMaterial;
  /** verify: the Lease a change holds while it runs (undefined: none). */
  readonly changeLease?: Outcome<k8s.Lease | undefined>;
  /** The agents' AntreaAgentInfos, for status --all (audit has them in security). */
  readonly agentInfos?: Outcome<k8s.AntreaAgentInfo[]>;
  /** A change: the kube-system Namespace, whose UID names the cluster in a backup. */
  readonly kubeSystem?: Outcome<k8s.Namespace | undefined>;
}

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

/**
 * The IPsec objects, each read allowed to be refused or not served. The PSK itself is never kept:
 * the reader keeps only whether it is the default.
 */
export interface IpsecObjects {
  readonly pskSecret: Outcome<PskSecret>;
  /** The CA bundle of ConfigMap antrea-ipsec-ca (undefined: no such ConfigMap). */
  readonly caBundle: Outcome<string | undefined>;
  readonly requests: Outcome<SigningRequest[]>;
}

/** A Gatekeeper constraint with the kind (the template) it is of. */
export interface Constraint extends k8s.GatekeeperConstraint {
  readonly kind: string;
}

/** What Gatekeeper has: its template names, the constraints of the kinds asked for, and refusals. */
export interface Gatekeeper {
  readonly templates: string[];
  readonly constraints: Constraint[];
  /** The kinds whose constraints RBAC refused to list, with the refusal. */
  readonly refusedKinds: Readonly<Record<string, string>>;
}

/** Everything audit reads besides the installation and the IPsec objects. */
export interface SecurityObjects {
  readonly pods: Outcome<k8s.Pod[]>;
  readonly replicaSets: Outcome<k8s.ReplicaSet[]>;
  readonly namespaces: Outcome<k8s.Namespace[]>;
  readonly podSecurityPolicies: Outcome<k8s.PodSecurityPolicy[]>;
  readonly gatekeeper: Outcome<Gatekeeper>;
  readonly agentInfos: Outcome<k8s.AntreaAgentInfo[]>;
  /** The API server's version, e.g. v1.20.2 (undefined when /version does not say). */
  readonly kubernetesVersion?: string;
}

/** A certificate bundle found in an object, and where. */
export interface FoundBundle {
  readonly location: string;
  readonly pem: string;
  readonly managedBy?: string;
}

/** What status --all reads besides the installation, the IPsec objects and the agents. */
export interface KeyMaterial {
  /** How many memberlist keys the Secret holds (undefined: no such Secret). */
  readonly memberlistKeys: Outcome<number | undefined>;
  readonly flowAggregatorCa: Outcome<FoundBundle | undefined>;
  readonly flowAggregatorClient: Outcome<FoundBundle | undefined>;
  readonly flowAggregatorCaPair: Outcome<FoundBundle | undefined>;
  readonly multiclusterCas: Outcome<FoundBundle[]>;
}
