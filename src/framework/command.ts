// What a command is: its name and help, its flags, how they become typed
// options (usage errors before anything loads), and the implementation,
// loaded only when the command runs. The registry (registry.ts) lists them;
// main.ts builds yargs from it, and shell completion reads it too.
import type { InferredOptionTypes } from 'yargs';
import type { FlagTable, PositionalTable } from './flag-table.ts';
import type { CommandContext } from './context.ts';
import type { ExitCode } from '../errors.ts';

/** The values yargs parsed for a command's flags and positionals. */
export type FlagValues<F extends FlagTable, P extends PositionalTable> = InferredOptionTypes<F> &
  InferredOptionTypes<P>;

/** The -o formats only some commands print: Prometheus metrics, JUnit XML. */
export const MACHINE_FORMATS = ['prometheus', 'junit'] as const;
export type MachineFormat = (typeof MACHINE_FORMATS)[number];

/** The implementation of a command, in a module of its own. */
export interface Runner<O> {
  run(ctx: CommandContext, options: O): Promise<ExitCode> | ExitCode;
}

/**
 * What a command's folder declares in command.ts: help, flags and positionals, how they become
 * typed options, and how to load run.ts.
 */
export interface CommandDefinition<F extends FlagTable, P extends PositionalTable, O> {
  readonly name: string;
  /** One line for `--help`. */
  readonly summary: string;
  /** A shorter line for shell completion menus. */
  readonly short: string;
  readonly positionals?: P;
  readonly flags: F;
  readonly examples?: readonly (readonly [command: string, description: string])[];
  readonly epilogue?: string;
  /** The machine formats it prints besides table, wide, json and yaml; -o refuses others. */
  readonly formats?: readonly MachineFormat[];
  /** The flags as typed options; throws a UsageError. Pure: runs before anything loads. */
  optionsFrom(flags: FlagValues<F, P>): O;
  load(): Promise<Runner<O>>;
}

/** A command with its types sealed in, as the registry holds it. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly short: string;
  readonly positionals: PositionalTable;
  readonly flags: FlagTable;
  readonly examples: readonly (readonly [string, string])[];
  readonly epilogue?: string;
  readonly formats: readonly MachineFormat[];
  /** The flags yargs validated against this command's tables, as its options; or a UsageError. */
  toOptions(parsed: Readonly<Record<string, unknown>>): unknown;
  /** The options first (usage errors before anything loads), then the context; loads and runs it. */
  run(parsed: Readonly<Record<string, unknown>>, context: () => CommandContext): Promise<ExitCode>;
}

/**
 * Seals a definition's types into a Command for the registry: the options are checked before the
 * context is made and run.ts is loaded.
 */
export function defineCommand<F extends FlagTable, P extends PositionalTable, O>(
  definition: CommandDefinition<F, P, O>,
): Command {
  // yargs parsed `parsed` from these same tables, so it has their inferred types.
  const toOptions = (parsed: Readonly<Record<string, unknown>>) =>
    definition.optionsFrom(parsed as FlagValues<F, P>);
  return {
    name: definition.name,
    summary: definition.summary,
    short: definition.short,
    positionals: definition.positionals ?? {},
    flags: definition.flags,
    examples: definition.examples ?? [],
    ...(definition.epilogue ? { epilogue: definition.epilogue } : {}),
    formats: definition.formats ?? [],
    toOptions,
    run: async (parsed, context) => {
      const options = toOptions(parsed);
      const ctx = context();
      return (await definition.load()).run(ctx, options);
    },
  };
}

/** The usage line of a command: `mode [target]`, `restore <file>`. */
export function usageOf(command: Command): string {
  const words = Object.entries(command.positionals).map(([name, p]) =>
    p.demandOption ? `<${name}>` : `[${name}]`,
  );
  return [command.name, ...words].join(' ');
}
