// The record a change leaves in the cluster: after rotate, import, mode, a
// rolled-back mode and restore, `kubectl get events` shows one Event each on
// the antrea-controller Deployment (reason, who, fingerprints, backup; Warning
// for the rollback), and status shows the last change from the Deployment's
// annotation. A user who may not create Events still changes, with one warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  clusterRoleBinding,
  FAST_TIMINGS,
  testbed,
  userProvidedPair,
  type Testbed,
} from '../../testbed/fixture.ts';
import { pluginAsync } from '../plugin.ts';

const bed: Testbed = await testbed({ version: 'v2.7.0', timings: FAST_TIMINGS });
const ns = bed.namespace;
const work = mkdtempSync(join(tmpdir(), 'antrea-certs-events-'));
const backups = join(work, 'backups');
const run = (args: string[]) => pluginAsync(bed.kubeconfig, [...args, '--backup-dir', backups]);

interface EventItem {
  metadata: { name: string };
  reason: string;
  type: string;
  message: string;
  involvedObject: { kind: string; name: string };
  reportingComponent?: string;
}
const events = (): EventItem[] =>
  (
    JSON.parse(
      bed.kubectl(
        '-n',
        ns,
        'get',
        'events',
        '--field-selector',
        'involvedObject.name=antrea-controller',
        '-o',
        'json',
      ),
    ) as { items: EventItem[] }
  ).items.filter((e) => e.reportingComponent === 'kubectl-antrea-certs');

async function pairDir(commonName = 'antrea'): Promise<string> {
  const pair = await userProvidedPair(ns, commonName);
  const dir = join(work, `pair-${commonName}-${Date.now()}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'tls.crt'), pair.cert);
  writeFileSync(join(dir, 'tls.key'), pair.key);
  writeFileSync(join(dir, 'ca.crt'), pair.ca);
  return dir;
}

/** Runs a change and returns the one new Event it left. */
async function changeAndEvent(args: string[], status = 0): Promise<EventItem> {
  const before = new Set(events().map((e) => e.metadata.name));
  const result = await run(args);
  assert.equal(result.status, status, result.stderr);
  const added = events().filter((e) => !before.has(e.metadata.name));
  assert.equal(added.length, 1, `one new Event: ${JSON.stringify(added)}`);
  const [event] = added;
  assert.ok(event);
  assert.deepEqual(event.involvedObject.kind, 'Deployment');
  assert.match(event.message, new RegExp(`by \\S+@${hostname()}:`));
  assert.match(event.message, /serving certificate [0-9a-f]{16} -> [0-9a-f]{16}/);
  assert.match(event.message, new RegExp(`backup ${hostname()}:${backups}/`));
  return event;
}

const lastChange = async () =>
  (await pluginAsync(bed.kubeconfig, ['status'])).stdout.match(/^Last change\s+(.*)$/m)?.[1];

test('rotate, import, mode, a rolled-back mode and restore: one Event each; status shows the last', async () => {
  const rotated = await changeAndEvent(['rotate', '--yes']);
  assert.equal(rotated.reason, 'CertificateRotated');
  assert.equal(rotated.type, 'Normal');
  assert.match(
    (await lastChange()) ?? '',
    /^\d{4}-\d\d-\d\d \d\d:\d\d UTC: rotate by \S+ \(converged\), backup /,
  );

  const imported = await changeAndEvent([
    'import',
    '--from-dir',
    await pairDir(),
    '--mode',
    'user-provided',
    '--yes',
  ]);
  assert.equal(imported.reason, 'CertificateImported');

  const moded = await changeAndEvent(['mode', 'self-signed', '--regenerate', '--yes']);
  assert.equal(moded.reason, 'ModeChanged');

  // The controller's own pair has no ca.crt: user-provided, it cannot start, and mode puts
  // self-signed back (--force skips the preflight that says so; the rollback still guards).
  const rolledBack = await changeAndEvent(
    ['mode', 'user-provided', '--force', '--yes', '--timeout', '30s'],
    124,
  );
  assert.equal(rolledBack.reason, 'ChangeRolledBack');
  assert.equal(rolledBack.type, 'Warning');
  assert.match((await lastChange()) ?? '', /: mode by \S+ \(rolled-back\)/);

  const backup = /backup \S+?:(\S+)$/.exec(moded.message)?.[1];
  assert.ok(backup, moded.message);
  const restored = await changeAndEvent(['restore', backup, '--yes']);
  assert.equal(restored.reason, 'ChangeRestored');
  assert.match((await lastChange()) ?? '', /: restore by /);
});

test('a user who may not create Events still changes, with one warning', async (t) => {
  // Everything a change needs, and no Event: RBAC is additive, so the kinds are listed.
  const user = 'antrea-certs-no-events';
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: user },
    rules: [
      {
        apiGroups: ['', 'apps', 'coordination.k8s.io', 'apiregistration.k8s.io'],
        resources: [
          'secrets',
          'configmaps',
          'deployments',
          'pods',
          'pods/portforward',
          'leases',
          'namespaces',
          'apiservices',
          'replicasets',
        ],
        verbs: ['*'],
      },
      {
        apiGroups: ['admissionregistration.k8s.io', 'apiextensions.k8s.io', 'crd.antrea.io'],
        resources: [
          'validatingwebhookconfigurations',
          'mutatingwebhookconfigurations',
          'customresourcedefinitions',
          'antreacontrollerinfos',
        ],
        verbs: ['*'],
      },
    ],
  };
  const file = join(work, 'no-events.json');
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [role, clusterRoleBinding(user, user, user)],
    }),
  );
  bed.kubectl('apply', '-f', file);
  t.after(() => bed.kubectlResult('delete', '-f', file, '--ignore-not-found'));
  const before = events().length;
  // The first test ends in user-provided mode (its restore): this change goes back.
  const result = await run(['mode', 'self-signed', '--regenerate', '--yes', '--as', user]);
  assert.equal(result.status, 0, result.stderr);
  const warnings = result.stderr
    .split('\n')
    .filter((l) => l.startsWith('Warning: the change is not recorded'));
  assert.equal(warnings.length, 1, result.stderr);
  assert.match(warnings[0] ?? '', /create events.*forbidden|events.*403|may not create events/i);
  assert.equal(events().length, before, 'no Event');
  assert.match((await lastChange()) ?? '', /: mode by /, 'the annotation is still written');
});
