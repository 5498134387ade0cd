// What stops a hostPath Pod in a namespace: Pod Security Admission (1.23+),
// Gatekeeper constraints by match and action, PodSecurityPolicy; and which
// Pods reach Antrea's files, with owners through their ReplicaSet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allowsAntreaHostPath,
  constraintPolicy,
  guardOf,
  kubernetesMinor,
} from '../../../src/report/audit/admission.ts';
import { hostPathPods } from '../../../src/report/audit/host-paths.ts';
import type { Constraint } from '../../../src/antrea/snapshot.ts';

const ns = (name: string, labels: Record<string, string> = {}) => ({ metadata: { name, labels } });
const constraint = (spec: Constraint['spec'], kind = 'K8sPSPHostFilesystem'): Constraint => ({
  kind,
  metadata: { name: 'c' },
  spec,
});

test('Pod Security Admission guards at baseline or restricted, from Kubernetes 1.23', () => {
  const label = 'pod-security.kubernetes.io/enforce';
  assert.equal(kubernetesMinor('v1.20.2'), 20);
  assert.equal(kubernetesMinor('unknown'), undefined);
  const at = (level: string, minor?: number) =>
    guardOf(ns('a', { [label]: level }), { kubernetesMinor: minor, constraints: [] });
  assert.equal(at('baseline', 29).guardedBy, 'Pod Security Admission (baseline)');
  assert.equal(at('restricted').guardedBy, 'Pod Security Admission (restricted)');
  assert.match(at('privileged', 29).notGuarding[0] ?? '', /allows hostPath/);
  assert.match(at('baseline', 22).notGuarding[0] ?? '', /does nothing before Kubernetes 1\.23/);
  assert.equal(guardOf(ns('a'), { constraints: [] }).guardedBy, undefined);
});

test('Gatekeeper: deny guards the namespaces it matches; dryrun, excluded or allowed paths do not', () => {
  assert.equal(constraintPolicy(constraint({})).guards, true);
  assert.match(constraintPolicy(constraint({ enforcementAction: 'warn' })).why ?? '', /warn/);
  const allows = constraint({ parameters: { allowedHostPaths: [{ pathPrefix: '/var/run' }] } });
  assert.match(constraintPolicy(allows).why ?? '', /allows hostPath \/var\/run/);
  const elsewhere = constraint({ parameters: { allowedHostPaths: [{ pathPrefix: '/data' }] } });
  assert.equal(constraintPolicy(elsewhere).guards, true);
  assert.equal(
    constraintPolicy(constraint({ parameters: { volumes: ['*'] } }, 'K8sPSPVolumeTypes')).guards,
    false,
  );
  assert.equal(
    constraintPolicy(constraint({ parameters: { volumes: ['secret'] } }, 'K8sPSPVolumeTypes'))
      .guards,
    true,
  );
  const scoped = constraint({
    match: { namespaces: ['team-*'], excludedNamespaces: ['team-ops'] },
  });
  const guard = (name: string) => guardOf(ns(name), { constraints: [scoped] }).guardedBy;
  assert.match(guard('team-a') ?? '', /Gatekeeper K8sPSPHostFilesystem c/);
  assert.equal(guard('team-ops'), undefined);
  assert.equal(guard('other'), undefined);
});

test('PodSecurityPolicy: hostPath with no allowedHostPaths allows everything; a prefix elsewhere does not', () => {
  const psp = (volumes: string[], allowedHostPaths?: { pathPrefix: string }[]) => ({
    spec: { volumes, ...(allowedHostPaths ? { allowedHostPaths } : {}) },
  });
  assert.equal(allowsAntreaHostPath(psp(['secret'])), undefined);
  assert.equal(allowsAntreaHostPath(psp(['hostPath'])), 'any host path');
  assert.equal(allowsAntreaHostPath(psp(['*'], [{ pathPrefix: '/var' }])), 'host path /var');
  assert.equal(allowsAntreaHostPath(psp(['hostPath'], [{ pathPrefix: '/data' }])), undefined);
});

test('hostPath Pods: owner through the ReplicaSet, read-only only when every mount is, trust', () => {
  const pod = (
    namespace: string,
    name: string,
    labels: Record<string, string>,
    readOnly: boolean[],
  ) => ({
    metadata: {
      namespace,
      name,
      labels,
      ownerReferences: [{ kind: 'ReplicaSet', name: 'web-5d9', controller: true }],
    },
    spec: {
      volumes: [
        { name: 'h', hostPath: { path: '/run' } },
        { name: 'd', hostPath: { path: '/data' } },
      ],
      containers: readOnly.map((ro, i) => ({
        name: `c${i}`,
        volumeMounts: [{ name: 'h', readOnly: ro }],
      })),
    },
  });
  const sets = [
    {
      metadata: {
        namespace: 'apps',
        name: 'web-5d9',
        ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }],
      },
    },
  ];
  const rules = {
    antreaNamespace: 'kube-system',
    antreaLabel: ['app', 'antrea'] as const,
    trustedNamespaces: ['ops'],
  };
  const found = hostPathPods(
    [
      pod('apps', 'web-1', {}, [true, false]),
      pod('apps', 'web-2', {}, [true]),
      pod('kube-system', 'antrea-agent-x', { app: 'antrea' }, [false]),
      pod('ops', 'backup', {}, [false]),
    ],
    sets,
    rules,
  );
  assert.deepEqual(
    found.map((p) => [p.pod, p.owner, p.volumes.map((v) => v.readOnly), p.trust]),
    [
      ['web-1', 'Deployment/web', [false], undefined],
      ['web-2', 'Deployment/web', [true], undefined],
      ['antrea-agent-x', 'ReplicaSet/web-5d9', [false], 'antrea'],
      ['backup', 'ReplicaSet/web-5d9', [false], 'trusted-namespace'],
    ],
  );
});

test('Gatekeeper: a constraint guards only if it takes every Pod of the namespace', () => {
  const guard = (spec: Constraint['spec'], labels: Record<string, string> = {}) =>
    guardOf(ns('team-a', labels), { constraints: [constraint(spec)] });
  assert.ok(guard({ match: { namespaces: ['*-a'] } }).guardedBy);
  assert.match(
    guard({ match: { kinds: [{ apiGroups: ['apps'], kinds: ['Deployment'] }] } }).notGuarding[0] ??
      '',
    /does not match Pods/,
  );
  assert.ok(guard({ match: { kinds: [{ apiGroups: [''], kinds: ['Pod'] }] } }).guardedBy);
  assert.match(
    guard({ match: { labelSelector: { matchLabels: { a: 'b' } } } }).notGuarding[0] ?? '',
    /only some Pods/,
  );
  const selected = { match: { namespaceSelector: { matchLabels: { tenant: 'yes' } } } };
  assert.ok(guard(selected, { tenant: 'yes' }).guardedBy);
  assert.match(guard(selected).notGuarding[0] ?? '', /leaves this namespace out/);
  const expressions = {
    match: { namespaceSelector: { matchExpressions: [{ key: 'tenant', operator: 'Exists' }] } },
  };
  assert.match(guard(expressions).notGuarding[0] ?? '', /matchExpressions/);
});
