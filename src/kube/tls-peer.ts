// What a TLS failure is about, read from the peer or the kubeconfig only when
// a request has failed: the API server's certificate dates (Node's
// CERT_HAS_EXPIRED names none), and the client certificate a 401 refused.
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import * as builtins from '../io/builtins.ts';
import type { User } from './client-node.ts';
import { isoSeconds } from '../duration.ts';

/** Node's codes of a server certificate outside its validity (which name no dates). */
export const OUT_OF_VALIDITY: ReadonlySet<string> = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
]);

/** When a certificate is valid, as ISO 8601 times. */
export interface Validity {
  readonly subject: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

/**
 * The validity of the certificate a TLS server presents, from a second handshake that accepts it
 * (nothing is sent); undefined when that handshake fails too or takes longer than `timeoutMs`.
 */
export function peerValidity(
  url: string,
  servername: string | undefined,
  timeoutMs = 3000,
): Promise<Validity | undefined> {
  const { hostname, port } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket = builtins.tls().connect({
      host,
      port: Number(port || 443),
      rejectUnauthorized: false,
      ...(servername || !/^[\d.:]+$/.test(host) ? { servername: servername ?? host } : {}),
    });
    const done = (validity: Validity | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(validity);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      done(
        cert.valid_from
          ? {
              subject: subjectOf(cert.subject),
              notBefore: isoSeconds(cert.valid_from),
              notAfter: isoSeconds(cert.valid_to),
            }
          : undefined,
      );
    });
    socket.once('error', () => done(undefined));
  });
}

const subjectOf = (subject: { CN?: string | string[] } | undefined) =>
  subject?.CN ? `CN=${[subject.CN].flat().join(',')}` : 'a certificate without a CN';

/**
 * The client certificate a kubeconfig user authenticates with, when that is how it authenticates
 * (no token, no exec plugin); undefined otherwise or when it cannot be read.
 */
export function clientCertificateOf(user: User | null | undefined): Validity | undefined {
  if (!user || user.token || user.exec || user.authProvider) return undefined;
  try {
    const pem = user.certData
      ? Buffer.from(user.certData, 'base64')
      : user.certFile
        ? readFileSync(user.certFile)
        : undefined;
    if (!pem) return undefined;
    const cert = new X509Certificate(pem);
    const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1];
    return {
      subject: cn ? `CN=${cn}` : cert.subject.replace(/\n/g, ', '),
      notBefore: isoSeconds(cert.validFrom),
      notAfter: isoSeconds(cert.validTo),
    };
  } catch {
    return undefined;
  }
}
