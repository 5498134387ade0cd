// generate --out: a CA (new, or the admin's) and a serving certificate with
// the names and usages Antrea needs, checked by import's own preflight, then
// written to a new directory that import --from-dir takes unchanged.
import type { KeyObject } from 'node:crypto';
import type { CommandContext } from '../../framework/context.ts';
import { printReport } from '../../framework/printer.ts';
import { ExitCode, InputError, messageOf } from '../../errors.ts';
import { parseCertificates, type Certificate } from '../../certs/certificate.ts';
import { issueCa, issueLeaf, type IssuedPair } from '../../certs/issue.ts';
import { preflight } from '../../certs/preflight.ts';
import {
  fqdnServiceName,
  serviceDnsName,
  SELF_SIGNED_REGENERATE_WITHIN_MS,
} from '../../antrea/names.ts';
import {
  SERVING_COMMON_NAME,
  SERVING_EXTENDED_KEY_USAGES,
  SERVING_KEY_USAGES,
  servingDnsNames,
} from '../../antrea/serving-certificate.ts';
import { readCa } from '../../input/ca.ts';
import { findingLines } from '../../render/findings.ts';
import { renderGenerated, type GeneratedReport } from '../../render/generated.ts';
import type { Sensitive } from '../../sensitive.ts';
import type { GenerateOptions, GenerateTarget } from './command.ts';
import { writeOutDir, type OutFile } from './out-dir.ts';
import type { ServiceNames } from './target.ts';

type FilesTarget = Extract<GenerateTarget, { kind: 'files' }>;

/** The CA the leaf is issued from, its PEM for ca.crt, and its key PEM only when it is new. */
interface CaToUse {
  readonly cert: Certificate;
  readonly pem: string;
  readonly key: KeyObject;
  readonly newKeyPem?: Sensitive;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

function caToUse(options: GenerateOptions, target: FilesTarget, now: Date): CaToUse {
  if ('existing' in target.ca) {
    const given = readCa(target.ca.existing);
    const leafEnd = now.getTime() + options.validityMs;
    if (given.ca.notAfter.getTime() < leafEnd) {
      throw new InputError(
        `the CA in ${target.ca.existing.caCert} expires on ${day(given.ca.notAfter)}, before a ` +
          `certificate valid for --validity would; give a shorter --validity or another CA.`,
      );
    }
    return { cert: given.ca, pem: given.pem, key: given.key };
  }
  if (target.ca.newValidityMs <= options.validityMs) {
    throw new InputError(
      '--ca-validity must be longer than --validity: the CA must outlive the certificate.',
    );
  }
  const issued = issueCa({
    commonName: `antrea-certs CA ${day(now)}`,
    algorithm: options.keyAlgorithm,
    validityMs: target.ca.newValidityMs,
    now,
  });
  const [cert] = parseCertificates(issued.certPem, 'the new CA');
  if (!cert) throw new Error('the new CA could not be read back');
  return { cert, pem: issued.certPem, key: issued.key, newKeyPem: issued.keyPem };
}

/** Issues, checks with import's preflight, writes the directory and prints what it made. */
export async function generateFiles(
  ctx: CommandContext,
  options: GenerateOptions,
  target: FilesTarget,
  names: ServiceNames,
): Promise<ExitCode> {
  const now = new Date();
  const ca = caToUse(options, target, now);
  const dnsNames = servingDnsNames(names.namespace, names.clusterDomain, options.extraDnsNames);
  let leaf: IssuedPair;
  try {
    leaf = issueLeaf({
      commonName: SERVING_COMMON_NAME,
      dnsNames,
      ipAddresses: options.ipAddresses,
      keyUsages: SERVING_KEY_USAGES,
      extendedKeyUsages: SERVING_EXTENDED_KEY_USAGES,
      algorithm: options.keyAlgorithm,
      validityMs: options.validityMs,
      now,
      ca: ca.cert,
      caKey: ca.key,
    });
  } catch (error) {
    throw new InputError(
      `cannot issue from ${'existing' in target.ca ? target.ca.existing.caCert : 'the new CA'}: ${messageOf(error)}.`,
    );
  }
  // What import --from-dir will check, checked now: a pair it would refuse is not written.
  const check = preflight({
    cert: { pem: leaf.certPem, source: 'the new tls.crt' },
    key: { pem: leaf.keyPem, source: 'the new tls.key' },
    ca: { pem: ca.pem, source: 'ca.crt' },
    requiredName: serviceDnsName(names.namespace),
    recommendedNames: [fqdnServiceName(names.namespace, names.clusterDomain)],
    now,
    failWithin: 0,
  });
  if (!check.ok) {
    findingLines(check.findings, ctx.textOptions.style).forEach((line) => ctx.note(line));
    throw new InputError(
      'the generated pair would not pass import (see above); nothing was written.',
    );
  }
  const files: OutFile[] = [
    { name: 'ca.crt', content: ca.pem },
    ...(ca.newKeyPem ? [{ name: 'ca.key', content: ca.newKeyPem }] : []),
    { name: 'tls.crt', content: leaf.certPem },
    { name: 'tls.key', content: leaf.keyPem },
  ];
  writeOutDir(target.out, files);
  const [served] = parseCertificates(leaf.certPem, 'the new tls.crt');
  const namespaceFlag = names.namespaceSource === '-n' ? ` -n ${names.namespace}` : '';
  const report: GeneratedReport = {
    directory: target.out,
    files: files.map((f) => ({
      name: f.name,
      mode: typeof f.content === 'string' ? '0644' : '0600',
    })),
    ...names,
    ca: { ...summary(ca.cert), new: Boolean(ca.newKeyPem) },
    certificate: { ...summary(served ?? ca.cert), dnsNames, ipAddresses: options.ipAddresses },
    warnings:
      options.validityMs <= SELF_SIGNED_REGENERATE_WITHIN_MS
        ? [
            'the certificate is valid for 90 days or less: on Antrea v2 a controller still in self-signed ' +
              'mode replaces such a pair as soon as it sees it, so import it with --mode user-provided ' +
              '(which restarts the controller into that mode) and renew it well before it expires.',
          ]
        : [],
    next: `kubectl antrea-certs import --from-dir ${target.out}${namespaceFlag} --mode user-provided`,
  };
  await printReport(ctx, report, renderGenerated);
  return ExitCode.ok;
}

const summary = (c: Certificate) => ({
  subject: c.info.subject,
  keyAlgorithm:
    c.info.keyAlgorithm +
    (c.info.keySize ? `-${c.info.keySize}` : c.info.curve ? ` ${c.info.curve}` : ''),
  notAfter: c.info.notAfter,
  sha256: c.info.sha256,
});
