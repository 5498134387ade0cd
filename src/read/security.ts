// audit's read round: every Pod and ReplicaSet, the namespaces, the admission
// policies that may forbid hostPath volumes, the agents' AntreaAgentInfos and
// the Kubernetes version, in parallel; each read may be refused or not served.
import type { Client } from '../kube/client.ts';
import { AGENT_INFO } from '../antrea/names.ts';
import { attempt } from '../kube/attempt.ts';
import type { Outcome } from '../kube/outcome.ts';
import type { SecurityObjects } from '../antrea/snapshot.ts';
import type * as k8s from '../kube/objects.ts';

const TEMPLATES = {
  group: 'templates.gatekeeper.sh',
  version: 'v1',
  plural: 'constrainttemplates',
};
const constraintKind = (kind: string) => ({
  group: 'constraints.gatekeeper.sh',
  version: 'v1beta1',
  plural: kind.toLowerCase(),
});

const items = <T>(outcome: Outcome<k8s.List<T>>): Outcome<T[]> =>
  'value' in outcome ? { value: outcome.value.items } : outcome;

/** Reads it all in one parallel round; `constraintKinds` are the Gatekeeper kinds to list. */
export async function readSecurityObjects(
  client: Client,
  constraintKinds: readonly string[],
): Promise<SecurityObjects> {
  const [pods, replicaSets, namespaces, psps, templates, agentInfos, version, ...constraints] =
    await Promise.all([
      attempt(client.pods().list()),
      attempt(client.replicaSets().list()),
      attempt(client.namespaces().list()),
      attempt(client.podSecurityPolicies().list()),
      attempt(client.custom<k8s.KubeObject>(TEMPLATES).list()),
      attempt(client.custom<k8s.AntreaAgentInfo>(AGENT_INFO).list()),
      client.getRaw('/version').catch(() => undefined),
      ...constraintKinds.map((kind) =>
        attempt(client.custom<k8s.GatekeeperConstraint>(constraintKind(kind)).list()),
      ),
    ]);
  return {
    pods: items(pods),
    replicaSets: items(replicaSets),
    namespaces: items(namespaces),
    podSecurityPolicies: items(psps),
    gatekeeper:
      'value' in templates
        ? {
            value: {
              templates: templates.value.items.map((t) => t.metadata?.name ?? ''),
              constraints: constraintKinds.flatMap((kind, i) => {
                const read = constraints[i];
                return read && 'value' in read ? read.value.items.map((c) => ({ ...c, kind })) : [];
              }),
              refusedKinds: Object.fromEntries(
                constraintKinds.flatMap((kind, i) => {
                  const read = constraints[i];
                  return read && 'refused' in read ? [[kind, read.refused]] : [];
                }),
              ),
            },
          }
        : templates,
    agentInfos: items(agentInfos),
    ...versionOf(version?.status === 200 ? version.body : undefined),
  };
}

function versionOf(body: string | undefined): { kubernetesVersion?: string } {
  try {
    const gitVersion = (JSON.parse(body ?? '{}') as { gitVersion?: unknown }).gitVersion;
    return typeof gitVersion === 'string' ? { kubernetesVersion: gitVersion } : {};
  } catch {
    return {};
  }
}
