// The record of a change in the cluster, for the next admin: an Event on the
// antrea-controller Deployment (kubectl get events, kubectl describe), kept an
// hour by default, and an annotation on the Deployment that outlives it, which
// status shows as the last change. A user who may not write them still
// changes, with one warning.
import type { CommandContext } from '../framework/context.ts';
import type { Client } from '../kube/client.ts';
import { annotateDeployment } from '../kube/writes.ts';
import type * as k8s from '../kube/objects.ts';
import type { Installation } from '../antrea/installation.ts';
import { LAST_CHANGE_ANNOTATION, changeEventOf, type LastChange } from '../antrea/change-lease.ts';
import { modeOf } from '../antrea/mode.ts';
import { servingChain } from '../antrea/serving.ts';
import { messageOf } from '../errors.ts';
import { readInstallation } from '../read/snapshot.ts';

/** What a change did, as its record says it. */
export interface ChangeFacts {
  readonly command: string;
  readonly outcome: string;
  /** The Lease holder: user@host pid N (kubectl antrea-certs …). */
  readonly holder: string;
  readonly backup: string | null;
  readonly before: Installation;
  readonly after?: Installation;
}

const COMPONENT = 'kubectl-antrea-certs';

const servingSha = (inst: Installation | undefined) =>
  inst ? servingChain(inst, modeOf(inst))?.certs[0]?.info.sha256 : undefined;

/** The Event and the annotation of a change that wrote something. */
export async function recordChange(
  ctx: CommandContext,
  client: Client,
  facts: ChangeFacts,
): Promise<void> {
  const { reason, type } = changeEventOf(facts.command, facts.outcome);
  const by = facts.holder.split(' pid ')[0] ?? facts.holder;
  // A change that failed has no closing read: what it left is read once more (best effort).
  const after =
    facts.after ?? (await readInstallation(client, facts.before.namespace).catch(() => undefined));
  const [from, to] = [servingSha(facts.before), servingSha(after)];
  const last: LastChange = {
    at: new Date().toISOString(),
    command: facts.command,
    reason,
    by,
    outcome: facts.outcome,
    ...(facts.backup ? { backup: facts.backup } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
  const namespace = facts.before.namespace;
  const deployment = facts.before.deployment.name;
  const createEvent = async () =>
    client.events(namespace).create(eventOf(last, type, namespace, deployment), 'none');
  const results = await Promise.allSettled([
    createEvent(),
    annotateDeployment(client, namespace, deployment, {
      key: LAST_CHANGE_ANNOTATION,
      value: JSON.stringify(last),
    }),
  ]);
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [messageOf(r.reason)] : []));
  if (failed.length)
    ctx.note(
      `Warning: the change is not recorded in the cluster (${failed.join('; ')}); with create on ` +
        'events and update on deployments (docs/rbac.md) the next admin sees it.',
    );
}

function eventOf(
  last: LastChange,
  type: 'Normal' | 'Warning',
  namespace: string,
  deployment: string,
): k8s.Event {
  const short = (sha: string | undefined) => (sha ? sha.slice(0, 16) : 'unknown');
  const message =
    `kubectl antrea-certs ${last.command} by ${last.by}: ${last.outcome}; serving certificate ` +
    `${short(last.from)} -> ${short(last.to)}` +
    (last.backup ? `; backup ${last.backup}` : '; no backup');
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { generateName: `${deployment}.`, namespace },
    involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment, namespace },
    reason: last.reason,
    message,
    type,
    source: { component: COMPONENT },
    reportingComponent: COMPONENT,
    reportingInstance: last.by,
    firstTimestamp: last.at,
    lastTimestamp: last.at,
    count: 1,
  };
}
