// yargs, built from the command registry: the global flags, each command with
// its positionals, flags, examples and epilogue, and the usage checks.
import yargs, { type Argv, type PositionalOptions } from 'yargs';
import { globalFlags } from '../framework/global-flags.ts';
import { COMMANDS } from './registry.ts';
import { MACHINE_FORMATS, usageOf, type Command } from '../framework/command.ts';
import type { FlagTable, PositionalTable } from '../framework/flag-table.ts';
import { pluginVersion } from '../version.ts';
import { UsageError } from '../errors.ts';

const DESCRIPTION = "See and check the TLS certificates of Antrea's control plane.";

/** A command line yargs parsed: the command it names (none when it printed help or the version). */
export interface Parsed {
  readonly command?: Command;
  readonly flags: Readonly<Record<string, unknown>>;
}

/** A flag or positional as yargs takes it: without what only completion reads. */
function forYargs(table: FlagTable | PositionalTable): Record<string, PositionalOptions> {
  return Object.fromEntries(
    Object.entries(table).map(([name, entry]) => {
      const { complete: _complete, demandOption: _demand, ...rest } = entry;
      if ('suggest' in rest) delete rest.suggest;
      return [name, rest];
    }),
  );
}

// No handler: a command's handler makes yargs lay out the help text first, in case it fails.
function addCommand(parser: Argv, command: Command): Argv {
  return parser.command(usageOf(command), command.summary, (y) => {
    let built = y;
    for (const [name, positional] of Object.entries(forYargs(command.positionals))) {
      built = built.positional(name, positional);
    }
    built = built.options(forYargs(command.flags));
    for (const [example, description] of command.examples) {
      built = built.example(example, description);
    }
    return command.epilogue ? built.epilogue(command.epilogue) : built;
  });
}

/**
 * The yargs parser of the whole command line: global flags, every command of the registry, strict
 * checks that throw a UsageError instead of exiting.
 */
export function buildParser(argv: readonly string[], width: number): Argv {
  let parser: Argv = yargs([...argv])
    .scriptName('kubectl antrea-certs')
    .usage(`$0 <command> [options]\n\n${DESCRIPTION}`)
    .options(forYargs(globalFlags));
  for (const command of COMMANDS) parser = addCommand(parser, command);
  const names = COMMANDS.map((c) => c.name);
  return parser
    .demandCommand(1, `Name a command: ${names.slice(0, -1).join(', ')} or ${names.at(-1)}.`)
    .recommendCommands()
    .strict()
    .env(false)
    .help()
    .alias('h', 'help')
    .version(pluginVersion)
    .wrap(width)
    .exitProcess(false)
    .fail((message, error) => {
      // A flag's coerce throws a UsageError that yargs wraps in its YError.
      if (error?.name === 'YError') throw new UsageError(error.message);
      if (error) throw error;
      const dashed = valueStartingWithDash(argv);
      if (dashed)
        throw new UsageError(
          `${dashed.flag} was given ${JSON.stringify(dashed.value)}, which starts with "-" and so ` +
            `was read as flags; write ${dashed.flag}=${dashed.value} if you mean that value.`,
        );
      throw new UsageError(`${message} (see kubectl antrea-certs --help)`);
    });
}

/** A string flag followed by a word that starts with "-" and names no flag: `--dns-name -bad`. */
function valueStartingWithDash(argv: readonly string[]) {
  const tables = [globalFlags, ...COMMANDS.map((c) => c.flags)];
  const entry = (word: string) => {
    const name = word.replace(/^--?/, '');
    for (const table of tables) {
      const found = Object.entries(table).find(
        ([key, flag]) => key === name || ('alias' in flag && flag.alias === name),
      );
      if (found) return found[1];
    }
    return undefined;
  };
  for (let i = 0; i + 1 < argv.length; i++) {
    const [word = '', value = ''] = [argv[i], argv[i + 1]];
    if (
      !/^-/.test(word) ||
      word.includes('=') ||
      !/^-./.test(value) ||
      /^-?\d/.test(value.slice(1))
    )
      continue;
    if (entry(word)?.type === 'string' && !entry(value)) return { flag: word, value };
  }
  return undefined;
}

/** "a, b and c". */
const inWords = (names: readonly string[]) =>
  names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? '');

/** A usage error for a machine format the command does not print, naming those that do. */
function refuseFormat(command: Command, output: unknown): void {
  const format = MACHINE_FORMATS.find((f) => f === output);
  if (!format || command.formats.includes(format)) return;
  const printing = COMMANDS.filter((c) => c.formats.includes(format)).map((c) => c.name);
  throw new UsageError(`-o ${format} is for ${inWords(printing)}.`);
}

/** Parses the command line; usage errors are thrown as UsageError. */
export async function parseCommandLine(argv: readonly string[], width: number): Promise<Parsed> {
  const flags = await buildParser(argv, width).parseAsync();
  if (flags.help || flags.version) return { flags };
  const name = flags._[0];
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return { flags };
  refuseFormat(command, flags.output);
  return { command, flags };
}
