// The Pods whose hostPath volumes reach Antrea's files on the Node, with who
// owns them and what they can do there. Pure: built from the Pods read.
import { reachOf, type Reach } from '../../antrea/host-files.ts';
import type * as k8s from '../../kube/objects.ts';

/** A hostPath volume that reaches /var/run/antrea. */
export interface ReachingVolume {
  readonly name: string;
  readonly path: string;
  readonly reach: Reach;
  /** A container mounts it (a volume only declared reaches nothing until one does). */
  readonly mounted: boolean;
  /** Every container mounts it read-only (or none mounts it). */
  readonly readOnly: boolean;
}

/** Why a Pod is listed apart: Antrea's own, or in a namespace trusted with --trust-namespace. */
export type Trust = 'antrea' | 'trusted-namespace';

/** A Pod that reaches Antrea's files through a hostPath volume. */
export interface HostPathPod {
  readonly namespace: string;
  readonly pod: string;
  /** Its controller, e.g. Deployment/x or DaemonSet/y; Pod/name for a bare Pod. */
  readonly owner: string;
  readonly volumes: ReachingVolume[];
  readonly privileged: boolean;
  readonly trust?: Trust;
}

/** Which Pods are listed apart: Antrea's own (its namespace and label) and trusted namespaces. */
export interface TrustRules {
  readonly antreaNamespace: string;
  readonly antreaLabel: readonly [key: string, value: string];
  readonly trustedNamespaces: readonly string[];
}

const controllerOf = (meta: { ownerReferences?: k8s.OwnerReference[] } | undefined) =>
  meta?.ownerReferences?.find((o) => o.controller) ?? meta?.ownerReferences?.[0];

/** A Pod's owner, through its ReplicaSet to the Deployment when there is one. */
function ownerOf(pod: k8s.Pod, replicaSets: ReadonlyMap<string, k8s.ReplicaSet>): string {
  const owner = controllerOf(pod.metadata);
  if (!owner) return `Pod/${pod.metadata?.name ?? ''}`;
  if (owner.kind === 'ReplicaSet') {
    const set = replicaSets.get(`${pod.metadata?.namespace ?? ''}/${owner.name}`);
    const deployment = controllerOf(set?.metadata);
    if (deployment?.kind === 'Deployment') return `Deployment/${deployment.name}`;
  }
  return `${owner.kind}/${owner.name}`;
}

/** Every Pod one of whose hostPath volumes reaches Antrea's files, Antrea's own included. */
export function hostPathPods(
  pods: readonly k8s.Pod[],
  replicaSets: readonly k8s.ReplicaSet[],
  rules: TrustRules,
): HostPathPod[] {
  const sets = new Map(
    replicaSets.map((s) => [`${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`, s]),
  );
  const found: HostPathPod[] = [];
  for (const pod of pods) {
    const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
    const volumes = (pod.spec?.volumes ?? []).flatMap((volume): ReachingVolume[] => {
      const path = volume.hostPath?.path;
      const reach = path === undefined ? undefined : reachOf(path);
      if (path === undefined || !reach) return [];
      const mounts = containers.flatMap((c) =>
        (c.volumeMounts ?? []).filter((m) => m.name === volume.name),
      );
      return [
        {
          name: volume.name,
          path,
          reach,
          mounted: mounts.length > 0,
          readOnly: mounts.every((m) => m.readOnly),
        },
      ];
    });
    if (!volumes.length) continue;
    const namespace = pod.metadata?.namespace ?? '';
    const [key, value] = rules.antreaLabel;
    const trust: Trust | undefined =
      namespace === rules.antreaNamespace && pod.metadata?.labels?.[key] === value
        ? 'antrea'
        : rules.trustedNamespaces.includes(namespace)
          ? 'trusted-namespace'
          : undefined;
    found.push({
      namespace,
      pod: pod.metadata?.name ?? '',
      owner: ownerOf(pod, sets),
      volumes,
      privileged: containers.some((c) => c.securityContext?.privileged === true),
      ...(trust ? { trust } : {}),
    });
  }
  return found;
}
