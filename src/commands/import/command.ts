// kubectl antrea-certs import
import { defineCommand } from '../../framework/command.ts';
import { changeFlags, changeOptionsFrom, type ChangeOptions } from '../../change/change-flags.ts';
import { pairFileFlags, pairFilesIn, type PairFiles } from '../../input/pair.ts';
import { UsageError } from '../../errors.ts';
import { clusterDomainFlag } from '../../framework/subject-flags.ts';

/**
 * import's options: the pair's files (given one by one or as --from-dir), the cluster domain of the
 * recommended name, and how to carry out the change.
 */
export interface ImportOptions {
  readonly files: PairFiles;
  readonly clusterDomain: string;
  /** --mode user-provided: switch the controller in the same run. */
  readonly switchToUserProvided: boolean;
  /** Write even when cert-manager owns the Secret. */
  readonly force: boolean;
  readonly change: ChangeOptions;
}

const flags = {
  ...pairFileFlags,
  'from-dir': {
    type: 'string',
    complete: 'directory',
    describe: 'A directory holding tls.crt, tls.key and ca.crt',
  },
  mode: {
    type: 'string',
    choices: ['user-provided'] as const,
    describe: 'Switch the controller to user-provided mode in the same run',
  },
  force: {
    type: 'boolean',
    default: false,
    describe: 'Write even when cert-manager owns the Secret',
  },
  ...changeFlags,
} as const;

/**
 * import: --cert, --key and --ca, or --from-dir (one way, not both), and --mode user-provided to
 * switch in the same run.
 */
export const importCommand = defineCommand({
  name: 'import',
  summary:
    "Write your own serving certificate, key and CA to the controller's Secret, checked first",
  short: 'Write your own serving certificate, key and CA',
  flags,
  examples: [['$0 import --cert tls.crt --key tls.key --ca ca.crt --mode user-provided', '']],
  optionsFrom: (given): ImportOptions => {
    const change = changeOptionsFrom(given);
    const dir = given['from-dir'];
    if (dir && (given.cert || given.key || given.ca)) {
      throw new UsageError('give either --from-dir or --cert, --key and --ca, not both.');
    }
    const passphraseFile = given['key-passphrase-file'];
    const { cert, key, ca } = given;
    if (!dir && !(cert && key && ca)) {
      const missing = (['cert', 'key', 'ca'] as const).filter((k) => !given[k]);
      throw new UsageError(
        `import needs ${missing.map((k) => `--${k}`).join(', ')} ` +
          '(or --from-dir DIR holding tls.crt, tls.key and ca.crt).',
      );
    }
    const files: PairFiles = dir
      ? pairFilesIn(dir, passphraseFile)
      : {
          cert: { path: cert ?? '', flag: '--cert' },
          key: { path: key ?? '', flag: '--key' },
          ca: { path: ca ?? '', flag: '--ca' },
          ...(passphraseFile ? { passphraseFile } : {}),
        };
    return {
      files,
      clusterDomain: clusterDomainFlag(given['cluster-domain']),
      switchToUserProvided: given.mode === 'user-provided',
      force: given.force,
      change,
    };
  },
  load: () => import('./run.ts'),
});
