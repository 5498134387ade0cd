// The installation as status and verify read it: reads a viewer may be
// refused become notes, and without the Secret, in user-provided mode, the
// serving certificate is the one the controller serves (self-signed mode
// publishes it in antrea-ca); in IPsec mode, its keys and CA for status.
import type { Client } from '../kube/client.ts';
import { readInstallation, type Installation } from './installation.ts';
import { toPem } from '../certs/pem.ts';
import { messageOf } from '../errors.ts';
import { modeOf } from '../antrea/mode.ts';
import { controllerServes } from './controller-serves.ts';
import { readTrafficEncryption } from '../antrea/ipsec.ts';
import { readIpsecObjects, type IpsecObjects } from './ipsec.ts';

/** Reads the installation for viewing, adding what the controller serves when the Secret may not be read. */
export async function readForViewing(client: Client, namespace?: string): Promise<Installation> {
  const inst = await readInstallation(client, namespace, { viewing: true });
  if (!inst.refusedDetails?.includes('Secret') || modeOf(inst).mode !== 'user-provided')
    return inst;
  return { ...inst, served: await readServed(client, inst) };
}

/** What the ready controller Pod serves, through a port-forward; or why it cannot be seen. */
async function readServed(client: Client, inst: Installation): Promise<Installation['served']> {
  try {
    const served = await controllerServes(client, inst);
    if (served) return { pem: toPem('CERTIFICATE', served.der), pod: served.pod };
    return {
      unseen: inst.refusedDetails?.includes('Pods')
        ? 'the Pods may not be listed, so there is no Pod to port-forward to'
        : 'no controller Pod is ready',
    };
  } catch (error) {
    return { unseen: messageOf(error).replace(/\.$/, '') };
  }
}

/** In IPsec mode only, its objects (one more parallel round); undefined when IPsec is off. */
export async function readIpsecWhenOn(
  client: Client,
  inst: Installation,
): Promise<IpsecObjects | undefined> {
  const agentConf = inst.config?.agentText;
  const encryption = agentConf === undefined ? undefined : readTrafficEncryption(agentConf);
  if (!encryption || 'error' in encryption || encryption.mode !== 'ipsec') return undefined;
  return readIpsecObjects(client, inst.namespace);
}
