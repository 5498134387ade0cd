// The writes the plugin makes: each with the resourceVersion it read, so a
// concurrent change is a conflict to re-check, never a silent overwrite.
import type { Client, DryRun } from './client.ts';
import { TLS_SECRET_TYPE, type Secret } from './objects.ts';
import { isConflict } from './errors.ts';
import { CliError, ConflictError } from '../errors.ts';
import type { Sensitive } from '../sensitive.ts';

export type { DryRun } from './client.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');

/**
 * The keys of the TLS Secret a write sets, as text; a key left out is not in the written Secret.
 */
export interface SecretData {
  readonly 'ca.crt'?: string;
  readonly 'tls.crt'?: string;
  readonly 'tls.key'?: Sensitive;
}

function changedSince(kind: string, name: string): ConflictError {
  return new ConflictError(
    `${kind} ${name} changed while the plugin was working; ` +
      'nothing was overwritten: run the command again to re-check.',
  );
}

/** What a backup puts back beside the pair: annotations, the type of a new Secret, other keys. */
export interface RestoredSecret {
  readonly annotations?: Readonly<Record<string, string>>;
  /** For a Secret created anew (an existing Secret's type cannot change). */
  readonly type?: string;
  /** Other keys, base64 as read. */
  readonly otherData?: Readonly<Record<string, string>>;
}

/**
 * Writes the TLS Secret: an update of `data` (keeping its type) with the
 * resourceVersion read, or a new Secret (kubernetes.io/tls unless `restored` says) when there was
 * none; `restored` annotations replace the Secret's (a backup put back).
 */
export async function writeTlsSecret(
  client: Client,
  namespace: string,
  name: string,
  data: SecretData,
  read: { resourceVersion: string } | undefined,
  dryRun: DryRun,
  restored?: RestoredSecret,
): Promise<void> {
  const annotations = restored?.annotations;
  const encoded: Record<string, string> = { ...restored?.otherData };
  if (data['ca.crt'] !== undefined) encoded['ca.crt'] = b64(data['ca.crt']);
  if (data['tls.crt'] !== undefined) encoded['tls.crt'] = b64(data['tls.crt']);
  if (data['tls.key'] !== undefined) encoded['tls.key'] = b64(data['tls.key'].reveal());
  const secrets = client.secrets(namespace);
  if (!read) {
    const body: Secret = {
      metadata: { name, namespace, ...(annotations ? { annotations: { ...annotations } } : {}) },
      type: restored?.type ?? TLS_SECRET_TYPE,
      data: encoded,
    };
    await secrets.create(body, dryRun);
    return;
  }
  const current = await secrets.get(name);
  if (current.metadata?.resourceVersion !== read.resourceVersion)
    throw changedSince('Secret', name);
  const metadata = annotations
    ? { ...current.metadata, annotations: { ...annotations } }
    : current.metadata;
  await secrets.update({ ...current, ...(metadata ? { metadata } : {}), data: encoded }, dryRun);
}

/**
 * Deletes the Secret only while it still has the resourceVersion read: a Secret changed in between
 * is a conflict, not gone.
 */
export async function deleteSecret(
  client: Client,
  namespace: string,
  name: string,
  resourceVersion: string,
  dryRun: DryRun,
): Promise<void> {
  await client.secrets(namespace).delete(name, resourceVersion, dryRun);
}

/** Sets one key of a ConfigMap's data, with the resourceVersion read. */
export async function writeConfigMapKey(
  client: Client,
  namespace: string,
  name: string,
  key: string,
  text: string,
  resourceVersion: string,
  dryRun: DryRun,
): Promise<void> {
  const configMaps = client.configMaps(namespace);
  const current = await configMaps.get(name);
  if (current.metadata?.resourceVersion !== resourceVersion) throw changedSince('ConfigMap', name);
  await configMaps.update({ ...current, data: { ...current.data, [key]: text } }, dryRun);
}

/** What `kubectl rollout restart` does: a new restartedAt annotation on the Pod template. */
export async function restartDeployment(
  client: Client,
  namespace: string,
  name: string,
  dryRun: DryRun,
): Promise<void> {
  const deployments = client.deployments(namespace);
  for (let attempt = 0; ; attempt++) {
    const deployment = await deployments.get(name);
    const template = deployment.spec?.template;
    if (!template) throw new CliError(`Deployment ${name} has no Pod template.`);
    template.metadata = {
      ...template.metadata,
      annotations: {
        ...template.metadata?.annotations,
        'kubectl.kubernetes.io/restartedAt': new Date().toISOString(),
      },
    };
    try {
      await deployments.update(deployment, dryRun);
      return;
    } catch (error) {
      if (!isConflict(error) || attempt >= 5) throw error;
    }
  }
}

/** Sets one annotation on a Deployment's own metadata (not its Pod template: no rollout). */
export async function annotateDeployment(
  client: Client,
  namespace: string,
  name: string,
  annotation: { readonly key: string; readonly value: string },
): Promise<void> {
  const deployments = client.deployments(namespace);
  for (let attempt = 0; ; attempt++) {
    const deployment = await deployments.get(name);
    deployment.metadata = {
      ...deployment.metadata,
      annotations: { ...deployment.metadata?.annotations, [annotation.key]: annotation.value },
    };
    try {
      await deployments.update(deployment, 'none');
      return;
    } catch (error) {
      if (!isConflict(error) || attempt >= 5) throw error;
    }
  }
}
