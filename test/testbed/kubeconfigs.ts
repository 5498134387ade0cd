// One kubeconfig holding several testbeds' clusters and users, each under a
// context of its own name, plus contexts whose API server is a closed port:
// the fleet tests and the fleet rows of the bench read it.
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
