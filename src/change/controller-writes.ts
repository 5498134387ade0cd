// The writes of a change that name Antrea's objects: restarting the
// controller and replacing its config file.
import type { Client, DryRun } from '../kube/client.ts';
import { restartDeployment, writeConfigMapKey } from '../kube/writes.ts';
import { CONTROLLER } from '../antrea/names.ts';

/** What `kubectl rollout restart deployment antrea-controller` does. */
export const restartController = (client: Client, namespace: string, dryRun: DryRun) =>
  restartDeployment(client, namespace, CONTROLLER.deployment, dryRun);

/** Replaces antrea-controller.conf in the controller's ConfigMap, as read. */
export const writeControllerConfig = (
  client: Client,
  namespace: string,
  read: { readonly name: string; readonly resourceVersion: string },
  text: string,
  dryRun: DryRun,
) =>
  writeConfigMapKey(
    client,
    namespace,
    read.name,
    CONTROLLER.configKey,
    text,
    read.resourceVersion,
    dryRun,
  );
