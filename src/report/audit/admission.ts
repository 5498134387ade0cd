// What stops a new Pod of a namespace from mounting Antrea's files from the
// host: Pod Security Admission, a Gatekeeper constraint, or PodSecurityPolicy.
// Pure: built from the objects the cluster layer read.
import { reachOf } from '../../antrea/host-files.ts';
import type { Constraint } from '../../antrea/snapshot.ts';
import type * as k8s from '../../kube/objects.ts';

/** The label by which Pod Security Admission enforces a level on a namespace. */
export const PSA_ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';
/** Both levels forbid hostPath volumes. */
const PSA_GUARDING_LEVELS = ['baseline', 'restricted'];
/** Pod Security Admission is on by default from Kubernetes 1.23. */
const PSA_FIRST_MINOR = 23;

export { GATEKEEPER_KINDS } from '../../antrea/host-files.ts';

/** The annotation PodSecurityPolicy admission puts on every Pod it admits. */
export const PSP_ANNOTATION = 'kubernetes.io/psp';

/** A policy in words: what it is and whether it stops a hostPath to /var/run/antrea. */
export interface Policy {
  readonly name: string;
  readonly guards: boolean;
  /** Why it does not guard (it allows the path, it only warns, it is inert). */
  readonly why?: string;
}

/** A namespace that runs workloads, and what (if anything) stops a hostPath Pod there. */
export interface NamespaceGuard {
  readonly namespace: string;
  /** What stops it, e.g. "Pod Security Admission (baseline)"; absent when nothing does. */
  readonly guardedBy?: string;
  /** Policies that apply but do not stop it, with why. */
  readonly notGuarding: string[];
}

/** The minor version of a gitVersion like v1.20.2; undefined when it is not one. */
export function kubernetesMinor(version: string | undefined): number | undefined {
  const match = /^v?1\.(\d+)/.exec(version ?? '');
  return match ? Number(match[1]) : undefined;
}

/** A Gatekeeper namespace pattern: a name, `prefix*` or `*suffix`. */
function fits(pattern: string, namespace: string): boolean {
  if (pattern.endsWith('*')) return namespace.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return namespace.endsWith(pattern.slice(1));
  return pattern === namespace;
}

/** The label that exempts a namespace from every Gatekeeper constraint. */
const GATEKEEPER_IGNORE_LABEL = 'admission.gatekeeper.sh/ignore';

/** Does a constraint's match (namespaces, excludedNamespaces) name this namespace? */
function matches(constraint: Constraint, namespace: k8s.Namespace): boolean {
  const name = namespace.metadata?.name ?? '';
  if (namespace.metadata?.labels?.[GATEKEEPER_IGNORE_LABEL] !== undefined) return false;
  const match = constraint.spec?.match ?? {};
  if (match.namespaces?.length && !match.namespaces.some((p) => fits(p, name))) return false;
  return !match.excludedNamespaces?.some((p) => fits(p, name));
}

/**
 * Why a constraint that names the namespace may still let a hostPath Pod in: it does not match
 * Pods, only some Pods (labelSelector), or a namespaceSelector that leaves this namespace out or
 * cannot be read here (matchExpressions). Undefined when it takes every Pod of the namespace.
 */
function partialMatch(constraint: Constraint, namespace: k8s.Namespace): string | undefined {
  const match = constraint.spec?.match ?? {};
  // An empty or absent list of kinds or of API groups matches any, as Gatekeeper reads it.
  const any = (list: readonly string[] | undefined, ...wanted: string[]) =>
    !list?.length || list.some((x) => x === '*' || wanted.includes(x));
  const kinds = match.kinds;
  const takesPods = kinds?.some((k) => any(k.kinds, 'Pod') && any(k.apiGroups, ''));
  if (kinds?.length && !takesPods) return 'it does not match Pods';
  if (match.labelSelector) return 'its labelSelector takes only some Pods';
  const selector = match.namespaceSelector;
  if (!selector) return undefined;
  if (selector.matchExpressions?.length) return 'its namespaceSelector uses matchExpressions';
  const labels = namespace.metadata?.labels ?? {};
  const unmatched = Object.entries(selector.matchLabels ?? {}).some(([k, v]) => labels[k] !== v);
  return unmatched ? 'its namespaceSelector leaves this namespace out' : undefined;
}

