// What the snapshot's reader reads, as watches: a wait re-reads the
// installation when one of them changed instead of polling.
import { KINDS } from '../kube/client.ts';
import { watchTarget, type WatchTarget } from '../kube/watch.ts';
import { APP_SELECTOR, CONSUMER_SELECTOR, CONTROLLER } from '../antrea/names.ts';

/**
 * What readInstallation reads, as watches: the controller, its Pods, Secret and ConfigMaps, and
 * every kind of CA consumer.
 */
export function installationTargets(namespace: string, secretName: string): WatchTarget[] {
  const named = (name: string) => ({ fieldSelector: `metadata.name=${name}` });
  return [
    watchTarget(KINDS.deployments, namespace, named(CONTROLLER.deployment)),
    watchTarget(KINDS.pods, namespace, { labelSelector: CONTROLLER.selector }),
    watchTarget(KINDS.configMaps, namespace, { labelSelector: APP_SELECTOR }),
    watchTarget(KINDS.secrets, namespace, named(secretName)),
    watchTarget(KINDS.apiServices),
    watchTarget(KINDS.validatingWebhooks),
    watchTarget(KINDS.mutatingWebhooks),
    watchTarget(KINDS.crds, undefined, { labelSelector: CONSUMER_SELECTOR }),
  ];
}
