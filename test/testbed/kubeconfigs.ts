// Kubeconfigs the tests write: one holding several testbeds' clusters and
// users, each under a context of its own name, plus contexts whose API server
// is a closed port (the fleet tests and the fleet rows of the bench read it);
// one whose only credential is a token, at the testbed or a path in front of it.
import { readFileSync, writeFileSync } from 'node:fs';
import * as yaml from 'js-yaml';

interface KubeconfigDoc {
  clusters: { name: string; cluster: Record<string, unknown> }[];
  users: { name: string; user: Record<string, unknown> }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  'current-context'?: string;
}

/** A context in the merged file: a testbed's kubeconfig, or a closed port. */
export type FleetContext =
  | { readonly name: string; readonly kubeconfig: string; readonly user?: Record<string, unknown> }
  | { readonly name: string; readonly closedPort: number };

/** Writes the merged kubeconfig (mode 0600) to `file`; the first context is the current one. */
export function writeFleetKubeconfig(file: string, contexts: readonly FleetContext[]): string {
  const merged: KubeconfigDoc = { clusters: [], users: [], contexts: [] };
  for (const entry of contexts) {
    const { name } = entry;
    if ('closedPort' in entry) {
      const server = `https://127.0.0.1:${entry.closedPort}`;
      merged.clusters.push({ name, cluster: { server, 'insecure-skip-tls-verify': true } });
      merged.users.push({ name, user: { token: 'unused' } });
    } else {
      const doc = yaml.load(readFileSync(entry.kubeconfig, 'utf8')) as KubeconfigDoc;
      merged.clusters.push({ name, cluster: doc.clusters[0]?.cluster ?? {} });
      merged.users.push({ name, user: { ...doc.users[0]?.user, ...entry.user } });
    }
    merged.contexts.push({ name, context: { cluster: name, user: name } });
  }
  merged['current-context'] = contexts[0]?.name;
  writeFileSync(file, yaml.dump(merged), { mode: 0o600 });
  return file;
}

/**
 * Writes (mode 0600) a kubeconfig for `admin`'s cluster whose only credential is `token`, at
 * `server` when given (a path in front of the API server), else at the admin's.
 */
export function writeTokenKubeconfig(
  file: string,
  admin: string,
  user: { readonly name: string; readonly token: string },
  server?: string,
): string {
  const doc = yaml.load(readFileSync(admin, 'utf8')) as KubeconfigDoc;
  const cluster = { ...doc.clusters[0]?.cluster, ...(server ? { server } : {}) };
  const config: KubeconfigDoc = {
    clusters: [{ name: 'testbed', cluster }],
    users: [{ name: user.name, user: { token: user.token } }],
    contexts: [{ name: 'testbed', context: { cluster: 'testbed', user: user.name } }],
    'current-context': 'testbed',
  };
  writeFileSync(file, yaml.dump({ apiVersion: 'v1', kind: 'Config', ...config }), { mode: 0o600 });
  return file;
}
