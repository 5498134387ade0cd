// What Antrea keeps on every Node's filesystem and who may reach it, from
// Antrea's security recommendations (docs/security.md).
import { posix } from 'node:path';
import type { Release } from './versions.ts';

/**
 * Antrea's files on each Node; /var/run/antrea/openvswitch/conf.db holds the Open vSwitch database,
 * with the IPsec PSK in plaintext.
 */
export const ANTREA_RUN_DIR = '/var/run/antrea';
export const OVSDB_FILE = '/var/run/antrea/openvswitch/conf.db';

/** /var/run is a symlink to /run on current distributions: both names reach the same files. */
const ALIASES = [ANTREA_RUN_DIR, '/run/antrea'];

/** How a hostPath reaches Antrea's files: all of them (the directory or a parent), or some (inside). */
export type Reach = 'covers' | 'inside';

/** Whether a hostPath volume's path reaches /var/run/antrea, and how; undefined when it does not. */
export function reachOf(hostPath: string): Reach | undefined {
  const path = posix.normalize(`/${hostPath}`).replace(/\/+$/, '') || '/';
  for (const dir of ALIASES) {
    if (path === '/' || dir === path || dir.startsWith(`${path}/`)) return 'covers';
    if (path.startsWith(`${dir}/`)) return 'inside';
  }
  return undefined;
}

/**
 * The releases that tightened the files' permissions: conf.db was world-readable (0644) before
 * v0.10 (then 0640), and /var/run/antrea open to non-root users before v0.13 (then 0750).
 */
export const PERMISSION_FIXES = [
  { release: 'v0.10.0', what: 'conf.db was readable by every user of the Node (0644)' },
  { release: 'v0.13.0', what: '/var/run/antrea was open to non-root users of the Node' },
] as const;

/** The permission fixes a release lacks. */
export function missingPermissionFixes(r: Release): (typeof PERMISSION_FIXES)[number][] {
  return PERMISSION_FIXES.filter(({ release }) => {
    const [, minor] = release.slice(1).split('.').map(Number);
    return r.major === 0 && r.minor < (minor ?? 0);
  });
}

/** The gatekeeper-library templates that can forbid hostPath volumes. */
export const GATEKEEPER_KINDS = ['K8sPSPHostFilesystem', 'K8sPSPVolumeTypes'] as const;
