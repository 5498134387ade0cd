// Private keys: parsing (PKCS#1, PKCS#8, SEC1, encrypted) and matching a
// certificate. Key material stays in memory; messages never quote it.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { Sensitive } from '../sensitive.ts';
import type { Certificate } from './certificate.ts';

/** Parses a private key; returns the reason as one phrase when it cannot. */
export function parsePrivateKey(pem: Sensitive, passphrase?: Sensitive): KeyObject | string {
  const text = pem.reveal();
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    return /-----BEGIN CERTIFICATE-----/.test(text)
      ? 'it holds a certificate, not a private key'
      : 'it holds no PEM private key';
  }
  try {
    return createPrivateKey({
      key: text,
      format: 'pem',
      ...(passphrase ? { passphrase: passphrase.reveal() } : {}),
    });
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (/ENCRYPTED/.test(text) || code === 'ERR_MISSING_PASSPHRASE') {
      return passphrase
        ? 'the passphrase does not decrypt it'
        : 'it is encrypted and no passphrase was given';
    }
    return 'it is not a readable private key (corrupt or truncated)';
  }
}

/** true or false, or why the key could not be read. */
export function keyMatchesCertificate(
  pem: Sensitive,
  cert: Certificate,
  passphrase?: Sensitive,
): boolean | string {
  const key = parsePrivateKey(pem, passphrase);
  if (typeof key === 'string') return key;
  const publicDer = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return publicDer.equals(cert.publicKeyDer());
}

/** The key as antrea-controller can read it: an encrypted key is stored decrypted (PKCS#8), others as given. */
export function storableKey(pem: Sensitive, passphrase?: Sensitive): Sensitive {
  if (!passphrase) return pem;
  const key = parsePrivateKey(pem, passphrase);
  if (typeof key === 'string') return pem;
  return new Sensitive(key.export({ type: 'pkcs8', format: 'pem' }).toString());
}
