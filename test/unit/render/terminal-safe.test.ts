// Hostile text from the cluster, a certificate or a kubeconfig, rendered by
// every text renderer the way the commands print it: nothing that moves the
// cursor, sets the title, hides text, reorders a line or starts a new one may
// reach the terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { terminalSafe, terminalSafeDeep, terminalSafeNote } from '../../../src/terminal-safe.ts';
import { auditOf } from '../../../src/report/audit/audit.ts';
import { inventoryOf } from '../../../src/report/inventory.ts';
import { statusOf } from '../../../src/report/status.ts';
import { verifyOf } from '../../../src/report/verify/verify.ts';
import { printReport } from '../../../src/framework/printer.ts';
import { renderStatus } from '../../../src/render/status.ts';
import { renderChecks } from '../../../src/render/checks.ts';
import { renderInventory } from '../../../src/render/inventory.ts';
import { renderFleet } from '../../../src/render/fleet.ts';
import { createStyle, tableWidth } from '../../../src/render/style.ts';
import { summarize, verdictOf, type ClusterRead } from '../../../src/report/cluster.ts';
import type * as k8s from '../../../src/kube/objects.ts';
import { DAY, now, servingPair } from '../../support/certificates.ts';
import { configMap, noIpsec, noSecurity, selfSignedSnapshot } from '../../support/snapshot.ts';
import { testContext } from '../../support/context.ts';
import { healthy as healthyRead } from '../../support/fleet.ts';

const HOSTILE = [
  'clear\u001b[2J',
  'title\u001b]0;owned\u0007',
  'hide\u001b[8mme',
  'line\n✔ forged',
  'cr\roverwrite',
  'bidi\u202eevil',
  'c1\u0085next',
  'csi\u009b31m',
  'sep\u2028x',
  'tab\tx',
  'del\u007f',
];
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- what may not reach the terminal
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function assertSafe(output: string, what: string) {
  const bad = UNSAFE.exec(output);
  assert.equal(bad, null, `${what}: U+${bad?.[0].charCodeAt(0).toString(16)} reached the output`);
  assert.doesNotMatch(output, /^✔ forged/m, `${what}: a forged line`);
}

test('terminalSafe escapes every control and reordering mark, visibly; notes keep their own colours', () => {
  assert.equal(terminalSafe('a\u001b[2Jb\nc\td\u202e'), 'a\\x1b[2Jb\\nc\\td\\u202e');
  assert.equal(terminalSafe('CN=antrea, 日本, é'), 'CN=antrea, 日本, é');
  assert.equal(
    terminalSafeNote('\u001b[31mred\u001b[39m and \u001b]0;t\u0007\nnext \u001b[8mhidden'),
    '\u001b[31mred\u001b[39m and \\x1b]0;t\\x07\nnext \\x1b[8mhidden',
  );
  assert.deepEqual(terminalSafeDeep({ a: ['x\ny'], b: { c: 1, d: 'e\u001b' } }), {
    a: ['x\\ny'],
    b: { c: 1, d: 'e\\x1b' },
  });
});

/** A table printed as the commands print it (printReport), on a 100-column terminal and in a pipe. */
async function printed<R>(report: R, render: (r: R, o: never) => string) {
  const outputs: string[] = [];
  for (const output of ['table', 'wide'] as const) {
    const t = testContext({ overrides: { output } });
    await printReport(t.ctx, report, render as (r: R, o: unknown) => string);
    outputs.push(t.stdout());
  }
  return outputs.join('\n');
}

for (const hostile of HOSTILE) {
  const name = JSON.stringify(hostile);
  test(`a certificate subject ${name}: status, verify and status --all print it escaped`, async () => {
    const pair = await servingPair({ caName: `antrea-ca ${hostile}` });
    const extra = await servingPair({ caName: `extra ${hostile}` });
    const snapshot = selfSignedSnapshot(pair, {
      configMaps: [configMap('antrea-ca', { 'ca.crt': pair.ca.certPem + extra.ca.certPem })],
    });
    const thresholds = { warnWithin: 30 * DAY, failWithin: 7 * DAY };
    assertSafe(
      await printed(statusOf(snapshot, now, thresholds.warnWithin), renderStatus),
      'status',
    );
    assertSafe(await printed(verifyOf(snapshot, now, thresholds), renderChecks), 'verify');
    const inventory = inventoryOf(
      {
        ...snapshot,
        ipsec: noIpsec,
        agentInfos: { value: [] },
        keyMaterial: {
          memberlistKeys: { value: 0 },
          flowAggregatorCa: {
            value: { location: `ConfigMap fa/${hostile}`, pem: extra.ca.certPem },
          },
          flowAggregatorClient: { value: undefined },
          flowAggregatorCaPair: { value: undefined },
          multiclusterCas: { value: [] },
        },
      },
      now,
      { warnWithin: thresholds.warnWithin },
    );
    assertSafe(await printed(inventory, renderInventory), 'status --all');
  });

  test(`a hostPath and an owner name ${name}: audit prints them escaped`, async () => {
    const pair = await servingPair();
    const pod: k8s.Pod = {
      metadata: {
        name: 'debug',
        namespace: 'tenant',
        ownerReferences: [{ kind: 'DaemonSet', name: `ds ${hostile}`, controller: true }],
      },
      spec: {
        containers: [{ name: 'c', volumeMounts: [{ name: 'run', mountPath: '/host' }] }],
        volumes: [{ name: 'run', hostPath: { path: `/var/run/antrea/${hostile}` } }],
      },
    };
    const report = auditOf(
      selfSignedSnapshot(pair, {
        security: { ...noSecurity, pods: { value: [pod] } },
        ipsec: noIpsec,
      }),
      now,
      { warnWithin: 30 * DAY, failWithin: 7 * DAY, trustedNamespaces: [] },
    );
    const output = await printed(report, renderChecks);
    assert.match(output, /ds /, 'the owner is named');
    assertSafe(output, 'audit');
  });

  test(`a kubeconfig context and a problem ${name}: the fleet table prints them escaped`, () => {
    const reads: ClusterRead[] = [
      { ...healthyRead, context: `ctx ${hostile}` },
      {
        context: `dead ${hostile}`,
        error: { kind: 'unreachable', message: `no route ${hostile}` },
      },
    ];
    const safe = terminalSafeDeep(reads);
    for (const terminal of [true, false]) {
      const options = {
        style: createStyle(false),
        wide: false,
        terminal,
        width: tableWidth({ terminal, wide: false, columns: 100 }),
      };
      assertSafe(renderFleet(safe, safe.map(verdictOf), summarize(safe), options), 'fleet');
    }
  });
}

test('table columns are measured in terminal columns: wide characters, combining marks, emoji', async () => {
  const { alignColumns } = await import('../../../src/render/table.ts');
  const { visibleLength } = await import('../../../src/render/style.ts');
  const rows = [
    ['日本語の名前', 'x'],
    ['e\u0301e\u0301', 'y'],
    ['🔐key', 'z'],
  ];
  const lines = alignColumns(rows, 200);
  const second = lines.map((line) => visibleLength(line) - 1);
  assert.equal(
    new Set(second).size,
    1,
    `the second column starts at one column: ${lines.join(' | ')}`,
  );
  const cut = alignColumns(rows, 14);
  for (const line of cut) assert.ok(visibleLength(line) <= 14, line);
  assert.match(cut[0] ?? '', /…/);
});
