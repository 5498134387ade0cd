// Putting a backup back: over whatever is there now, and what the cluster
// looks like once the controller took it.
import type { Client, DryRun, Written } from '../kube/client.ts';
import type { Installation } from '../antrea/installation.ts';
import { writeTlsSecret, deleteSecret, writeConfigMapKey } from '../kube/writes.ts';
import type { ConvergenceGoal } from '../report/convergence.ts';
import { readSelfSignedCert } from '../antrea/config.ts';
import { SELF_SIGNED_REGENERATE_WITHIN_MS } from '../antrea/names.ts';
import { tryParse } from '../certs/try-parse.ts';
import type { Backup } from './backup.ts';

/**
 * Whether this run's last write to an object is still what the object holds (after a delete: that
 * it is still gone); undefined when this run did not write it.
 */
function stillOurs(
  written: readonly Written[],
  resource: string,
  name: string,
  current: { resourceVersion: string } | undefined,
): boolean | undefined {
  const last = written.findLast((w) => w.resource === resource && w.name === name);
  if (!last) return undefined;
  return last.verb === 'delete'
    ? current === undefined
    : current?.resourceVersion === last.resourceVersion;
}

/**
 * Puts the backed-up Secret and config back, over whatever is there now; with `written` (this
 * run's writes), only the objects this run wrote and nobody changed since. Returns the objects it
 * left alone because someone else changed them after this run.
 */
export async function applyBackup(
  client: Client,
  current: Installation,
  backup: Backup,
  dryRun: DryRun = 'none',
  written?: readonly Written[],
): Promise<string[]> {
  const ns = backup.namespace;
  const secret = current.tlsSecret;
  const saved = backup.secret;
  const changedByOthers: string[] = [];
  const ours = (resource: string, name: string, now?: { resourceVersion: string }) => {
    if (!written) return true;
    const still = stillOurs(written, resource, name, now);
    if (still === false)
      changedByOthers.push(`${resource === 'secrets' ? 'Secret' : 'ConfigMap'} ${name}`);
    return still === true;
  };
  if (!ours('secrets', saved.name, secret)) {
    // Not written by this run, or changed by someone since: left as it is.
  } else if (saved.existed) {
    const data = {
      ...(saved.ca ? { 'ca.crt': saved.ca } : {}),
      ...(saved.cert ? { 'tls.crt': saved.cert } : {}),
      ...(saved.key ? { 'tls.key': saved.key } : {}),
    };
    // A Secret's type cannot change in place: one of another type is deleted, then created anew.
    const retype = secret !== undefined && saved.type !== undefined && secret.type !== saved.type;
    if (retype) await deleteSecret(client, ns, secret.name, secret.resourceVersion, dryRun);
    const read = secret && !retype ? { resourceVersion: secret.resourceVersion } : undefined;
    // Under --dry-run=server the delete is not kept, so a create would meet the old Secret.
    if (!retype || dryRun !== 'server')
      await writeTlsSecret(client, ns, saved.name, data, read, dryRun, {
        ...(saved.annotations ? { annotations: saved.annotations } : {}),
        ...(saved.type ? { type: saved.type } : {}),
        ...(saved.otherData ? { otherData: saved.otherData } : {}),
      });
  } else if (secret) {
    await deleteSecret(client, ns, secret.name, secret.resourceVersion, dryRun);
  }
  const config = backup.configMap;
  if (
    config &&
    current.config &&
    current.config.text !== config.text &&
    ours('configmaps', config.name, current.config)
  ) {
    const { resourceVersion } = current.config;
    await writeConfigMapKey(
      client,
      ns,
      config.name,
      config.key,
      config.text,
      resourceVersion,
      dryRun,
    );
  }
  return changedByOthers;
}

/** What converged means once a backup is back: its CA published (user-provided or a persisted pair), else just a ready controller. */
export function goalForBackup(backup: Backup): ConvergenceGoal {
  const setting = backup.configMap
    ? readSelfSignedCert(backup.configMap.text)
    : { value: true, explicit: false };
  const selfSigned = 'error' in setting ? true : setting.value;
  if (!selfSigned && backup.secret.ca) return { expectedCa: backup.secret.ca };
  // A persisted self-signed pair is published as it is while 90+ days remain.
  const persisted =
    selfSigned && !backup.secret.ca
      ? tryParse(backup.secret.cert, 'the backed-up tls.crt').certs[0]
      : undefined;
  if (persisted && persisted.notAfter.getTime() - Date.now() > SELF_SIGNED_REGENERATE_WITHIN_MS) {
    return { expectedCa: backup.secret.cert ?? '' };
  }
  return {};
}
