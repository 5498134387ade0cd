// The fleet table (src/render/fleet.ts): a line per cluster, the problem in
// words, shortened only on a terminal, -o wide's fingerprints, the summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderFleet, summaryLine } from '../../../src/render/fleet.ts';
import { summarize, verdictOf, type ClusterRead } from '../../../src/report/cluster.ts';
import { createStyle, type TextOptions } from '../../../src/render/style.ts';
import { failing, forbidden, healthy, unreachable } from '../../support/fleet.ts';

const reads: ClusterRead[] = [healthy, failing, unreachable, forbidden];
const render = (options: Partial<TextOptions> = {}) =>
  renderFleet(reads, reads.map(verdictOf), summarize(reads), {
    style: createStyle(false),
    width: 80,
    wide: false,
    ...options,
  });
const lineOf = (text: string, context: string) =>
  text.split('\n').find((line) => line.startsWith(`${context} `)) ?? '';

test('one line per cluster with its facts, verdict and first problem, then the summary', () => {
  const text = render();
  assert.match(
    text.split('\n')[0] ?? '',
    /^CONTEXT +ANTREA +MODE +SERVING +CA +CONSUMERS +VERIFY +PROBLEM$/,
  );
  assert.match(
    lineOf(text, 'healthy'),
    /^healthy +v2\.7\.0 kube-system +self-signed +36\dd +36\dd +4\/4 +✔ +-$/,
  );
  assert.match(
    lineOf(text, 'failing'),
    / 2\/4 +× +ValidatingWebhookConfiguration\/crdvalidator\.antrea\.io/,
  );
  assert.match(
    lineOf(text, 'dead'),
    /^dead +- +- +- +- +- +× +unreachable: cannot reach the API server at https:\/\/127\.0\.0\.1:1\.$/,
  );
  assert.match(
    lineOf(text, 'forbidden'),
    /× +forbidden: you are not allowed to list deployments\.apps\.$/,
  );
  assert.match(
    text,
    /\n\n4 clusters: 1 passed, 0 warnings, 1 failed, 1 unreachable, 1 not read \(refused, no Antrea or kubeconfig\)\n$/,
  );
});

test('the problem is shortened to the width on a terminal only, and never with -o wide', () => {
  const piped = render({ terminal: false });
  const terminal = render({ terminal: true });
  assert.ok(lineOf(piped, 'dead').length > 80);
  assert.ok(lineOf(terminal, 'dead').length <= 80, lineOf(terminal, 'dead'));
  assert.match(lineOf(terminal, 'dead'), /…$/);
  const wide = render({ terminal: true, wide: true });
  assert.match(wide.split('\n')[0] ?? '', /PROBLEM +SERVING SHA-256 +CA SHA-256$/);
  const fingerprint = healthy.status.servingCertificate?.sha256.slice(0, 16) ?? 'none';
  assert.ok(lineOf(wide, 'healthy').includes(fingerprint));
  assert.match(lineOf(wide, 'dead'), /127\.0\.0\.1:1\. +- +-$/);
});

test('the summary line: singular, and no "not read" part when every cluster was read', () => {
  assert.equal(
    summaryLine(summarize([healthy])),
    '1 cluster: 1 passed, 0 warnings, 0 failed, 0 unreachable',
  );
});
