// rotate when cert-manager owns the Secret: a renewal, as cmctl renew makes it.
import type { Client } from '../../kube/client.ts';
import type { Installation } from '../../antrea/installation.ts';
import { readInstallation } from '../../read/snapshot.ts';
import {
  readCertificate,
  issuingCondition,
  triggerIssuance,
  certificateTarget,
} from '../../kube/cert-manager.ts';
import { InputError } from '../../errors.ts';
import { CONTROLLER_RELOAD, KUBELET_REFRESH, SERVED_SEEN } from '../../antrea/reload.ts';
import type { Change } from '../../change/change.ts';

/**
 * The renewal of a Secret cert-manager owns: Issuing=True as cmctl renew sets it (nothing when it
 * is issuing already), then the wait for the new certificate.
 */
export async function renewWithCertManager(
  client: Client,
  inst: Installation,
  name: string,
  userProvided: boolean,
): Promise<Change> {
  const certificate = await readCertificate(client, inst.namespace, name);
  const secretName = inst.deployment.secretName;
  if (certificate.secretName && certificate.secretName !== secretName) {
    throw new InputError(
      `cert-manager Certificate ${name} writes Secret ${certificate.secretName}, ` +
        `not ${secretName} which the controller mounts; fix the Certificate's secretName. ` +
        'Nothing was written.',
    );
  }
  const issuing = issuingCondition(certificate);
  const inProgress = issuing?.status === 'True';
  const served = userProvided
    ? `: the wait lasts until the controller serves it (${SERVED_SEEN})`
    : '';
  return {
    basis: inst,
    lines: [
      inProgress
        ? `Certificate ${name}: cert-manager is already issuing ` +
          `(Issuing=True, ${issuing?.reason ?? 'no reason'}): nothing to write, waiting for it`
        : `Certificate ${name}: status condition Issuing=True, reason ManuallyTriggered ` +
          `(as cmctl renew); cert-manager then issues a new certificate into Secret ${secretName}`,
    ],
    restarts: false,
    waitNote: `cert-manager issues the certificate; then ${KUBELET_REFRESH} and ${CONTROLLER_RELOAD}${served}.`,
    goal: {
      secretCertDiffersFrom: inst.tlsSecret?.cert ?? '',
      ...(userProvided ? { caFromSecret: true, servedMatchesSecret: true } : {}),
    },
    wait: { extraTargets: [certificateTarget(inst.namespace, name)] },
    apply: (dryRun) =>
      inProgress ? Promise.resolve() : triggerIssuance(client, certificate, dryRun, new Date()),
    replan: async () => {
      const now = await readInstallation(client, inst.namespace);
      return renewWithCertManager(client, now, name, userProvided);
    },
  };
}
