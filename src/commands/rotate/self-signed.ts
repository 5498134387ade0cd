// rotate in self-signed mode: the controller makes the new pair itself.
import type { Client } from '../../kube/client.ts';
import type { Installation } from '../../antrea/installation.ts';
import { readInstallation } from '../../read/snapshot.ts';
import { deleteSecret } from '../../kube/writes.ts';
import { modeOf } from '../../antrea/mode.ts';
import type { Change } from '../../change/change.ts';

/** Self-signed: the controller makes the new pair, after the Secret is deleted (pair persisted) or on a restart (pair in the Pod). */
export function planSelfSigned(client: Client, inst: Installation): Change {
  const secret = inst.tlsSecret;
  const persisted = modeOf(inst).pairStorage === 'secret';
  const goal = inst.caConfigMap?.bundle ? { caDiffersFrom: inst.caConfigMap.bundle } : {};
  const replan = async () => planSelfSigned(client, await readInstallation(client, inst.namespace));
  if (persisted && secret) {
    // The controller may publish the pair this deletes before it sees the deletion: only a pair
    // other than the deleted one, in the Secret and in antrea-ca, is the new one.
    const renewed = {
      ...goal,
      secretCertDiffersFrom: secret.cert ?? '',
      publishesSecretCert: true,
    };
    return {
      basis: inst,
      lines: [
        `Secret ${secret.name}: deleted; the controller sees it gone and writes and publishes a new self-signed pair`,
      ],
      restarts: false,
      goal: renewed,
      apply: (dryRun) =>
        deleteSecret(client, inst.namespace, secret.name, secret.resourceVersion, dryRun),
      replan,
    };
  }
  if (persisted) {
    // An earlier rotate deleted it and stopped before the controller wrote the new pair (the API server went away, say).
    return {
      basis: inst,
      lines: [
        `Secret ${inst.deployment.secretName} is already gone: nothing to write; the controller writes and publishes a new self-signed pair when it sees that`,
      ],
      restarts: false,
      goal: { ...goal, publishesSecretCert: true },
      apply: () => Promise.resolve(),
    };
  }
  return {
    basis: inst,
    lines: ['the self-signed pair lives in the controller Pod: a restart makes a new one'],
    restarts: true,
    goal,
    apply: () => Promise.resolve(),
  };
}
