// verify's check of who else writes the CA copies: a GitOps tool that owns a
// caBundle or antrea-ca's ca.crt reverts what antrea-controller publishes.
import { CA_CONFIGMAP } from '../../antrea/names.ts';
import { CONTROLLER_FIELD_MANAGER, argoIgnoreDifferences } from '../../antrea/gitops.ts';
import type { Installation } from '../../antrea/installation.ts';
import { PLUGIN_FIELD_MANAGER } from '../../kube/field-owners.ts';
import type { Check } from '../check.ts';

/** The managers of a field that are neither antrea-controller nor this plugin. */
const foreignOwners = (owners: readonly string[] | undefined) =>
  [...new Set(owners ?? [])].filter(
    (o) => o !== CONTROLLER_FIELD_MANAGER && o !== PLUGIN_FIELD_MANAGER,
  );

/**
 * A warning for each object whose CA copy another field manager owns (Argo CD, kapp, Flux...), with
 * Argo CD's ignoreDifferences for all of them under the first.
 */
export function fieldOwnerChecks(inst: Installation): Check[] {
  const found = new Map<string, { kind: string; owners: Set<string> }>();
  for (const c of inst.consumers) {
    const owners = foreignOwners(c.caBundleOwners);
    if (!owners.length) continue;
    const object = `${c.kind}/${c.name}`;
    const entry = found.get(object) ?? { kind: c.kind, owners: new Set<string>() };
    owners.forEach((o) => entry.owners.add(o));
    found.set(object, entry);
  }
  const caOwners = foreignOwners(inst.caConfigMap?.owners);
  if (caOwners.length)
    found.set(`ConfigMap/${CA_CONFIGMAP}`, { kind: 'ConfigMap', owners: new Set(caOwners) });
  const snippet = argoIgnoreDifferences([...found.values()].map((f) => f.kind));
  return [...found].map(([object, { owners }], i) => ({
    id: `field-owner:${object}`,
    status: 'warn' as const,
    message:
      `${object === `ConfigMap/${CA_CONFIGMAP}` ? `ca.crt of ${object}` : `the caBundle of ${object}`} ` +
      `is also owned by ${[...owners].join(', ')}: a tool that syncs it reverts the CA antrea-controller publishes`,
    hint: `make ${[...owners].join(', ')} ignore the field (README: GitOps; Argo CD below)`,
    object,
    ...(i === 0 ? { detail: snippet } : {}),
  }));
}
