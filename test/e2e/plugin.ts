// Running the built plugin against a testbed, as a user would: by default the
// linux/amd64 single executable krew installs, spawned directly as kubectl
// spawns it (its own Node inside); ANTREA_CERTS_E2E=bundle runs the bundle
// under this Node instead, the from-source path README documents.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The bundle and its launcher (npm run build). */
export const BIN = fileURLToPath(new URL('../../dist/bin/kubectl-antrea_certs', import.meta.url));
/** The linux/amd64 single executable (npm run package). */
export const EXECUTABLE = fileURLToPath(
  new URL('../../dist/sea/linux_amd64/kubectl-antrea_certs', import.meta.url),
);
/** What the tests run: the executable, or the bundle under this Node. */
export const RUNS: 'executable' | 'bundle' =
  process.env.ANTREA_CERTS_E2E === 'bundle' ? 'bundle' : 'executable';
/** The command and the arguments before the plugin's own. */
export const PLUGIN: readonly [string, ...string[]] =
  RUNS === 'executable' ? [EXECUTABLE] : [process.execPath, BIN];
/** The same, as a shell word list. */
export const PLUGIN_SHELL = PLUGIN.join(' ');

function ensureBuilt(): void {
  const file = RUNS === 'executable' ? EXECUTABLE : BIN;
  const make = RUNS === 'executable' ? 'npm run package' : 'npm run build';
  if (!existsSync(file)) throw new Error(`${file} is missing: run ${make} first (npm test does)`);
}
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
  ensureBuilt();
  const child = spawn(PLUGIN[0], [...PLUGIN.slice(1), ...args], {
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
  ensureBuilt();
  const result = spawnSync(PLUGIN[0], [...PLUGIN.slice(1), ...args], {
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
