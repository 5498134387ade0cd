// What the plugin keeps of the controller's own objects: its Deployment, Pods
// and TLS Secret, read into plain facts.
import { Sensitive } from '../sensitive.ts';
import { CONTROLLER, TLS_KEYS, TLS_SECRET } from './names.ts';
import { decodeBase64 } from '../base64.ts';
import type * as k8s from '../kube/objects.ts';

/**
 * A controller Pod: whether it is ready, how often it restarted, and the last thing it said if it
 * is not.
 */
export interface ControllerPod {
  readonly name: string;
  readonly phase: string;
  readonly ready: boolean;
  readonly restarts: number;
  readonly deleting: boolean;
  /** Why it is not ready: a waiting reason, a termination message. */
  readonly reason?: string;
  readonly message?: string;
  /**
   * When the Pod started: the config file is mounted with subPath, so what a container reads is
   * fixed for the Pod's life and a container restart does not apply a new config.
   */
  readonly startedAt?: string;
}

/**
 * The controller Deployment: the image (a fallback for the version), the ConfigMap and Secret it
 * mounts, and how far its rollout is.
 */
export interface ControllerDeployment {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly image?: string;
  readonly configMapName: string;
  readonly secretName: string;
  /** The container port the controller serves its API on (named api; 10349 in every release). */
  readonly apiPort: number;
  readonly replicas: number;
  readonly readyReplicas: number;
  /** The rollout is complete: the controller observed the latest spec and every replica is updated and ready. */
  readonly rolledOut: boolean;
}

/**
 * The TLS Secret, decoded: the resourceVersion a write is conditioned on, the annotations that tell
 * who manages it, and its three keys.
 */
export interface TlsSecret {
  readonly name: string;
  readonly type: string;
  readonly resourceVersion: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: Sensitive;
  /** Its other keys, base64 as read (a backup puts them back as they were). */
  readonly otherData?: Readonly<Record<string, string>>;
}

/**
 * The Deployment as facts; the names the plugin expects stand in for what the object does not say.
 */
export function describeDeployment(d: k8s.Deployment): ControllerDeployment {
  const spec = d.spec?.template?.spec;
  const container =
    spec?.containers.find((c) => c.name === CONTROLLER.container) ?? spec?.containers[0];
  const volume = (name: string) => spec?.volumes?.find((v) => v.name === name);
  return {
    name: d.metadata?.name ?? CONTROLLER.deployment,
    labels: d.metadata?.labels ?? {},
    annotations: d.metadata?.annotations ?? {},
    ...(container?.image ? { image: container.image } : {}),
    configMapName: volume(CONTROLLER.configVolume)?.configMap?.name ?? 'antrea-config',
    secretName: volume(CONTROLLER.tlsVolume)?.secret?.secretName ?? TLS_SECRET,
    apiPort: container?.ports?.find((p) => p.name === 'api')?.containerPort ?? CONTROLLER.apiPort,
    replicas: d.spec?.replicas ?? 1,
    readyReplicas: d.status?.readyReplicas ?? 0,
    rolledOut:
      (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) &&
      (d.status?.updatedReplicas ?? 0) === (d.spec?.replicas ?? 1) &&
      (d.status?.readyReplicas ?? 0) === (d.spec?.replicas ?? 1) &&
      (d.status?.replicas ?? 0) === (d.spec?.replicas ?? 1),
  };
}

/**
 * A Pod as facts, with the reason it is not ready and the last line of its last termination
 * message.
 */
export function describePod(p: k8s.Pod): ControllerPod {
  const status =
    p.status?.containerStatuses?.find((s) => s.name === CONTROLLER.container) ??
    p.status?.containerStatuses?.[0];
  const ready =
    p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const waiting = status?.state?.waiting;
  const terminated = status?.lastState?.terminated;
  const reason = waiting?.reason ?? (ready ? undefined : 'NotReady');
  const message = terminated?.message ?? waiting?.message;
  const started = p.status?.startTime ?? p.metadata?.creationTimestamp;
  return {
    name: p.metadata?.name ?? '',
    phase: p.status?.phase ?? 'Unknown',
    ready,
    restarts: status?.restartCount ?? 0,
    deleting: Boolean(p.metadata?.deletionTimestamp),
    ...(reason ? { reason } : {}),
    ...(message && !ready ? { message: message.trim().split('\n').slice(-1)[0] } : {}),
    ...(started ? { startedAt: started } : {}),
  };
}

/**
 * The Secret as facts; tls.key is wrapped in Sensitive so that it never reaches a log or an output.
 */
export function describeSecret(s: k8s.Secret): TlsSecret {
  const data = s.data ?? {};
  const key = decodeBase64(data[TLS_KEYS.key]);
  const known: readonly string[] = Object.values(TLS_KEYS);
  const other = Object.entries(data).filter(([name]) => !known.includes(name));
  return {
    name: s.metadata?.name ?? TLS_SECRET,
    type: s.type ?? 'Opaque',
    resourceVersion: s.metadata?.resourceVersion ?? '',
    labels: s.metadata?.labels ?? {},
    annotations: s.metadata?.annotations ?? {},
    ...(data[TLS_KEYS.ca] ? { ca: decodeBase64(data[TLS_KEYS.ca]) } : {}),
    ...(data[TLS_KEYS.cert] ? { cert: decodeBase64(data[TLS_KEYS.cert]) } : {}),
    ...(key ? { key: new Sensitive(key) } : {}),
    ...(other.length ? { otherData: Object.fromEntries(other) } : {}),
  };
}
