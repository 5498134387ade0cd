// What shell completion knows about the command line, read from the command
// registry: the commands, their flags and what kind of value each takes.
import type { Options } from 'yargs';
import { COMMANDS as REGISTERED } from '../registry.ts';
import { globalFlags } from '../../framework/global-flags.ts';
import type { Flag, Positional } from '../../framework/flag-table.ts';

/** How a flag's value or a positional is completed. */
export type ValueKind =
  | { readonly kind: 'choices'; readonly values: readonly string[] }
  | { readonly kind: 'file' }
  | { readonly kind: 'directory' }
  | { readonly kind: 'context' }
  | { readonly kind: 'namespace' }
  | { readonly kind: 'free' };

/**
 * A command as completion sees it: its flags, the short line that describes it in a menu, and what
 * each positional takes.
 */
export interface CommandSpec {
  readonly name: string;
  readonly description: string;
  readonly options: Readonly<Record<string, Flag>>;
  /** The positionals, in order. */
  readonly positionals: readonly ValueKind[];
}

const choices = (values: readonly string[]): ValueKind => ({ kind: 'choices', values });

/** How a flag's or a positional's value is completed, from its definition. */
export function valueKind(option: Flag | Positional): ValueKind {
  if (option.choices) return choices((option.choices as readonly unknown[]).map(String));
  if ('suggest' in option && option.suggest) return choices(option.suggest);
  return option.complete ? { kind: option.complete } : { kind: 'free' };
}

/** Every registered command, in the registry's order. */
export const COMMANDS: readonly CommandSpec[] = REGISTERED.map((command) => ({
  name: command.name,
  description: command.short,
  options: command.flags,
  positionals: Object.values(command.positionals).map(valueKind),
}));

/** Options every command takes: the global table and yargs' own. */
export const GLOBAL_OPTIONS: Readonly<Record<string, Flag>> = {
  ...globalFlags,
  help: { type: 'boolean', alias: 'h', describe: 'Show help' },
  version: { type: 'boolean', describe: 'Show the version number' },
};

/** Whether the flag reads the next word as its value. */
export const takesValue = (option: Options): boolean =>
  option.type !== 'boolean' && option.type !== 'count';
