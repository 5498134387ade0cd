// What a change left half done: a config written after the controller
// started (it still runs with the old one), an antrea-ca that publishes no CA,
// and the Lease of a run that is gone. Each fails verify with the command that
// completes or undoes the change; none adds a line when all is well.
import type { Installation } from '../../antrea/installation.ts';
import { CA_CONFIGMAP, CONTROLLER } from '../../antrea/names.ts';
import { PLUGIN_FIELD_MANAGER } from '../../kube/field-owners.ts';
import { liveHolder } from '../../kube/lease-holder.ts';
import { undoBackupOf } from '../../antrea/change-lease.ts';
import { sameCertificates, type Certificate } from '../../certs/certificate.ts';
import { tryParse } from '../../certs/try-parse.ts';
import { modeOf, type Mode } from '../../antrea/mode.ts';
import type { Check } from '../check.ts';

/** The checks of a half-applied change, from one read of the installation. */
export function unfinishedChecks(
  inst: Installation,
  published: readonly Certificate[],
  now: Date,
): Check[] {
  return [
    ...configNotRunning(inst, published),
    ...servedNotSecret(inst),
    ...publishedWithoutCa(published),
    ...leftLease(inst, now),
  ];
}

/**
 * The plugin wrote antrea-controller.conf after every ready controller Pod started, and antrea-ca
 * publishes what the other mode serves: the controller runs with the configuration from before.
 * (A write alone proves nothing: a change that failed puts the old text back.)
 */
function configNotRunning(inst: Installation, published: readonly Certificate[]): Check[] {
  const written = switchWritten(inst, published);
  // Without the Secret antrea-ca cannot tell the mode, but a controller started on the configured
  // mode would have made it (self-signed) or could not run (user-provided).
  const secretGone = !inst.tlsSecret && !inst.refusedDetails?.includes('Secret');
  if (!written || (!written.runs && !secretGone)) return [];
  const { last, pod, configured, runs } = written;
  const shows = runs
    ? `${CA_CONFIGMAP} publishes what ${runs} mode serves`
    : `Secret ${inst.deployment.secretName} does not exist`;
  return [
    {
      id: 'config-running',
      status: 'fail',
      message:
        `${CONTROLLER.configKey} says ${configured} (written at ${last.time ?? ''}, not before ` +
        `controller Pod ${pod.name} started at ${pod.startedAt ?? ''}), but ${shows}: the controller still ` +
        'runs with the configuration from before',
      hint:
        'a kubectl antrea-certs change stopped before its restart: run the same command again to ' +
        'complete it (or restore its backup), or restart the controller: ' +
        `kubectl -n ${inst.namespace} rollout restart deployment/${CONTROLLER.deployment}`,
      object: `ConfigMap/${inst.config?.name ?? ''}`,
    },
  ];
}

/**
 * Whether a change of mode was written but the controller was not restarted on it: antrea-ca
 * publishes what the other mode serves, or the plugin wrote the config after the running Pod
 * started and antrea-ca cannot tell (the Secret being gone).
 */
export const switchNotApplied = (inst: Installation, published: readonly Certificate[]) =>
  runsOtherMode(inst, published) !== undefined || switchWritten(inst, published) !== undefined;

/** The latest write of antrea-controller.conf that managedFields dates: its manager and time. */
export const lastConfigWrite = (inst: Installation) =>
  (inst.config?.writes ?? [])
    .filter((w) => w.time)
    .sort((a, b) => Date.parse(a.time ?? '') - Date.parse(b.time ?? ''))
    .at(-1);

/**
 * The mode antrea-ca shows the controller serving, when it is not the configured one: a switch
 * written without its restart, or a restart that has not published yet. Unlike switchNotApplied it
 * needs no write time: before Kubernetes 1.25 a manager's managedFields time stays that of its
 * first write of a field, however often it changes the value.
 */
export function runsOtherMode(
  inst: Installation,
  published: readonly Certificate[],
): { configured: Mode; runs: Mode } | undefined {
  const configured = modeOf(inst).mode;
  const runs = modeServed(inst, published);
  return runs && runs !== configured ? { configured, runs } : undefined;
}

/**
 * The plugin's own write of antrea-controller.conf after every ready controller Pod started
 * (another manager's write may not touch the controller's key), when antrea-ca does not show the
 * configured mode: `runs` is the mode it shows, undefined when it cannot tell.
 */
