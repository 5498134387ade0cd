// audit's checks of who can reach Antrea's files on the Nodes: the Pods whose
// hostPath volumes do, PodSecurityPolicies that allow it, and what stops a new
// Pod from doing so in each namespace that runs workloads.
import { ANTREA_RUN_DIR, OVSDB_FILE } from '../../antrea/host-files.ts';
import { APP_LABEL } from '../../antrea/names.ts';
import { valueOf } from '../../kube/outcome.ts';
import type { Gatekeeper, SecurityObjects } from '../../antrea/snapshot.ts';
import type * as k8s from '../../kube/objects.ts';
import type { Check } from '../check.ts';
import {
  GATEKEEPER_KINDS,
  PSA_ENFORCE_LABEL,
  PSP_ANNOTATION,
  allowsAntreaHostPath,
  guardOf,
  kubernetesMinor,
  type AdmissionContext,
  type NamespaceGuard,
} from './admission.ts';
import { notReadWarning, plural } from './common.ts';
import { hostPathPods, type HostPathPod, type ReachingVolume } from './host-paths.ts';

/** The checks, and the Pods and namespaces they are about (for -o json). */
export interface HostAccess {
  readonly checks: Check[];
  readonly hostPathPods: HostPathPod[];
  readonly namespaces: NamespaceGuard[];
}

/** hostPath Pods, PodSecurityPolicies and each namespace's guard. */
export function hostAccessChecks(
  security: SecurityObjects,
  antreaNamespace: string,
  trustedNamespaces: readonly string[],
): HostAccess {
  const checks: Check[] = [];
  const pods = valueOf(security.pods);
  const reaching = pods
    ? hostPathPods(pods, valueOf(security.replicaSets) ?? [], {
        antreaNamespace,
        antreaLabel: APP_LABEL,
        trustedNamespaces,
      })
    : [];
  if (pods) checks.push(...reachingPodChecks(reaching, pods.length));
  else checks.push(notReadWarning('Pods', 'hostPath volumes of Pods', security.pods));

  const psps = valueOf(security.podSecurityPolicies);
  const permissive = (psps ?? []).flatMap((psp) => {
    const allows = allowsAntreaHostPath(psp);
    return allows ? [{ name: psp.metadata?.name ?? '', allows }] : [];
  });
  if (psps) checks.push(...pspChecks(permissive, psps.length));
  else if ('refused' in security.podSecurityPolicies)
    checks.push(
      notReadWarning('PodSecurityPolicies', 'PodSecurityPolicies', security.podSecurityPolicies),
    );

  const gatekeeper = valueOf(security.gatekeeper);
  if ('refused' in security.gatekeeper)
    checks.push(notReadWarning('Gatekeeper', 'Gatekeeper constraints', security.gatekeeper));
  else if (gatekeeper) {
    checks.push(...gatekeeperChecks(gatekeeper));
    for (const [kind, reason] of Object.entries(gatekeeper.refusedKinds))
      checks.push(
        notReadWarning(`Gatekeeper/${kind}`, `Gatekeeper ${kind} constraints`, { refused: reason }),
      );
  }
  const admitted = (pods ?? []).some((p) => p.metadata?.annotations?.[PSP_ANNOTATION]);
  const context: AdmissionContext = {
    kubernetesMinor: kubernetesMinor(security.kubernetesVersion),
    constraints: gatekeeper?.constraints ?? [],
    ...(psps?.length && admitted && !permissive.length
      ? { podSecurityPolicy: `PodSecurityPolicy (admission is on: Pods carry ${PSP_ANNOTATION})` }
      : {}),
  };
  const skip = new Set([antreaNamespace, ...trustedNamespaces]);
  const namespaces = pods ? namespaceGuards(pods, security, skip, context) : [];
  if (pods && !valueOf(security.namespaces))
    checks.push(
      notReadWarning('Namespaces', 'Pod Security labels of namespaces', security.namespaces),
    );
  const hasTemplate = gatekeeper?.templates.includes(HOST_FILESYSTEM_TEMPLATE) ?? false;
  checks.push(...namespaces.map((guard) => admissionCheck(guard, hasTemplate)));
  return { checks, hostPathPods: reaching, namespaces };
}

function reachingPodChecks(reaching: readonly HostPathPod[], podCount: number): Check[] {
  const checks = reaching.filter((p) => !p.trust).map(hostPathCheck);
  if (!checks.length)
    checks.push({
      id: 'host-path',
      status: 'pass',
      message:
        `no Pod outside Antrea's own reaches ${ANTREA_RUN_DIR} through a hostPath volume ` +
        `(${plural(podCount, 'Pod')} read)`,
    });
  const own = reaching.filter((p) => p.trust === 'antrea');
  if (own.length)
    checks.push({
      id: 'host-path-antrea',
      status: 'pass',
      message: `Antrea's own Pods (${own.length}) mount ${ANTREA_RUN_DIR}, as they must`,
    });
  const trusted = reaching.filter((p) => p.trust === 'trusted-namespace');
  if (trusted.length)
    checks.push({
      id: 'host-path-trusted',
      status: 'pass',
      message:
        `${plural(trusted.length, 'Pod')} of trusted namespaces reach ${ANTREA_RUN_DIR}: ` +
        trusted.map((p) => `${p.namespace}/${p.pod}`).join(', '),
    });
  return checks;
}

const pathsOf = (volumes: readonly ReachingVolume[]) =>
  volumes
    .map((v) => `${v.path}${v.reach === 'inside' ? ` (inside ${ANTREA_RUN_DIR})` : ''}`)
    .join(', ');

