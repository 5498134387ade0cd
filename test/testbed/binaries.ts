// Where the testbed's control-plane binaries live, and installing them.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, delimiter } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const cacheDir = (): string =>
  process.env.KUBECTL_ANTREA_CERTS_CACHE ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kubectl-antrea-certs');

export interface Binaries {
  readonly etcd: string;
  readonly kubeApiserver: string;
  readonly kubeControllerManager: string;
  readonly kubectl: string;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

export function findBinaries(): Binaries | undefined {
  const bin = join(cacheDir(), 'bin');
  const cached = (name: string) => (existsSync(join(bin, name)) ? join(bin, name) : undefined);
  const etcd = cached('etcd') ?? onPath('etcd');
  const kubeApiserver = cached('kube-apiserver');
  const kubeControllerManager = cached('kube-controller-manager');
  const kubectl = onPath('kubectl') ?? cached('kubectl');
  if (!etcd || !kubeApiserver || !kubeControllerManager || !kubectl) return undefined;
  return { etcd, kubeApiserver, kubeControllerManager, kubectl };
}

/** Installs what is missing (apt packages, a source build); returns the binaries. */
export function installBinaries(): Binaries {
  const script = fileURLToPath(new URL('./install-binaries.sh', import.meta.url));
  const result = spawnSync('bash', [script], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0)
    throw new Error('installing the testbed binaries failed (see the lines above)');
  const found = findBinaries();
  if (!found)
    throw new Error(
      `the testbed binaries are still missing from ${join(cacheDir(), 'bin')} after installing`,
    );
  return found;
}

export function ensureBinaries(): Binaries {
  return findBinaries() ?? installBinaries();
}
