// The command line: the parser built from the command registry, commands
// loaded only when they run (so --help and usage errors never load the
// Kubernetes client), and the one place where errors become messages and exit codes.
import type { GlobalFlags } from './flags.ts';
import { buildParser } from './parser.ts';
import { createContext, type Streams } from './context.ts';
import { ExitCode, exitCodeFor, messageFor } from '../errors.ts';

const defaultStreams = (): Streams => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});

export async function main(
  argv: readonly string[],
  streams: Streams = defaultStreams(),
): Promise<number> {
  // Shell completion (hidden): before yargs, which would reject the partial words.
  if (argv[0] === '__complete') {
    const { completeCommandLine } = await import('./completion/command-line.ts');
    return completeCommandLine(argv.slice(1), streams);
  }
  let exitCode: number = ExitCode.ok;
  let verbose = false;
  const width = Math.min(100, streams.stdout.columns ?? 100);
  const parser = buildParser(argv, width, async (command, parsed) => {
    // yargs parsed the global flags from globalFlags: GlobalFlags is their inferred type.
    const flags = parsed as GlobalFlags;
    verbose = flags.verbose > 0;
    exitCode = await command.run(parsed, () => createContext(flags, streams));
  });
  try {
    await parser.parseAsync();
    return exitCode;
  } catch (error) {
    const verboseFlag = argv.some((a) => /^-v+$|^--verbose/.test(a));
    streams.stderr.write(`${messageFor(error, verbose || verboseFlag)}\n`);
    return exitCodeFor(error);
  }
}
