// verify's checks of the published CA: antrea-ca holds one, and every
// APIService, webhook and CRD conversion carries it in its caBundle.
import { CA_CONFIGMAP, CONTROLLER } from '../../antrea/names.ts';
import type { Certificate } from '../../certs/certificate.ts';
import type { Installation } from '../../antrea/installation.ts';
import type { ConsumerReport } from '../status.ts';
import { check, type Check } from '../check.ts';

/** The command that makes the controller publish its CA again. */
export const restartHint = (ns: string) =>
  `restart the controller to re-publish: kubectl -n ${ns} rollout restart deployment/${CONTROLLER.deployment}`;

/** ca-published: antrea-ca exists and holds a CA that parses. */
export function publishedCaCheck(
  inst: Installation,
  published: { readonly certs: readonly Certificate[]; readonly error?: string },
): Check {
  const object = `ConfigMap/${CA_CONFIGMAP}`;
  const hint = restartHint(inst.namespace);
  if (!inst.caConfigMap)
    return check('ca-published', 'fail', `ConfigMap ${CA_CONFIGMAP} does not exist`, hint, object);
  if (published.error)
    return check(
      'ca-published',
      'fail',
      `ConfigMap ${CA_CONFIGMAP} does not hold a usable CA: ${published.error}`,
      hint,
      object,
    );
  const n = published.certs.length;
  return check(
    'ca-published',
    'pass',
    `ConfigMap ${CA_CONFIGMAP} holds ${n} certificate${n === 1 ? '' : 's'}`,
  );
}

/**
 * ca-bundle: one check per consumer object that its caBundles carry the published CA; a warning
 * when there is no CA to compare with, a failure when nothing points at the controller.
 */
export function caBundleChecks(
  consumers: readonly ConsumerReport[],
  published: readonly Certificate[],
  ns: string,
): Check[] {
  const checks: Check[] = [];
  if (published.length) checks.push(...consumerChecks(consumers, ns));
  else if (consumers.length)
    checks.push(
      check(
        'ca-bundles',
        'warn',
        `${consumers.length} CA consumers not compared: there is no CA in ${CA_CONFIGMAP} to compare with`,
      ),
    );
  if (consumers.length === 0)
    checks.push(
      check(
        'ca-bundles',
        'fail',
        `no APIService, webhook or CRD conversion points at Service antrea in ${ns}`,
        'the Antrea manifest may be incomplete; re-apply it',
      ),
    );
  return checks;
}

function consumerChecks(consumers: readonly ConsumerReport[], ns: string): Check[] {
  const groups = new Map<string, ConsumerReport[]>();
  for (const c of consumers)
    groups.set(`${c.kind}/${c.name}`, [...(groups.get(`${c.kind}/${c.name}`) ?? []), c]);
  const hint =
    'the controller re-publishes on every CA change (v2: also every 2 minutes); ' +
    `if it keeps differing, a GitOps tool may be reverting caBundle. Otherwise ${restartHint(ns)}`;
  return [...groups].map(([object, entries]) => {
    const bad = entries.filter((e) => !e.caBundleMatches);
    if (bad.length === 0) {
      return {
        id: `ca-bundle:${object}`,
        status: 'pass' as const,
        message:
          `${object} carries the CA of ${CA_CONFIGMAP}` +
          (entries.length > 1 ? ` (${entries.length} webhooks)` : ''),
        object,
      };
    }
    const what = bad
      .map((e) => `${e.webhook ? `webhook ${e.webhook}: ` : ''}${describeState(e.caBundleState)}`)
      .join('; ');
    const id = `ca-bundle:${object}`;
    return { id, status: 'fail' as const, message: `${object}: ${what}`, hint, object };
  });
}

const describeState = (state: ConsumerReport['caBundleState']) =>
  ({
    empty: 'caBundle is empty',
    unparsable: 'caBundle does not parse',
    different: `caBundle differs from ${CA_CONFIGMAP}`,
    matches: 'matches',
  })[state];
