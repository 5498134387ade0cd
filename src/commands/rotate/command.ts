// kubectl antrea-certs rotate
import { defineCommand } from '../../framework/command.ts';
import { changeFlags, changeOptionsFrom, type ChangeOptions } from '../../change/change-flags.ts';
import { pairFileFlags, type PairFiles } from '../../input/pair.ts';
import { clusterDomainFlag, validityFlag } from '../../framework/subject-flags.ts';
import { UsageError } from '../../errors.ts';
import { KEY_ALGORITHMS, type KeyAlgorithm } from '../../certs/key-algorithms.ts';

/** Where the new certificate comes from, in user-provided mode. */
export type NewPair =
  | { readonly from: 'controller' }
  | { readonly from: 'ipsec-ca' }
  | { readonly from: 'files'; readonly files: PairFiles }
  | {
      readonly from: 'ca';
      readonly caCert: string;
      readonly caKey: string;
      readonly passphraseFile?: string;
      /** Keep the current key instead of making a new one. */
      readonly keepKey: boolean;
      /** The new key; by default the kind of the current one. */
      readonly keyAlgorithm?: KeyAlgorithm;
      readonly validityMs: number;
    };

/**
 * rotate's options: where the new pair comes from, the cluster domain of the recommended name, and
 * how to carry out the change.
 */
export interface RotateOptions {
  readonly pair: NewPair;
  readonly clusterDomain: string;
  readonly change: ChangeOptions;
}

const flags = {
  'ipsec-ca': {
    type: 'boolean',
    default: false,
    describe:
      "The IPsec CA that signs the agents' certificates instead (see its answer for why it is refused)",
  },
  ...pairFileFlags,
  'ca-cert': {
    type: 'string',
    complete: 'file',
    describe:
      'User-provided mode: issue a new serving certificate from this CA, ' +
      'with the names and usages of the current one',
  },
  'ca-key': {
    type: 'string',
    complete: 'file',
    describe:
      "That CA's private key (--key-passphrase-file if encrypted); " +
      'read here, never written to the cluster',
  },
  'keep-key': {
    type: 'boolean',
    default: false,
    describe: 'With --ca-cert: keep the current key instead of making a new one',
  },
  'key-algorithm': {
    type: 'string',
    choices: KEY_ALGORITHMS,
    describe: 'With --ca-cert: the new key (default: the kind of the current key)',
  },
  validity: {
    type: 'string',
    default: '365d',
    describe: 'With --ca-cert: how long the new certificate is valid',
  },
  ...changeFlags,
} as const;

/**
 * rotate: new files, a CA to issue from, or neither (the controller or cert-manager makes the
 * pair); whether that fits the mode is checked once the mode is read.
 */
export const rotate = defineCommand({
  name: 'rotate',
  summary: 'Make a new certificate now, in every mode, and wait until the cluster uses it',
  short: 'Make a new certificate now and wait until the cluster uses it',
  flags,
  examples: [
    ['$0 rotate', 'self-signed: a fresh pair from the controller'],
    ['$0 rotate --ca-cert ca.crt --ca-key ca.key', 'user-provided: issue from your CA'],
  ],
  optionsFrom: (given): RotateOptions => {
    const change = changeOptionsFrom(given);
    if (given['ipsec-ca']) {
      if (given.cert || given.key || given.ca || given['ca-cert'] || given['ca-key'])
        throw new UsageError('--ipsec-ca takes no files.');
      return {
        clusterDomain: clusterDomainFlag(given['cluster-domain']),
        change,
        pair: { from: 'ipsec-ca' },
      };
    }
    const validityMs = validityFlag(given.validity, '--validity');
    const { cert, key, ca } = given;
    const passphraseFile = given['key-passphrase-file'];
    const caCert = given['ca-cert'];
    const caKey = given['ca-key'];
    const withFiles = Boolean(cert || key || ca);
    const withCa = Boolean(caCert || caKey);
    if (withFiles && withCa) {
      throw new UsageError(
        'give either --cert, --key and --ca, or --ca-cert and --ca-key, not both.',
      );
    }
    const common = { clusterDomain: clusterDomainFlag(given['cluster-domain']), change };
    if (withCa) {
      if (!caCert || !caKey) throw new UsageError('--ca-cert and --ca-key go together.');
      const algorithm = given['key-algorithm'];
      return {
        ...common,
        pair: {
          from: 'ca',
          caCert,
          caKey,
          ...(passphraseFile ? { passphraseFile } : {}),
          keepKey: given['keep-key'],
          ...(algorithm ? { keyAlgorithm: algorithm } : {}),
          validityMs,
        },
      };
    }
    if (!withFiles) return { ...common, pair: { from: 'controller' } };
    if (!cert || !key || !ca) {
      const missing = (['cert', 'key', 'ca'] as const).filter((k) => !given[k]);
      throw new UsageError(
        `rotate with files needs --cert, --key and --ca together (missing ${missing.map((k) => `--${k}`).join(', ')}).`,
      );
    }
    const files: PairFiles = {
      cert: { path: cert, flag: '--cert' },
      key: { path: key, flag: '--key' },
      ca: { path: ca, flag: '--ca' },
      ...(passphraseFile ? { passphraseFile } : {}),
    };
    return { ...common, pair: { from: 'files', files } };
  },
  load: () => import('./run.ts'),
});
