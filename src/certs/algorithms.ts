// Signature algorithms as the plugin names them: SHA256-RSA, SHA384-ECDSA,
// SHA256-RSA-PSS, Ed25519; the OID for one it does not know.
import { Tag, child, children, readOid, type Element } from './der.ts';

const HASHES: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'SHA1',
  '2.16.840.1.101.3.4.2.4': 'SHA224',
  '2.16.840.1.101.3.4.2.1': 'SHA256',
  '2.16.840.1.101.3.4.2.2': 'SHA384',
  '2.16.840.1.101.3.4.2.3': 'SHA512',
};

const SIGNATURES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.5': 'SHA1-RSA',
  '1.2.840.113549.1.1.14': 'SHA224-RSA',
  '1.2.840.113549.1.1.11': 'SHA256-RSA',
  '1.2.840.113549.1.1.12': 'SHA384-RSA',
  '1.2.840.113549.1.1.13': 'SHA512-RSA',
  '1.2.840.10045.4.1': 'SHA1-ECDSA',
  '1.2.840.10045.4.3.1': 'SHA224-ECDSA',
  '1.2.840.10045.4.3.2': 'SHA256-ECDSA',
  '1.2.840.10045.4.3.3': 'SHA384-ECDSA',
  '1.2.840.10045.4.3.4': 'SHA512-ECDSA',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
};

const RSA_PSS = '1.2.840.113549.1.1.10';

/** RSASSA-PSS names its hash in its parameters ([0] hashAlgorithm), SHA-1 when it does not. */
function pssHash(parameters: Element | undefined): string {
  const hashField =
    parameters?.tag === Tag.sequence ? children(parameters).find((e) => e.tag === 0xa0) : undefined;
  if (!hashField) return 'SHA1';
  const oid = readOid(child(child(hashField, 0, Tag.sequence), 0));
  return HASHES[oid] ?? oid;
}

/** The name of an AlgorithmIdentifier's signature algorithm. */
export function signatureAlgorithmName(identifier: Element): string {
  const [algorithm, parameters] = children(identifier);
  if (!algorithm) return 'unknown';
  const oid = readOid(algorithm);
  if (oid === RSA_PSS) return `${pssHash(parameters)}-RSA-PSS`;
  return SIGNATURES[oid] ?? oid;
}
