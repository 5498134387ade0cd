// rotate in user-provided mode with --ca-cert/--ca-key: a new serving
// certificate issued here, with the names and usages of the current one. The
// CA key is read locally and never written anywhere.
import type { KeyObject } from 'node:crypto';
import type { CommandContext } from '../../framework/context.ts';
import type { Client } from '../../kube/client.ts';
import type { Installation } from '../../antrea/installation.ts';
import { writeTlsSecret } from '../../kube/writes.ts';
import { InputError, messageOf } from '../../errors.ts';
import { parseCertificates, type Certificate } from '../../certs/certificate.ts';
import { parsePrivateKey } from '../../certs/keys.ts';
import { preflight } from '../../certs/preflight.ts';
import { tryParse } from '../../certs/try-parse.ts';
import { issueServingCertificate, type KeyAlgorithm } from '../../certs/issue.ts';
import { fqdnServiceName, serviceDnsName } from '../../antrea/names.ts';
import { reloadWaitNote } from '../../antrea/reload.ts';
import type { Change } from '../../change/change.ts';
import { readCa } from '../../input/ca.ts';
import { findingLines } from '../../render/findings.ts';
import { certificateLine } from '../../render/certificate-line.ts';
import type { NewPair, RotateOptions } from './command.ts';

type FromCa = Extract<NewPair, { from: 'ca' }>;

/** The same kind of key as the current certificate's. */
function algorithmLike(current: Certificate): KeyAlgorithm {
  if (current.info.keyAlgorithm === 'ECDSA') return 'ecdsa-p256';
  return (current.info.keySize ?? 0) > 2048 ? 'rsa-4096' : 'rsa-2048';
}

/**
 * Plans a rotation from the user's CA: a certificate with the current one's names and usages, a new
 * key (or the kept one), checked by preflight before anything is written.
 */
export async function issueFromCa(
  ctx: CommandContext,
  client: Client,
  inst: Installation,
  pair: FromCa,
  options: RotateOptions,
): Promise<Change> {
  const secret = inst.tlsSecret;
  const current = tryParse(secret?.cert, 'the current tls.crt').certs[0];
  if (!secret || !current) {
    throw new InputError(
      `Secret ${inst.deployment.secretName} holds no serving certificate to renew; ` +
        'use rotate --cert/--key/--ca or import.',
    );
  }
  const ca = readCa(pair);
  let key: { generate: KeyAlgorithm } | { keep: KeyObject };
  if (pair.keepKey) {
    const kept = secret.key ? parsePrivateKey(secret.key) : 'there is no tls.key';
    if (typeof kept === 'string') {
      throw new InputError(`--keep-key: the current tls.key cannot be used (${kept}).`);
    }
    key = { keep: kept };
  } else {
    key = { generate: pair.keyAlgorithm ?? algorithmLike(current) };
  }
  let issued;
  try {
    const request = { template: current, ca: ca.ca, caKey: ca.key, key, now: new Date() };
    issued = await issueServingCertificate({ ...request, validityMs: pair.validityMs });
  } catch (error) {
    throw new InputError(`cannot issue from ${pair.caCert}: ${messageOf(error)}.`);
  }
  const ns = inst.namespace;
  const check = preflight({
    cert: { pem: issued.certPem, source: 'the new certificate' },
    key: { pem: issued.keyPem, source: 'the new key' },
    ca: { pem: ca.pem, source: pair.caCert },
    requiredName: serviceDnsName(ns),
    recommendedNames: [fqdnServiceName(ns, options.clusterDomain)],
    now: new Date(),
    failWithin: options.change.failWithin,
  });
  if (!check.ok) {
    findingLines(check.findings, ctx.textOptions.style).forEach((line) => ctx.note(line));
    throw new InputError(
      'the certificate issued from that CA would not be usable (see above); nothing was written.',
    );
  }
  const newLeaf = parseCertificates(issued.certPem, 'the new certificate')[0];
  const newKey = 'keep' in key ? 'kept' : `new ${key.generate} key (not shown)`;
  const data = { 'ca.crt': ca.pem, 'tls.crt': issued.certPem, 'tls.key': issued.keyPem };
  return {
    lines: [
      `Secret ${secret.name}: tls.crt ${newLeaf ? certificateLine(newLeaf) : ''}, issued by ${ca.ca.info.subject}`,
      `Secret ${secret.name}: tls.key ${newKey}`,
      `Secret ${secret.name}: ca.crt ${ca.ca.info.subject}`,
    ],
    restarts: false,
    waitNote: reloadWaitNote('; with an unchanged CA clients keep working meanwhile'),
    goal: { expectedCa: ca.pem, servedMatchesSecret: true },
    apply: (dryRun) => writeTlsSecret(client, ns, secret.name, data, secret, dryRun),
  };
}