/**
 * A Pod outside Antrea's that reaches its files: fail when a container mounts them read-write,
 * warn read-only, and warn apart when the volume is only declared (an ephemeral container could
 * still mount it).
 */
function hostPathCheck(pod: HostPathPod): Check {
  const id = `host-path:${pod.namespace}/${pod.pod}`;
  const who = `Pod ${pod.namespace}/${pod.pod} (${pod.owner})`;
  const hint =
    `move the volume outside ${ANTREA_RUN_DIR}, or if you trust this workload, ` +
    `pass --trust-namespace ${pod.namespace}`;
  const mounted = pod.volumes.filter((v) => v.mounted);
  const declared = pod.volumes.filter((v) => !v.mounted);
  if (!mounted.length)
    return {
      id,
      status: 'warn',
      message:
        `${who} declares hostPath ${pathsOf(declared)} but no container mounts it: it reaches ` +
        "nothing of Antrea's now, though an ephemeral container (kubectl debug) could mount it",
      hint: `drop the volume, or ${hint}`,
    };
  const writable = mounted.some((v) => !v.readOnly);
  const all = mounted.some((v) => v.reach === 'covers');
  const alsoDeclared = declared.length
    ? `; it also declares ${pathsOf(declared)} without mounting it`
    : '';
  return {
    id,
    status: writable ? 'fail' : 'warn',
    message:
      `${who} mounts hostPath ${pathsOf(mounted)} ` +
      `${writable ? 'read-write' : 'read-only'}${pod.privileged ? ', privileged' : ''}: ` +
      `it can ${writable ? 'read and change' : 'read'} ${all ? OVSDB_FILE : "some of Antrea's files"}` +
      alsoDeclared,
    hint,
  };
}

function pspChecks(permissive: readonly { name: string; allows: string }[], count: number) {
  const checks: Check[] = permissive.map((psp) => ({
    id: `psp:${psp.name}`,
    status: 'warn',
    message: `PodSecurityPolicy ${psp.name} allows hostPath volumes on ${psp.allows}, ${ANTREA_RUN_DIR} included`,
    hint: `limit its allowedHostPaths to paths outside ${ANTREA_RUN_DIR}, or drop hostPath from its volumes`,
  }));
  if (!checks.length)
    checks.push({
      id: 'psp',
      status: 'pass',
      message: `no PodSecurityPolicy allows a hostPath to ${ANTREA_RUN_DIR} (${plural(count, 'policy', 'policies')})`,
    });
  return checks;
}

/** The namespaces that run Pods, less Antrea's and the trusted ones, with what guards each. */
function namespaceGuards(
  pods: readonly k8s.Pod[],
  security: SecurityObjects,
  skip: ReadonlySet<string>,
  context: AdmissionContext,
): NamespaceGuard[] {
  const running = [...new Set(pods.map((p) => p.metadata?.namespace ?? ''))]
    .filter((n) => n && !skip.has(n))
    .sort();
  const known = new Map(
    (valueOf(security.namespaces) ?? []).map((n) => [n.metadata?.name ?? '', n]),
  );
  return running.map((name) => guardOf(known.get(name) ?? { metadata: { name } }, context));
}

function admissionCheck(guard: NamespaceGuard, hasTemplate: boolean): Check {
  const id = `admission:${guard.namespace}`;
  if (guard.guardedBy)
    return {
      id,
      status: 'pass',
      message: `namespace ${guard.namespace}: ${guard.guardedBy} forbids hostPath volumes`,
    };
  const why = guard.notGuarding.length ? ` (${guard.notGuarding.join('; ')})` : '';
  return {
    id,
    status: 'warn',
    message:
      `nothing stops a new Pod in namespace ${guard.namespace} ` +
      `from mounting ${ANTREA_RUN_DIR} from the host${why}`,
    hint:
      `label it ${PSA_ENFORCE_LABEL}=baseline (Kubernetes 1.23+), or ` +
      (hasTemplate
        ? 'match it with a K8sPSPHostFilesystem constraint in deny'
        : `install gatekeeper-library's ${HOST_FILESYSTEM_TEMPLATE} and constrain it`),
  };
}

/** gatekeeper-library's template that limits hostPath volumes. */
const HOST_FILESYSTEM_TEMPLATE = 'k8spsphostfilesystem';

/** Which of the templates that can forbid hostPath are installed, and the constraints of each. */
function gatekeeperChecks(gatekeeper: Gatekeeper): Check[] {
  const installed = GATEKEEPER_KINDS.filter((kind) =>
    gatekeeper.templates.includes(kind.toLowerCase()),
  );
  return installed.map((kind) => {
    const constraints = gatekeeper.constraints.filter((c) => c.kind === kind);
    const described = constraints.map((c) => {
      const match = c.spec?.match?.namespaces;
      return `${c.metadata?.name ?? ''} (${c.spec?.enforcementAction ?? 'deny'}, ${
        match?.length ? `namespaces ${match.join(', ')}` : 'every namespace'
      })`;
    });
    const id = `gatekeeper:${kind.toLowerCase()}`;
    if (!described.length && !(kind in gatekeeper.refusedKinds))
      return {
        id,
        status: 'warn' as const,
        message: `Gatekeeper template ${kind.toLowerCase()} is installed but no constraint uses it`,
        hint: `create a ${kind} constraint in deny for the namespaces tenants use`,
      };
    return {
      id,
      status: 'pass' as const,
      message:
        `Gatekeeper template ${kind.toLowerCase()} is installed; ` +
        `constraints: ${described.join(', ') || 'not read'}`,
    };
  });
}
