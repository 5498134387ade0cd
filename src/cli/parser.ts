// yargs, built from the command registry: the global flags, each command with
// its positionals, flags, examples and epilogue, and the usage checks.
import yargs, { type Argv, type PositionalOptions } from 'yargs';
import { globalFlags } from './flags.ts';
import { COMMANDS } from './registry.ts';
import { usageOf, type Command, type FlagTable, type PositionalTable } from './command.ts';
import { pluginVersion } from './version.ts';
import { UsageError } from '../errors.ts';

const DESCRIPTION = "See and check the TLS certificates of Antrea's control plane.";

/** What runs once yargs has parsed a command line for a command. */
export type OnCommand = (
  command: Command,
  parsed: Readonly<Record<string, unknown>>,
) => Promise<void>;

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

function addCommand(parser: Argv, command: Command, onCommand: OnCommand): Argv {
  return parser.command(
    usageOf(command),
    command.summary,
    (y) => {
      let built = y;
      for (const [name, positional] of Object.entries(forYargs(command.positionals))) {
        built = built.positional(name, positional);
      }
      built = built.options(forYargs(command.flags));
      for (const [example, description] of command.examples) {
        built = built.example(example, description);
      }
      return command.epilogue ? built.epilogue(command.epilogue) : built;
    },
    (parsed) => onCommand(command, parsed),
  );
}

export function buildParser(argv: readonly string[], width: number, onCommand: OnCommand): Argv {
  let parser: Argv = yargs([...argv])
    .scriptName('kubectl antrea-certs')
    .usage(`$0 <command> [options]\n\n${DESCRIPTION}`)
    .options(forYargs(globalFlags));
  for (const command of COMMANDS) parser = addCommand(parser, command, onCommand);
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
      throw error ?? new UsageError(`${message} (see kubectl antrea-certs --help)`);
    });
}
