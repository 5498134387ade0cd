// A CA the admin gives as files (rotate --ca-cert, generate --ca-cert): its
// certificate and its key, read locally and checked to belong together.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { InputError } from '../errors.ts';
import { parseCertificates, type Certificate } from '../certs/certificate.ts';
import { parsePrivateKey } from '../certs/keys.ts';
import { readKeyPem, readPassphrase, readPem } from './files.ts';

/** Where the CA's files are: its certificate, its key and the key's passphrase file. */
export interface CaFiles {
  readonly caCert: string;
  readonly caKey: string;
  readonly passphraseFile?: string;
}

/** The CA as read: its PEM text, its certificate and its key. */
export interface CaInput {
  readonly pem: string;
  readonly ca: Certificate;
  readonly key: KeyObject;
}

const keyMatches = (key: KeyObject, cert: Certificate) =>
  createPublicKey(key).export({ type: 'spki', format: 'der' }).equals(cert.publicKeyDer());

/** The CA certificate and its key, checked to belong together; an InputError otherwise. */
export function readCa(files: CaFiles): CaInput {
  const pem = readPem(files.caCert, '--ca-cert');
  const certs = parseCertificates(pem, files.caCert);
  const passphrase = files.passphraseFile ? readPassphrase(files.passphraseFile) : undefined;
  const key = parsePrivateKey(readKeyPem(files.caKey, '--ca-key'), passphrase);
  if (typeof key === 'string') throw new InputError(`${files.caKey} cannot be used: ${key}.`);
  const ofKey = certs.filter((c) => keyMatches(key, c));
  const ca = ofKey.find((c) => c.info.isCA);
  if (!ca) {
    const why = ofKey.length
      ? `the certificate of ${files.caKey} in it is not a CA (no basicConstraints CA:TRUE)`
      : `no certificate in it is the one of ${files.caKey}`;
    throw new InputError(`${files.caCert} cannot sign: ${why}; nothing was written.`);
  }
  if (ca.info.keyUsages.length && !ca.info.keyUsages.includes('keyCertSign')) {
    throw new InputError(
      `${files.caCert} cannot sign: its key usage (${ca.info.keyUsages.join(', ')}) lacks ` +
        'keyCertSign, so strict clients (openssl verify -x509_strict) refuse what it signs; use a CA ' +
        'whose key usage includes it. Nothing was written.',
    );
  }
  return { pem, ca, key };
}
