// What the controller serves right now, read with a TLS handshake through a
// port-forward to its Pod: the only way to see that it reloaded a new
// certificate from an unchanged CA, which nothing in the API shows.
import { connect } from 'node:tls';
import type { Client } from './client.ts';
import { ConnectionError } from '../errors.ts';

const HANDSHAKE_TIMEOUT_MS = 5000;

/** The DER of the certificate the Pod serves on that port (read, never trusted). */
export async function servedCertificate(
  client: Client,
  namespace: string,
  pod: string,
  port: number,
  serverName: string,
): Promise<Buffer> {
  const forward = await client.portForward(namespace, pod, port);
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      const tls = connect(
        { socket: forward.stream, servername: serverName, rejectUnauthorized: false },
        () => {
          const der = tls.getPeerCertificate().raw;
          tls.destroy();
          resolve(der);
        },
      );
      tls.setTimeout(HANDSHAKE_TIMEOUT_MS, () =>
        tls.destroy(new Error(`no TLS handshake within ${HANDSHAKE_TIMEOUT_MS / 1000}s`)),
      );
      tls.on('error', (error) =>
        reject(
          new ConnectionError(
            `the TLS handshake with Pod ${pod} through a port-forward failed: ${error.message}.`,
          ),
        ),
      );
    });
  } finally {
    forward.close();
  }
}