const allowedPathReaches = (paths: readonly { pathPrefix?: string }[] | undefined) =>
  paths?.find((p) => p.pathPrefix !== undefined && reachOf(p.pathPrefix) !== undefined);

/** Whether a Gatekeeper constraint stops a hostPath to /var/run/antrea, and if not, why. */
export function constraintPolicy(constraint: Constraint): Policy {
  const name = `Gatekeeper ${constraint.kind} ${constraint.metadata?.name ?? ''}`;
  const action = constraint.spec?.enforcementAction ?? 'deny';
  if (action !== 'deny') return { name, guards: false, why: `its enforcementAction is ${action}` };
  const parameters = constraint.spec?.parameters ?? {};
  if (constraint.kind === 'K8sPSPVolumeTypes') {
    const allowed = parameters.volumes ?? [];
    return allowed.includes('hostPath') || allowed.includes('*')
      ? { name, guards: false, why: 'it allows hostPath volumes' }
      : { name, guards: true };
  }
  const reaching = allowedPathReaches(parameters.allowedHostPaths);
  return reaching
    ? { name, guards: false, why: `it allows hostPath ${reaching.pathPrefix ?? ''}` }
    : { name, guards: true };
}

/** Whether a PodSecurityPolicy would admit a hostPath to /var/run/antrea. */
export function allowsAntreaHostPath(psp: k8s.PodSecurityPolicy): string | undefined {
  const volumes = psp.spec?.volumes ?? [];
  if (!volumes.includes('hostPath') && !volumes.includes('*')) return undefined;
  const paths = psp.spec?.allowedHostPaths ?? [];
  if (paths.length === 0) return 'any host path';
  const reaching = allowedPathReaches(paths);
  return reaching ? `host path ${reaching.pathPrefix ?? ''}` : undefined;
}

/** What the cluster-wide policies are, for the namespaces' verdicts. */
export interface AdmissionContext {
  readonly kubernetesMinor?: number;
  readonly constraints: readonly Constraint[];
  /**
   * PodSecurityPolicy as a guard: admission is evidently on (a Pod carries its annotation) and no
   * policy allows the path; undefined when PodSecurityPolicy is not a guard.
   */
  readonly podSecurityPolicy?: string;
}

/** What stops a hostPath Pod in one namespace. */
export function guardOf(namespace: k8s.Namespace, context: AdmissionContext): NamespaceGuard {
  const name = namespace.metadata?.name ?? '';
  const notGuarding: string[] = [];
  const guards: string[] = [];
  const level = namespace.metadata?.labels?.[PSA_ENFORCE_LABEL];
  if (level) {
    const psa = `Pod Security Admission (${level})`;
    if (!PSA_GUARDING_LEVELS.includes(level))
      notGuarding.push(`${psa}: it allows hostPath volumes`);
    else if (context.kubernetesMinor !== undefined && context.kubernetesMinor < PSA_FIRST_MINOR)
      notGuarding.push(`${psa}: the label does nothing before Kubernetes 1.${PSA_FIRST_MINOR}`);
    else guards.push(psa);
  }
  if (
    context.constraints.length &&
    namespace.metadata?.labels?.[GATEKEEPER_IGNORE_LABEL] !== undefined
  )
    notGuarding.push(`Gatekeeper: the namespace is exempt (${GATEKEEPER_IGNORE_LABEL})`);
  for (const constraint of context.constraints.filter((c) => matches(c, namespace))) {
    const policy = constraintPolicy(constraint);
    const partial = partialMatch(constraint, namespace);
    if (policy.guards && !partial) guards.push(policy.name);
    else notGuarding.push(`${policy.name}: ${partial ?? policy.why ?? ''}`);
  }
  if (context.podSecurityPolicy) guards.push(context.podSecurityPolicy);
  return {
    namespace: name,
    ...(guards.length ? { guardedBy: guards.join(', ') } : {}),
    notGuarding,
  };
}
