// The writes the plugin makes: each with the resourceVersion it read, so a
// concurrent change is a conflict to re-check, never a silent overwrite.
import type * as k8s from '@kubernetes/client-node';
import type { Client } from './client.ts';
import { isConflict } from './errors.ts';
import { CliError, ConflictError } from '../errors.ts';
import { CONTROLLER } from '../antrea/names.ts';
import type { Sensitive } from '../sensitive.ts';

export type DryRun = 'none' | 'server';

const dryRunParam = (dryRun: DryRun) => (dryRun === 'server' ? { dryRun: 'All' } : {});
const b64 = (text: string) => Buffer.from(text).toString('base64');

export interface SecretData {
  readonly 'ca.crt'?: string;
  readonly 'tls.crt'?: string;
  readonly 'tls.key'?: Sensitive;
}

function changedSince(kind: string, name: string): ConflictError {
  return new ConflictError(
    `${kind} ${name} changed while the plugin was working; nothing was overwritten: run the command again to re-check.`,
  );
}

/**
 * Writes the TLS Secret: an update of `data` (keeping its type) with the
 * resourceVersion read, or a new kubernetes.io/tls Secret when there was none.
 */
export async function writeTlsSecret(
  client: Client,
  namespace: string,
  name: string,
  data: SecretData,
  read: { resourceVersion: string } | undefined,
  dryRun: DryRun,
): Promise<void> {
  const encoded: Record<string, string> = {};
  if (data['ca.crt'] !== undefined) encoded['ca.crt'] = b64(data['ca.crt']);
  if (data['tls.crt'] !== undefined) encoded['tls.crt'] = b64(data['tls.crt']);
  if (data['tls.key'] !== undefined) encoded['tls.key'] = b64(data['tls.key'].reveal());
  if (!read) {
    const body: k8s.V1Secret = {
      metadata: { name, namespace },
      type: 'kubernetes.io/tls',
      data: encoded,
    };
    await client.call({ verb: 'create', resource: 'secrets', namespace }, () =>
      client.core.createNamespacedSecret({ namespace, body, ...dryRunParam(dryRun) }),
    );
    return;
  }
  const current = await client.call({ verb: 'get', resource: 'secrets', name, namespace }, () =>
    client.core.readNamespacedSecret({ name, namespace }),
  );
  if (current.metadata?.resourceVersion !== read.resourceVersion)
    throw changedSince('Secret', name);
  current.data = encoded;
  await client.call({ verb: 'update', resource: 'secrets', name, namespace }, () =>
    client.core.replaceNamespacedSecret({ name, namespace, body: current, ...dryRunParam(dryRun) }),
  );
}

export async function deleteSecret(
  client: Client,
  namespace: string,
  name: string,
  resourceVersion: string,
  dryRun: DryRun,
): Promise<void> {
  await client.call({ verb: 'delete', resource: 'secrets', name, namespace }, () =>
    client.core.deleteNamespacedSecret({
      name,
      namespace,
      body: { preconditions: { resourceVersion } },
      ...dryRunParam(dryRun),
    }),
  );
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
  const current = await client.call({ verb: 'get', resource: 'configmaps', name, namespace }, () =>
    client.core.readNamespacedConfigMap({ name, namespace }),
  );
  if (current.metadata?.resourceVersion !== resourceVersion) throw changedSince('ConfigMap', name);
  current.data = { ...current.data, [key]: text };
  await client.call({ verb: 'update', resource: 'configmaps', name, namespace }, () =>
    client.core.replaceNamespacedConfigMap({
      name,
      namespace,
      body: current,
      ...dryRunParam(dryRun),
    }),
  );
}

/** What `kubectl rollout restart` does: a new restartedAt annotation on the Pod template. */
export async function restartController(
  client: Client,
  namespace: string,
  dryRun: DryRun,
): Promise<void> {
  const name = CONTROLLER.deployment;
  for (let attempt = 0; ; attempt++) {
    const deployment = await client.call(
      { verb: 'get', resource: 'deployments.apps', name, namespace },
      () => client.apps.readNamespacedDeployment({ name, namespace }),
    );
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
      await client.call({ verb: 'update', resource: 'deployments.apps', name, namespace }, () =>
        client.apps.replaceNamespacedDeployment({
          name,
          namespace,
          body: deployment,
          ...dryRunParam(dryRun),
        }),
      );
      return;
    } catch (error) {
      if (!isConflict(error) || attempt >= 5) throw error;
    }
  }
}
