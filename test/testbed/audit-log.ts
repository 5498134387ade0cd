// kube-apiserver's audit log on a testbed: the flags that make it write one
// (every request, at the Metadata level, before it answers), and its events
// read back, to count what the API server saw of a client.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';

/** Writes the audit policy in `dir`; the flags for testbed({ apiserverArgs }) and the log's path. */
export function auditLog(dir: string): { readonly apiserverArgs: string[]; readonly path: string } {
  const policy = join(dir, 'audit-policy.yaml');
  const path = join(dir, 'audit.log');
  writeFileSync(
    policy,
    yaml.dump({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Metadata' }] }),
  );
  return {
    apiserverArgs: [
      `--audit-policy-file=${policy}`,
      `--audit-log-path=${path}`,
      '--audit-log-mode=blocking',
    ],
    path,
  };
}

/** One request as the log has it once answered. */
export interface AuditedRequest {
  readonly verb: string;
  readonly uri: string;
  readonly code: number;
}

/** The requests of `user` received since `since` (ms), answered. */
export function requestsOf(path: string, user: string, since: number): AuditedRequest[] {
  type Event = {
    stage: string;
    user?: { username?: string };
    verb: string;
    requestURI: string;
    responseStatus?: { code?: number };
    requestReceivedTimestamp: string;
  };
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.includes(user))
    .map((line) => JSON.parse(line) as Event)
    .filter(
      (e) =>
        e.stage === 'ResponseComplete' &&
        e.user?.username === user &&
        Date.parse(e.requestReceivedTimestamp) >= since,
    )
    .map((e) => ({ verb: e.verb, uri: e.requestURI, code: e.responseStatus?.code ?? 0 }));
}

/** Refused: RBAC's 403, or 401. */
export const isRefused = (r: AuditedRequest) => r.code === 403 || r.code === 401;
