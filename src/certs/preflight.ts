// The checks a user-provided pair must pass before antrea-controller can
// serve it: every problem at once, each one sentence. Pure: used by `import`
// before anything is written, and by `verify` on the Secret in the cluster.
import { withinMs, type Within } from './within.ts';
import { parseCertificates, type Certificate } from './certificate.ts';
import { buildChain } from './chain.ts';
import { keyMatchesCertificate } from './keys.ts';
import { CliError } from '../errors.ts';
import type { Sensitive } from '../sensitive.ts';
import { formatDuration } from '../duration.ts';
import { MIN_RSA_BITS, hasWeakRsaKey, isSha1Signed } from './strength.ts';
import { dnsNamesThatAreIps } from './subject-names.ts';

/**
 * A pair to check and where each part comes from (a file, or a key of the Secret), for the
 * sentences of the findings.
 */
export interface PreflightInput {
  /** tls.crt: the serving certificate, then any intermediates. */
  readonly cert: { readonly pem: string | undefined; readonly source: string };
  readonly key: {
    readonly pem: Sensitive | undefined;
    readonly source: string;
    readonly passphrase?: Sensitive;
  };
  /** ca.crt: one or more CA certificates. */
  readonly ca: { readonly pem: string | undefined; readonly source: string };
  /** The DNS names clients verify: the first is required, the others are warned about. */
  readonly requiredName: string;
  readonly recommendedNames: readonly string[];
  readonly now: Date;
  /** Check validity dates and expiry (with failWithin); verify checks expiry on its own. */
  readonly checkValidity?: boolean;
  readonly failWithin?: Within;
}

/**
 * One problem found, in one sentence: an error makes the pair unusable (import refuses it, verify
 * fails), a warning does not.
 */
export interface Finding {
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

/**
 * Every finding, with the certificates parsed on the way for the caller to show; ok when no finding
 * is an error.
 */
export interface PreflightResult {
  readonly findings: Finding[];
  readonly leaf?: Certificate;
  readonly cas: Certificate[];
  readonly ok: boolean;
}

function parse(pem: string | undefined, source: string, findings: Finding[]): Certificate[] {
  if (pem === undefined) {
    findings.push({ severity: 'error', message: `${source} is missing.` });
    return [];
  }
  try {
    return parseCertificates(pem, source);
  } catch (error) {
    findings.push({
      severity: 'error',
      message: error instanceof CliError ? error.message : `${source} cannot be read.`,
    });
    return [];
  }
}

/**
 * Checks the pair as antrea-controller and its clients will use it: key match, chain to the CA, CA
 * flags, the server name, key usages, validity and strength.
 */
export function preflight(input: PreflightInput): PreflightResult {
  const findings: Finding[] = [];
  const error = (message: string) => findings.push({ severity: 'error', message });
  const warning = (message: string) => findings.push({ severity: 'warning', message });
  const chainCerts = parse(input.cert.pem, input.cert.source, findings);
  const cas = parse(input.ca.pem, input.ca.source, findings);
  const [leaf, ...intermediates] = chainCerts;

  if (input.key.pem === undefined) error(`${input.key.source} is missing.`);
  else if (leaf) {
    const match = keyMatchesCertificate(input.key.pem, leaf, input.key.passphrase);
    if (typeof match === 'string') error(`${input.key.source} cannot be used: ${match}.`);
    else if (!match)
      error(
        `${input.key.source} does not match ${input.cert.source}: it is the key of another certificate.`,
      );
  }

  if (leaf && cas.length) {
    const chain = buildChain(leaf, intermediates, cas);
    if (!chain.ok)
      error(
        `${input.cert.source} does not chain to a CA in ${input.ca.source}: ${chain.reason}; put any intermediates after the certificate in ${input.cert.source}.`,
      );
  }

  for (const ca of cas) {
    if (!ca.info.isCA)
      error(
        `"${ca.info.subject}" in ${input.ca.source} is not a CA certificate (no CA:TRUE basic constraint).`,
      );
  }
  for (const intermediate of intermediates) {
    if (!intermediate.info.isCA)
      error(
        `"${intermediate.info.subject}" after the serving certificate in ${input.cert.source} is not a CA certificate.`,
      );
  }

  if (leaf) {
    const { dnsNames, keyUsages, extendedKeyUsages, keyAlgorithm } = leaf.info;
    if (!dnsNames.includes(input.requiredName)) {
      error(
        `${input.cert.source} lacks the DNS name ${input.requiredName} that clients verify (its DNS names: ${dnsNames.join(', ') || 'none'}).`,
      );
    }
    for (const name of dnsNamesThatAreIps(dnsNames))
      warning(
        `${input.cert.source} has ${name} as a DNS name: clients that connect to that address never ` +
          'match it (it needs to be an IP address name).',
      );
    for (const name of input.recommendedNames.filter((n) => !dnsNames.includes(n)))
      warning(
        `${input.cert.source} lacks the DNS name ${name}, which Antrea's documentation recommends.`,
      );
    if (keyUsages.length === 0)
      warning(
        `${input.cert.source} has no key usage extension; Antrea documents digital signature and key encipherment.`,
      );
    else {
      if (!keyUsages.includes('digitalSignature'))
        error(`${input.cert.source} lacks the digital signature key usage.`);
      if (!keyUsages.includes('keyEncipherment')) {
        const message = `${input.cert.source} lacks the key encipherment key usage`;
        if (keyAlgorithm === 'RSA') error(`${message}.`);
        else warning(`${message} (not needed by ${keyAlgorithm} keys, but Antrea documents it).`);
      }
    }
    if (extendedKeyUsages.length === 0)
      warning(`${input.cert.source} has no extended key usage; Antrea documents server auth.`);
    else if (!extendedKeyUsages.includes('serverAuth') && !extendedKeyUsages.includes('any')) {
      error(
        `${input.cert.source} lacks the server auth extended key usage (it has ${extendedKeyUsages.join(', ')}): TLS clients refuse it for a server.`,
      );
    }
  }

  const now = input.now.getTime();
  for (const cert of [...chainCerts, ...cas]) {
    const what = `"${cert.info.subject}"`;
    const left = cert.notAfter.getTime() - now;
    if (input.checkValidity !== false) {
      if (cert.notBefore.getTime() > now)
        error(`${what} is not valid before ${cert.info.notBefore}.`);
      else if (left <= 0) error(`${what} expired ${formatDuration(-left)} ago.`);
      else if (left < withinMs(input.failWithin ?? 0, cert))
        error(`${what} expires in ${formatDuration(left)}, within --fail-within.`);
    }
    if (hasWeakRsaKey(cert))
      error(`${what} has a ${cert.info.keySize}-bit RSA key; use ${MIN_RSA_BITS} bits or more.`);
    if (isSha1Signed(cert))
      warning(`${what} is signed with SHA-1, which current TLS clients reject.`);
  }

  return {
    findings,
    ...(leaf ? { leaf } : {}),
    cas,
    ok: !findings.some((f) => f.severity === 'error'),
  };
}
