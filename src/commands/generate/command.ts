// kubectl antrea-certs generate
import { defineCommand } from '../../framework/command.ts';
import {
  changeFlags,
  changeFlagsGiven,
  changeOptionsFrom,
  type ChangeOptions,
} from '../../change/change-flags.ts';
import { parseDuration } from '../../duration.ts';
import {
  clusterDomainFlag,
  dnsNamesFlag,
  ipAddressesFlag,
  validityFlag,
} from '../../framework/subject-flags.ts';
import { UsageError } from '../../errors.ts';
import { KEY_ALGORITHMS, type KeyAlgorithm } from '../../certs/key-algorithms.ts';
import type { CaFiles } from '../../input/ca.ts';
import type { IssuerKind } from '../../kube/cert-manager.ts';

/** Where the new pair goes: files in a new directory, or a cert-manager Certificate. */
export type GenerateTarget =
  | {
      readonly kind: 'files';
      readonly out: string;
      /** A new CA valid this long, or the admin's CA. */
      readonly ca: { readonly newValidityMs: number } | { readonly existing: CaFiles };
    }
  | {
      readonly kind: 'cert-manager';
      readonly issuer: { readonly name: string; readonly kind: IssuerKind };
      /** Create the Certificate and switch the controller to it, instead of printing it. */
      readonly apply: boolean;
      readonly force: boolean;
      readonly renewBeforeMs?: number;
      readonly change: ChangeOptions;
    };

/** generate's options: the names, key and validity of the serving certificate, and where it goes. */
export interface GenerateOptions {
  /** --cluster-domain; read from the cluster when absent. */
  readonly clusterDomain?: string;
  readonly offline: boolean;
  readonly extraDnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  readonly validityMs: number;
  readonly keyAlgorithm: KeyAlgorithm;
  readonly target: GenerateTarget;
}

const CERT_MANAGER = 'cert-manager:';
/** cert-manager's webhook refuses a shorter renewBefore. */
const MIN_RENEW_BEFORE_MS = 5 * 60_000;

const flags = {
  out: {
    type: 'string',
    complete: 'directory',
    describe: 'Write ca.crt, ca.key, tls.crt and tls.key into this new (or empty) directory',
  },
  'cluster-domain': {
    type: 'string',
    describe: 'The cluster DNS domain (default: read from CoreDNS or kube-dns, else cluster.local)',
  },
  offline: {
    type: 'boolean',
    default: false,
    describe:
      'Read nothing from the cluster: -n (default kube-system) and --cluster-domain as given',
  },
  'dns-name': {
    type: 'string',
    array: true,
    describe: 'Another DNS name for the serving certificate (repeatable)',
  },
  'ip-address': {
    type: 'string',
    array: true,
    describe: 'An IP address (IPv4 or IPv6) for the serving certificate (repeatable)',
  },
  validity: {
    type: 'string',
    default: '365d',
    describe: 'How long the serving certificate is valid',
  },
  'key-algorithm': {
    type: 'string',
    choices: KEY_ALGORITHMS,
    default: 'rsa-2048',
    describe: 'The serving key (all are accepted by Go TLS servers and the API server)',
  },
  'ca-cert': {
    type: 'string',
    complete: 'file',
    describe: 'Issue from this CA instead of a new one (its key with --ca-key)',
  },
  'ca-key': {
    type: 'string',
    complete: 'file',
    describe: "That CA's private key (--key-passphrase-file if encrypted); read, never copied",
  },
  'key-passphrase-file': {
    type: 'string',
    complete: 'file',
    describe: 'A file holding the passphrase of an encrypted --ca-key',
  },
  'ca-validity': {
    type: 'string',
    default: '3650d',
    describe: 'How long a new CA is valid',
  },
  'cert-manager': {
    type: 'boolean',
    group: CERT_MANAGER,
    default: false,
    describe: 'Make a cert-manager.io/v1 Certificate for Antrea instead of files (-o yaml|json)',
  },
  issuer: {
    type: 'string',
    group: CERT_MANAGER,
    describe: 'The Issuer or ClusterIssuer that signs it',
  },
  'issuer-kind': {
    type: 'string',
    group: CERT_MANAGER,
    choices: ['Issuer', 'ClusterIssuer'] as const,
    default: 'Issuer',
    describe: 'Whether --issuer is an Issuer (in the Antrea namespace) or a ClusterIssuer',
  },
  'renew-before': {
    type: 'string',
    group: CERT_MANAGER,
    describe:
      'How long before expiry cert-manager renews (default 30d, at most a third of --validity)',
  },
  apply: {
    type: 'boolean',
    group: CERT_MANAGER,
    default: false,
    describe:
      'Create the Certificate, wait for cert-manager to issue it, then switch the controller to it',
  },
  force: {
    type: 'boolean',
    group: CERT_MANAGER,
    default: false,
    describe: 'With --apply: go ahead although Helm manages the Secret',
  },
  ...changeFlags,
} as const;

