// rotate --ipsec-ca: refused, with why. Antrea's source offers no safe way:
// the controller makes a new IPsec CA only when it finds Secret
// antrea-ipsec-ca gone, and then publishes that CA alone in antrea-ipsec-ca; each agent keeps
// the CA it loaded and its certificate (signed by the old CA) until it
// restarts or renews at 70-90 % of a year. Nodes on either side of the change
// cannot authenticate each other, so tunnels fail until every agent restarts.
import type { Client } from '../../kube/client.ts';
import type { Installation } from '../../antrea/installation.ts';
import { readIpsecObjects } from '../../read/ipsec.ts';
import { IPSEC } from '../../antrea/ipsec.ts';
import { InputError } from '../../errors.ts';
import { encryptionFrom } from '../../report/ipsec.ts';

/** Reads the IPsec state and throws the sentence that says why the CA is not rotated. */
export async function refuseIpsecCaRotation(client: Client, inst: Installation): Promise<never> {
  const objects = await readIpsecObjects(client, inst.namespace);
  const report = encryptionFrom({
    agentConf: inst.config?.agentText,
    controllerConf: inst.config?.text,
    objects,
    now: new Date(),
  });
  if ('error' in report)
    throw new InputError(
      `cannot tell whether the agents use IPsec: ${report.error}. Nothing was written.`,
    );
  const ipsec = report.ipsec;
  if (!ipsec || ipsec.authenticationMode !== 'cert')
    throw new InputError(
      `there is no IPsec CA to rotate: the agents ${
        ipsec ? 'authenticate IPsec with a pre-shared key' : 'do not use IPsec'
      } (see status). Nothing was written.`,
    );
  const ca = ipsec.ca && 'certificates' in ipsec.ca ? ipsec.ca.certificates[0] : undefined;
  throw new InputError(
    'the IPsec CA cannot be rotated without breaking tunnels: ' +
      `the controller publishes one CA only in ConfigMap ${IPSEC.caConfigMap}, and each agent keeps ` +
      'its certificate from the old CA until it restarts, so Nodes on either side of the change ' +
      `cannot authenticate each other${ca ? `; this CA is valid until ${ca.notAfter}` : ''}. ` +
      `To replace it anyway, in a maintenance window: kubectl -n ${inst.namespace} delete secret ` +
      `${IPSEC.caSecret}; kubectl -n ${inst.namespace} rollout restart deployment/antrea-controller; ` +
      `then kubectl -n ${inst.namespace} rollout restart daemonset/antrea-agent. ` +
      'Nothing was written.',
  );
}
