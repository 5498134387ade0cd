// Running the built plugin against a testbed, as a user would.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../dist/bin/kubectl-antrea_certs', import.meta.url));
/** The same bundle, naming the modules it evaluated on exit (node scripts/build.mjs --trace). */
export const TRACED_BIN = fileURLToPath(
  new URL('../../dist/trace/kubectl-antrea_certs', import.meta.url),
);

export interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

const environment = (kubeconfig: string | undefined, env: Record<string, string>) => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  NO_COLOR: '1',
  ...(kubeconfig ? { KUBECONFIG: kubeconfig } : {}),
  ...env,
});

export interface Running {
  /** Resolves once stderr matches, rejects when the process ends first or the time runs out. */
  stderrMatches(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** The same, on stdout. */
  stdoutMatches(pattern: RegExp, timeoutMs?: number): Promise<void>;
  readonly done: Promise<Run>;
  /** What it has printed on stderr so far. */
  stderrNow(): string;
  /** Sends the process a signal (SIGINT as Ctrl-C would, SIGKILL as a crash). */
  kill(signal: NodeJS.Signals): void;
}

/** Starts the plugin without waiting for it, to act on the cluster while it runs. */
export function pluginInBackground(
  kubeconfig: string | undefined,
  args: readonly string[],
  env: Record<string, string> = {},
): Running {
  if (!existsSync(BIN))
    throw new Error(`${BIN} is missing: run npm run build first (npm test does)`);
  const child = spawn(process.execPath, [BIN, ...args], {
    env: environment(kubeconfig, env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const listener of listeners) listener();
  });
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr })),
  );
  return {
    done,
    kill: (signal) => void child.kill(signal),
    stderrNow: () => stderr,
    stderrMatches: (pattern, timeoutMs = 60_000) => matches('stderr', pattern, timeoutMs),
    stdoutMatches: (pattern, timeoutMs = 60_000) => matches('stdout', pattern, timeoutMs),
  };

  function matches(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs: number) {
    const text = () => (stream === 'stdout' ? stdout : stderr);
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(text())) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`${stream} did not match ${pattern} within ${timeoutMs / 1000}s:\n${text()}`),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      void done.then(() => {
        if (!listeners.has(check)) return;
        cleanup();
        if (pattern.test(text())) resolve();
        else reject(new Error(`the plugin ended before ${stream} matched ${pattern}:\n${text()}`));
      });
      check();
    });
  }
}

export function plugin(
  kubeconfig: string | undefined,
  args: readonly string[],
  env: Record<string, string> = {},
): Run {
  if (!existsSync(BIN))
    throw new Error(`${BIN} is missing: run npm run build first (npm test does)`);
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: environment(kubeconfig, env),
    timeout: 60_000,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function json<T = Record<string, unknown>>(run: Run): T {
  if (run.status !== 0 && run.status !== 2 && run.status !== 3)
    throw new Error(`exit ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

/** Runs the plugin without blocking this process (for tests whose own helpers must keep working meanwhile). */
export const pluginAsync = (
  kubeconfig: string | undefined,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<Run> => pluginInBackground(kubeconfig, args, env).done;
