// The read a change plans on. When the API server cannot be reached then,
// nothing has been written yet: the error says so.
import type { Client } from '../kube/client.ts';
import { isTransient } from '../kube/errors.ts';
import { CHANGE_READS, readInstallation } from '../read/snapshot.ts';
import type { Installation } from '../antrea/installation.ts';
import { ConnectionError, messageOf } from '../errors.ts';

/** The installation a change plans on; a connection failure says that nothing was written. */
export async function readBeforeWriting(
  client: Client,
  namespace: string | undefined,
): Promise<Installation> {
  try {
    return await readInstallation(client, namespace, CHANGE_READS);
  } catch (error) {
    if (isTransient(error)) throw new ConnectionError(`${messageOf(error)} Nothing was written.`);
    throw error;
  }
}
