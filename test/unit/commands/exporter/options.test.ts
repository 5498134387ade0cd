// The exporter's and --watch's flags: bad values are one sentence and exit 1
// before anything connects or listens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../../support/context.ts';

const refused = async (args: string[], message: RegExp) => {
  const { status, stdout, stderr } = await runCli(args, { KUBECONFIG: '/nonexistent' });
  assert.equal(status, 1, stderr);
  assert.equal(stdout, '');
  assert.match(stderr, message);
  assert.equal(stderr.trimEnd().split('\n').length, 1, stderr);
};

test('exporter: a bad --listen, a schedule under a second, --cluster-label with several clusters', async () => {
  await refused(['exporter', '--listen', '10027'], /^error: --listen takes \[HOST\]:PORT/);
  await refused(
    ['exporter', '--probe-interval', '100ms'],
    /^error: --probe-interval must be 1s or longer\./,
  );
  await refused(['exporter', '--audit', '--audit-interval', 'soon'], /--audit-interval/);
  await refused(
    ['exporter', '--all-contexts', '--cluster-label', 'prod'],
    /--cluster-label names a single cluster/,
  );
});

test('--watch: with several clusters, with --all, or with -o prometheus is refused in one sentence', async () => {
  await refused(
    ['status', '--watch', '--all-contexts'],
    /--watch follows one cluster; the exporter watches several\./,
  );
  await refused(['status', '--watch', '--all'], /--watch shows status without --all\./);
  await refused(['verify', '-w', '-o', 'junit'], /--watch prints table, wide, json or yaml/);
});
