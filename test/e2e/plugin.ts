// Running the built plugin against a testbed, as a user would.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../dist/bin/kubectl-antrea_certs', import.meta.url));

export interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function plugin(kubeconfig: string | undefined, args: readonly string[], env: Record<string, string> = {}): Run {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build first (npm test does)`);
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...(kubeconfig ? { KUBECONFIG: kubeconfig } : {}), ...env },
    timeout: 60_000,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function json<T = Record<string, unknown>>(run: Run): T {
  if (run.status !== 0 && run.status !== 2 && run.status !== 3) throw new Error(`exit ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
