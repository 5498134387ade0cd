// What every command gets: its flags, output streams and style, a verbose
// logger, and the shared client factory (loaded only when a command connects).
import type { GlobalFlags } from './global-flags.ts';
import { createStyle, colorEnabled, tableWidth, type TextOptions } from '../render/style.ts';
import { parseDuration } from '../duration.ts';
import { terminalSafeNote } from '../terminal-safe.ts';
import type { Client } from '../kube/client.ts';
import * as builtins from '../io/builtins.ts';

/** Where a command reads and writes: the process's streams and environment, or a test's. */
export interface Streams {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly env: Record<string, string | undefined>;
}

/**
 * What every command's run gets: the global flags, how to print and note, how to ask, and the one
 * shared API client.
 */
export interface CommandContext {
  /** The command that runs (e.g. rotate), for the holder of a change's Lease. */
  readonly commandName: string;
  readonly flags: GlobalFlags;
  /**
   * The style, the width (the terminal's; unlimited in a pipe, a file or with -o wide) and -o
   * wide, as the text renderers take them.
   */
  readonly textOptions: TextOptions;
  print(text: string): void;
  /** A line on stderr: notes and warnings that are not the command's output. */
  note(line: string): void;
  /** A line on stderr when -v is given. */
  debug(line: string): void;
  /** Asks a yes/no question on the terminal; undefined when there is no terminal to ask on. */
  confirm(question: string): Promise<boolean | undefined>;
  readonly stderr: Streams['stderr'];
  /** The environment the kubeconfig is found from (KUBECONFIG, HOME). */
  readonly env: Streams['env'];
  connect(): Promise<Client>;
}

/**
 * The context of one command line; the kubeconfig and the API client load at the first connect()
 * and are shared after it.
 */
export function createContext(
  flags: GlobalFlags,
  streams: Streams,
  commandName = '',
): CommandContext {
  const verbosity = flags.verbose;
  const debug = (line: string) => {
    if (verbosity > 0) streams.stderr.write(`${line}\n`);
  };
  const timeoutMs = parseDuration(flags['request-timeout'], '--request-timeout');
  let client: Promise<Client> | undefined;
  const style = createStyle(colorEnabled(flags.color, streams.stdout, streams.env));
  const width = tableWidth({
    terminal: Boolean(streams.stdout.isTTY),
    wide: flags.output === 'wide',
    ...(streams.stdout.columns ? { columns: streams.stdout.columns } : {}),
  });
  return {
    commandName,
    flags,
    textOptions: {
      style,
      width,
      wide: flags.output === 'wide',
      terminal: Boolean(streams.stdout.isTTY),
    },
    print: (text) => void streams.stdout.write(text),
    note: (line) => void streams.stderr.write(`${terminalSafeNote(line)}\n`),
    debug,
    stderr: streams.stderr,
    env: streams.env,
    confirm: async (question) => {
      const stdin = streams.stdin;
      if (!stdin?.isTTY || !streams.stderr.isTTY) return undefined;
      const { createInterface } = builtins.readline();
      const rl = createInterface({ input: stdin, output: streams.stderr });
      // The terminal's Ctrl-C reaches readline, not the process: pass it on as the signal it is.
      rl.on('SIGINT', () => void process.kill(process.pid, 'SIGINT'));
      try {
        return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
      } finally {
        rl.close();
      }
    },
    connect: () => {
      client ??= (async () => {
        const [{ loadKubeconfig }, { Client }] = await Promise.all([
          import('../kube/kubeconfig.ts'),
          import('../kube/client.ts'),
        ]);
        const loaded = loadKubeconfig(flags, streams.env);
        debug(
          `using context "${loaded.contextName}" from ${loaded.source}, server ${loaded.server}`,
        );
        return new Client(loaded, { timeoutMs, verbosity, log: debug });
      })();
      return client;
    },
  };
}
