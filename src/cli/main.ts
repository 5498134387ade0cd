// The command line: the parser built from the command registry, commands
// loaded only when they run (so --help and usage errors never load the
// Kubernetes client), and the one place where errors become messages and exit codes.
import type { GlobalFlags } from '../framework/global-flags.ts';
import { parseCommandLine } from './parser.ts';
import { createContext, type Streams } from '../framework/context.ts';
import { ExitCode, exitCodeFor, messageFor } from '../errors.ts';
import { finishing } from './exit-guard.ts';
import { terminalSafeNote } from '../terminal-safe.ts';
import { HELP_WIDTH } from './help-width.ts';

const defaultStreams = (): Streams => ({
  stdout: process.stdout,
  // Made on first use: --help and a table never write to stderr.
  get stderr() {
    return process.stderr;
  },
  // Only a confirmation reads it: touching process.stdin costs a few milliseconds at start.
  get stdin() {
    return process.stdin;
  },
  env: process.env,
});

/**
 * Runs one command line and returns its exit code: every error is printed here, as one message, and
 * never thrown further.
 */
export async function main(
  argv: readonly string[],
  streams: Streams = defaultStreams(),
): Promise<number> {
  // Shell completion (hidden): before yargs, which would reject the partial words.
  if (argv[0] === '__complete') {
    const { completeCommandLine } = await import('./completion/command-line.ts');
    return completeCommandLine(argv.slice(1), streams);
  }
  let verbose = false;
  const width = Math.min(HELP_WIDTH, streams.stdout.columns ?? HELP_WIDTH);
  try {
    const { command, flags } = await parseCommandLine(argv, width);
    if (!command) return ExitCode.ok;
    // yargs parsed the global flags from globalFlags: GlobalFlags is their inferred type.
    const globals = flags as GlobalFlags;
    verbose = globals.verbose > 0;
    return await finishing(
      command.run(flags, () => createContext(globals, streams, command.name)),
      streams,
    );
  } catch (error) {
    const verboseFlag = argv.some((a) => /^-v+$|^--verbose/.test(a));
    // An error quotes what the API server, a kubeconfig or a file said: escaped, one line.
    streams.stderr.write(`${terminalSafeNote(messageFor(error, verbose || verboseFlag))}\n`);
    return exitCodeFor(error);
  }
}
