// What the controller serves right now: a TLS handshake with its ready Pod on
// the API port, through a port-forward, checking nothing (only reading).
import { createHash } from 'node:crypto';
import type { Client } from '../kube/client.ts';
import { readyControllerPod, type Installation } from '../antrea/installation.ts';
import { servedCertificate } from '../kube/served.ts';
import { serviceDnsName } from '../antrea/names.ts';

/** The ready controller Pod's name and the DER and SHA-256 of what it serves. */
export interface Served {
  readonly pod: string;
  readonly der: Buffer;
  readonly sha256: string;
}

/** What the ready Pod serves; undefined when no Pod is ready. Port-forward errors are thrown. */
export async function controllerServes(
  client: Client,
  inst: Installation,
): Promise<Served | undefined> {
  const pod = readyControllerPod(inst);
  if (!pod) return undefined;
  const der = await servedCertificate(
    client,
    inst.namespace,
    pod.name,
    inst.deployment.apiPort,
    serviceDnsName(inst.namespace),
  );
  return { pod: pod.name, der, sha256: createHash('sha256').update(der).digest('hex') };
}