/** The new CA, or the admin's: --ca-cert and --ca-key go together. */
function caOf(given: {
  'ca-cert'?: string | undefined;
  'ca-key'?: string | undefined;
  'key-passphrase-file'?: string | undefined;
  'ca-validity': string;
}): Extract<GenerateTarget, { kind: 'files' }>['ca'] {
  const caCert = given['ca-cert'];
  const caKey = given['ca-key'];
  const passphraseFile = given['key-passphrase-file'];
  if (!caCert && !caKey) {
    if (passphraseFile) throw new UsageError('--key-passphrase-file is for --ca-key.');
    const newValidityMs = validityFlag(given['ca-validity'], '--ca-validity');
    return { newValidityMs };
  }
  if (!caCert || !caKey) throw new UsageError('--ca-cert and --ca-key go together.');
  return { existing: { caCert, caKey, ...(passphraseFile ? { passphraseFile } : {}) } };
}

/**
 * generate: a pair in files (--out) or a cert-manager Certificate (--cert-manager --issuer); the
 * flags of one are refused with the other.
 */
export const generate = defineCommand({
  name: 'generate',
  summary:
    'Make a serving certificate and CA with the names and usages Antrea needs, ready to import',
  short: 'Make a serving certificate and CA for import, or a cert-manager Certificate',
  flags,
  examples: [
    ['$0 generate --out ./antrea-pki', 'then: import --from-dir ./antrea-pki --mode user-provided'],
    ['$0 generate --cert-manager --issuer ca-issuer', 'print the Certificate'],
    ['$0 generate --cert-manager --issuer ca-issuer --apply', 'create it and switch to it'],
  ],
  optionsFrom: (given): GenerateOptions => {
    const validityMs = validityFlag(given.validity, '--validity');
    const clusterDomain = clusterDomainFlag(given['cluster-domain'] || undefined);
    const common = {
      ...(clusterDomain ? { clusterDomain } : {}),
      offline: given.offline,
      extraDnsNames: dnsNamesFlag(given['dns-name']),
      ipAddresses: ipAddressesFlag(given['ip-address']),
      validityMs,
      keyAlgorithm: given['key-algorithm'],
    };
    if (given['cert-manager']) {
      const misplaced = (['out', 'ca-cert', 'ca-key'] as const).filter((k) => given[k]);
      if (misplaced.length) {
        throw new UsageError(
          `--cert-manager makes a Certificate for cert-manager to issue: ${misplaced.map((k) => `--${k}`).join(', ')} do not apply.`,
        );
      }
      if (!given.issuer) {
        throw new UsageError(
          '--cert-manager needs --issuer NAME (an Issuer, or a ClusterIssuer with --issuer-kind).',
        );
      }
      if (given.apply && given.offline) {
        throw new UsageError('--apply writes to the cluster; it cannot be --offline.');
      }
      const needApply = [...(given.force ? ['force'] : []), ...changeFlagsGiven(given)];
      if (!given.apply && needApply.length) {
        throw new UsageError(
          `${needApply.map((k) => `--${k}`).join(', ')} ${needApply.length === 1 ? 'goes' : 'go'} with --apply (without it nothing is written).`,
        );
      }
      const renewBefore = given['renew-before'];
      const renewBeforeMs = renewBefore ? parseDuration(renewBefore, '--renew-before') : undefined;
      if (renewBeforeMs !== undefined && renewBeforeMs < MIN_RENEW_BEFORE_MS) {
        throw new UsageError(
          `--renew-before ${renewBefore} is shorter than 5m, which cert-manager refuses; 30d is usual.`,
        );
      }
      if (renewBeforeMs !== undefined && renewBeforeMs >= validityMs) {
        throw new UsageError('--renew-before must be shorter than --validity.');
      }
      return {
        ...common,
        target: {
          kind: 'cert-manager',
          issuer: { name: given.issuer, kind: given['issuer-kind'] },
          apply: given.apply,
          force: given.force,
          ...(renewBeforeMs !== undefined ? { renewBeforeMs } : {}),
          change: changeOptionsFrom(given),
        },
      };
    }
    const forApply = [...(given.force ? ['force'] : []), ...changeFlagsGiven(given)];
    const cmOnly = [
      ...(['issuer', 'apply', 'renew-before'] as const).filter((k) => given[k]),
      ...forApply,
    ];
    if (cmOnly.length) {
      throw new UsageError(
        `${cmOnly.map((k) => `--${k}`).join(', ')} ${cmOnly.length === 1 ? 'goes' : 'go'} with ` +
          `--cert-manager${forApply.length ? ' --apply' : ''}; generate --out writes only files.`,
      );
    }
    if (!given.out) {
      throw new UsageError('generate needs --out DIR (or --cert-manager --issuer NAME).');
    }
    return { ...common, target: { kind: 'files', out: given.out, ca: caOf(given) } };
  },
  load: () => import('./run.ts'),
});
