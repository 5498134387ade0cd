// The command line: yargs from the option table, commands loaded only when
// they run (so --help and usage errors never load the Kubernetes client), and
// the one place where errors become messages and exit codes.
import yargs, { type Argv } from 'yargs';
import {
  globalOptions,
  verifyOptions,
  changeOptions,
  importOptions,
  modeOptions,
  rotateOptions,
  type GlobalFlags,
  type VerifyFlags,
  type ChangeFlags,
  type ImportFlags,
  type ModeFlags,
  type RotateFlags,
} from './options.ts';
import { versionOptions, type VersionFlags } from './options.ts';
import { SHELLS, type Shell } from './completion/spec.ts';
import { pluginVersion as version } from './version.ts';
import { parseChangeFlags } from './change-flags.ts';
import { createContext, type Streams } from './context.ts';
import { parseDuration } from './duration.ts';
import { ExitCode, UsageError, exitCodeFor, messageFor } from '../errors.ts';

const EXIT_CODES = `Exit codes:
  0  all checks passed
  1  could not check (kubeconfig, connection, permissions, no Antrea)
  2  a check failed
  3  warnings only, with --strict`;

export async function main(
  argv: readonly string[],
  streams: Streams = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
  },
): Promise<number> {
  // Shell completion (hidden): before yargs, which would reject the partial words.
  if (argv[0] === '__complete')
    return (await import('../commands/complete.ts')).completeCommandLine(argv.slice(1), streams);
  let exitCode: number = ExitCode.ok;
  let verbose = false;
  /** A command's own options, which yargs parsed and validated from that command's part of the table. */
  const own = <T>(flags: GlobalFlags) => flags as unknown as T;
  const run = (load: (flags: GlobalFlags) => Promise<number>) => async (flags: GlobalFlags) => {
    verbose = (flags.verbose ?? 0) > 0;
    exitCode = await load(flags);
  };

  const parser: Argv = yargs([...argv])
    .scriptName('kubectl antrea-certs')
    .usage(
      "$0 <command> [options]\n\nSee and check the TLS certificates of Antrea's control plane.",
    )
    .options(globalOptions)
    .command(
      'status',
      'Show the certificate mode, the serving certificate, the published CA and who carries it',
      (y) => y.example('$0 status', '').example('$0 status -o json', ''),
      run(async (flags) =>
        (await import('../commands/status.ts')).status(createContext(flags, streams)),
      ),
    )
    .command(
      'verify',
      'Check that every CA consumer carries the published CA and that the controller answers through it',
      (y) => y.options(verifyOptions).epilogue(EXIT_CODES),
      run(async (flags) => {
        // Usage errors first, before the command (and the Kubernetes client) loads.
        const verifyFlags = own<VerifyFlags>(flags);
        const thresholds = {
          warnWithinMs: parseDuration(verifyFlags['warn-within'], '--warn-within'),
          failWithinMs: parseDuration(verifyFlags['fail-within'], '--fail-within'),
        };
        const ctx = createContext(flags, streams);
        return (await import('../commands/verify.ts')).verify(ctx, {
          ...thresholds,
          strict: verifyFlags.strict,
        });
      }),
    )
    .command(
      'import',
      "Write your own serving certificate, key and CA to the controller's Secret, checked first",
      (y) =>
        y
          .options({ ...importOptions, ...changeOptions })
          .example('$0 import --cert tls.crt --key tls.key --ca ca.crt --mode user-provided', ''),
      run(async (flags) => {
        const change = parseChangeFlags(own<ChangeFlags>(flags));
        const ctx = createContext(flags, streams);
        return (await import('../commands/import.ts')).importPair(
          ctx,
          own<ImportFlags>(flags),
          change,
        );
      }),
    )
    .command(
      'mode [target]',
      'Show the certificate mode, or switch selfSignedCert and restart the controller safely',
      (y) =>
        y
          .positional('target', {
            choices: ['self-signed', 'user-provided'] as const,
            describe: 'The mode to switch to',
          })
          .options({ ...modeOptions, ...changeOptions }),
      run(async (flags) => {
        const change = parseChangeFlags(own<ChangeFlags>(flags));
        const ctx = createContext(flags, streams);
        const { target } = own<{ target?: 'self-signed' | 'user-provided' }>(flags);
        return (await import('../commands/mode.ts')).mode(
          ctx,
          target,
          own<ModeFlags>(flags),
          change,
        );
      }),
    )
    .command(
      'rotate',
      'Make a new certificate now, in every mode, and wait until the cluster uses it',
      (y) =>
        y
          .options({ ...rotateOptions, ...changeOptions })
          .example('$0 rotate', 'self-signed: a fresh pair from the controller')
          .example(
            '$0 rotate --ca-cert ca.crt --ca-key ca.key',
            'user-provided: issue from your CA',
          ),
      run(async (flags) => {
        const change = parseChangeFlags(own<ChangeFlags>(flags));
        const rotateFlags = own<RotateFlags>(flags);
        const validityMs = parseDuration(rotateFlags.validity ?? '365d', '--validity');
        const ctx = createContext(flags, streams);
        return (await import('../commands/rotate.ts')).rotate(ctx, rotateFlags, validityMs, change);
      }),
    )
    .command(
      'restore <file>',
      'Put back the Secret and config saved in a backup file, restart and verify',
      (y) =>
        y
          .positional('file', {
            type: 'string',
            describe: 'A backup written by import, mode or restore',
          })
          .options(changeOptions),
      run(async (flags) => {
        const change = parseChangeFlags(own<ChangeFlags>(flags));
        const ctx = createContext(flags, streams);
        return (await import('../commands/restore.ts')).restore(
          ctx,
          own<{ file: string }>(flags).file,
          change,
        );
      }),
    )
    .command(
      'version',
      'Print the plugin version and the Antrea version the cluster runs',
      (y) => y.options(versionOptions),
      run(async (flags) =>
        (await import('../commands/version.ts')).version(createContext(flags, streams), {
          clientOnly: own<VersionFlags>(flags).client,
        }),
      ),
    )
    .command(
      'completion <shell>',
      'Print a shell completion script (bash, zsh, fish, powershell)',
      (y) => y.positional('shell', { choices: SHELLS, describe: 'The shell' }),
      run(async (flags) =>
        (await import('../commands/completion.ts')).completion(
          createContext(flags, streams),
          own<{ shell: Shell }>(flags).shell,
        ),
      ),
    )
    .demandCommand(
      1,
      'Name a command: status, verify, import, mode, rotate, restore, version or completion.',
    )
    .recommendCommands()
    .strict()
    .env(false)
    .help()
    .alias('h', 'help')
    .version(version)
    .wrap(Math.min(100, streams.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(`${message} (see kubectl antrea-certs --help)`);
    });

  try {
    await parser.parseAsync();
    return exitCode;
  } catch (error) {
    streams.stderr.write(
      `${messageFor(error, verbose || argv.some((a) => /^-v+$|^--verbose/.test(a)))}\n`,
    );
    return exitCodeFor(error);
  }
}