function switchWritten(inst: Installation, published: readonly Certificate[]) {
  const last = lastConfigWrite(inst);
  if (!last?.time || last.manager !== PLUGIN_FIELD_MANAGER) return undefined;
  const running = inst.pods.filter((p) => p.ready && !p.deleting && p.startedAt);
  const written = Date.parse(last.time);
  const [pod] = running;
  // Both times are in whole seconds: a Pod that started in the second of the write may not have
  // read it.
  if (!pod || running.some((p) => Date.parse(p.startedAt ?? '') > written)) return undefined;
  const configured = modeOf(inst).mode;
  const runs = modeServed(inst, published);
  if (runs === configured) return undefined;
  return { last, pod, configured, runs };
}

/**
 * User-provided mode: the controller serves the Secret's pair once it reloaded it (within about 2
 * minutes of a write); another certificate is a pair written without the wait, or not reloaded.
 */
function servedNotSecret(inst: Installation): Check[] {
  const served = inst.served;
  const secret = inst.tlsSecret;
  if (!served || !('pem' in served) || !secret?.cert || modeOf(inst).mode !== 'user-provided')
    return [];
  const [servedLeaf] = tryParse(served.pem, 'the served certificate').certs;
  const [secretLeaf] = tryParse(secret.cert, 'tls.crt').certs;
  if (!servedLeaf || !secretLeaf || servedLeaf.info.sha256 === secretLeaf.info.sha256) return [];
  const fingerprint = (c: Certificate) => c.info.sha256.slice(0, 16);
  return [
    {
      id: `served-pair:Secret/${secret.name}`,
      status: 'fail',
      message:
        `controller Pod ${served.pod} serves ${servedLeaf.info.subject} (${fingerprint(servedLeaf)}), ` +
        `not the tls.crt of Secret ${secret.name} (${fingerprint(secretLeaf)})`,
      hint:
        'the controller reloads the Secret within about 2 minutes of a write: verify again; if it stays, ' +
        `restart it: kubectl -n ${inst.namespace} rollout restart deployment/${CONTROLLER.deployment}`,
      object: `Secret/${secret.name}`,
    },
  ];
}

/** The mode whose CA antrea-ca publishes: the Secret's ca.crt (user-provided) or its tls.crt (self-signed). */
function modeServed(inst: Installation, published: readonly Certificate[]): Mode | undefined {
  const secret = inst.tlsSecret;
  if (!secret || !published.length) return undefined;
  const ca = tryParse(secret.ca, 'ca.crt').certs;
  const pair = tryParse(secret.cert, 'tls.crt').certs;
  const isCa = ca.length > 0 && sameCertificates(ca, published);
  const isPair = pair.length > 0 && sameCertificates(pair, published);
  if (isCa === isPair) return undefined;
  return isCa ? 'user-provided' : 'self-signed';
}

/** antrea-ca must hold a CA in either mode: the controller's own, or the user's ca.crt. */
function publishedWithoutCa(published: readonly Certificate[]): Check[] {
  if (!published.length) return [];
  const selfIssued = (c: Certificate) => c.info.subject === c.info.issuer;
  if (published.some((c) => c.info.isCA || selfIssued(c))) return [];
  const leaves = `${published.length} leaf certificate${published.length === 1 ? '' : 's'}`;
  return [
    {
      id: 'ca-is-ca',
      status: 'fail',
      message:
        `ConfigMap ${CA_CONFIGMAP} publishes no CA certificate (${leaves}): ` +
        'clients cannot verify the controller with it',
      hint: 'a change of mode or pair was left half done: run it again to complete it, or restore its backup',
      object: `ConfigMap/${CA_CONFIGMAP}`,
    },
  ];
}

/** The change Lease: held by a live run (in progress), or left by one that is gone (unfinished). */
function leftLease(inst: Installation, now: Date): Check[] {
  const lease = inst.changeLease;
  const holder = lease?.spec?.holderIdentity;
  if (!lease || !holder) return [];
  if (liveHolder(lease, now)) {
    return [
      {
        id: 'change-in-progress',
        status: 'warn',
        message: `a change is in progress: ${holder} holds Lease ${lease.metadata?.name ?? ''}`,
        hint: 'verify again once it ended',
      },
    ];
  }
  const undo = undoBackupOf(lease);
  const restore = undo
    ? `, or undo all of it with kubectl antrea-certs restore ${undo.path} (a backup on host ${undo.host})`
    : '';
  const renewed = lease.spec?.renewTime ?? lease.spec?.acquireTime ?? 'never';
  return [
    {
      id: 'unfinished-change',
      status: 'fail',
      message:
        `a change did not finish: ${holder} left Lease ${lease.metadata?.name ?? ''} behind ` +
        `(last renewed ${renewed})`,
      hint: `run the same kubectl antrea-certs command again to complete it${restore}`,
      object: `Lease/${lease.metadata?.name ?? ''}`,
    },
  ];
}
