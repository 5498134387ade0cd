// What shell completion knows about the command line: the commands, their
// options (from the one option table) and what kind of value each takes.
import type { Options } from 'yargs';
import {
  globalOptions,
  verifyOptions,
  changeOptions,
  importOptions,
  modeOptions,
  rotateOptions,
  versionOptions,
} from '../options.ts';

export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type Shell = (typeof SHELLS)[number];

/** How a flag's value or a positional is completed. */
export type ValueKind =
  | { readonly kind: 'choices'; readonly values: readonly string[] }
  | { readonly kind: 'file' }
  | { readonly kind: 'directory' }
  | { readonly kind: 'context' }
  | { readonly kind: 'namespace' }
  | { readonly kind: 'free' };

export interface CommandSpec {
  readonly name: string;
  readonly description: string;
  readonly options: Readonly<Record<string, Options>>;
  /** The positionals, in order. */
  readonly positionals: readonly ValueKind[];
}

const choices = (values: readonly string[]): ValueKind => ({ kind: 'choices', values });

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'status',
    description: 'Show the certificate mode, the serving certificate and the published CA',
    options: {},
    positionals: [],
  },
  {
    name: 'verify',
    description: 'Check the CA consumers and the controller',
    options: verifyOptions,
    positionals: [],
  },
  {
    name: 'import',
    description: 'Write your own serving certificate, key and CA',
    options: { ...importOptions, ...changeOptions },
    positionals: [],
  },
  {
    name: 'mode',
    description: 'Show or switch the certificate mode',
    options: { ...modeOptions, ...changeOptions },
    positionals: [choices(['self-signed', 'user-provided'])],
  },
  {
    name: 'rotate',
    description: 'Make a new certificate now and wait until the cluster uses it',
    options: { ...rotateOptions, ...changeOptions },
    positionals: [],
  },
  {
    name: 'restore',
    description: 'Put back a backup, restart and verify',
    options: changeOptions,
    positionals: [{ kind: 'file' }],
  },
  {
    name: 'version',
    description: 'Print the plugin version and the Antrea version',
    options: versionOptions,
    positionals: [],
  },
  {
    name: 'completion',
    description: 'Print a shell completion script',
    options: {},
    positionals: [choices(SHELLS)],
  },
];

/** Options every command takes: the global table and yargs' own. */
export const GLOBAL_OPTIONS: Readonly<Record<string, Options>> = {
  ...globalOptions,
  help: { type: 'boolean', alias: 'h', describe: 'Show help' },
  version: { type: 'boolean', describe: 'Show the version number' },
};

const FILE_FLAGS = new Set([
  'kubeconfig',
  'certificate-authority',
  'client-certificate',
  'client-key',
  'cert',
  'key',
  'ca',
  'key-passphrase-file',
  'ca-cert',
  'ca-key',
]);
const DIRECTORY_FLAGS = new Set(['backup-dir', 'from-dir']);
/** Values the option table leaves open but that have a fixed set. */
const EXTRA_CHOICES: Readonly<Record<string, readonly string[]>> = {
  'dry-run': ['none', 'client', 'server'],
};

export function valueKind(name: string, option: Options): ValueKind {
  if (option.choices) return choices((option.choices as readonly unknown[]).map(String));
  if (name in EXTRA_CHOICES) return choices(EXTRA_CHOICES[name] ?? []);
  if (FILE_FLAGS.has(name)) return { kind: 'file' };
  if (DIRECTORY_FLAGS.has(name)) return { kind: 'directory' };
  if (name === 'context') return { kind: 'context' };
  if (name === 'namespace') return { kind: 'namespace' };
  return { kind: 'free' };
}

/** Whether the flag reads the next word as its value. */
export const takesValue = (option: Options): boolean =>
  option.type !== 'boolean' && option.type !== 'count';
