// The fleet table (src/render/fleet.ts): a line per cluster, the problem in
// words, shortened only on a terminal, -o wide's fingerprints, the summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderFleet, summaryLine } from '../../../src/render/fleet.ts';
import { summarize, verdictOf, type ClusterRead } from '../../../src/report/cluster.ts';
import { createStyle, tableWidth, type TextOptions } from '../../../src/render/style.ts';
import { expiring, failing, forbidden, healthy, unreachable } from '../../support/fleet.ts';

const reads: ClusterRead[] = [healthy, failing, unreachable, forbidden];
/** The options a context makes: the width given counts on a terminal only. */
const textOptions = (options: Partial<TextOptions> = {}): TextOptions => {
  const wide = options.wide ?? false;
  const terminal = options.terminal ?? false;
  const columns = options.width ?? 80;
  return {
    style: createStyle(false),
    wide,
    terminal,
    width: tableWidth({ terminal, wide, columns }),
  };
};
const render = (options: Partial<TextOptions> = {}) =>
  renderFleet(reads, reads.map(verdictOf), summarize(reads), textOptions(options));
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
    /\n\n4 clusters: 1 passed, 0 warnings, 1 failed, 1 unreachable, 1 not read \(refused, no Antrea, kubeconfig or credentials\)\n$/,
  );
  // The header, a line per cluster in the order given, a blank line, the summary.
  const lines = text.trimEnd().split('\n');
  assert.equal(lines.length, 1 + reads.length + 2);
  assert.deepEqual(
    lines.slice(1, 1 + reads.length).map((line) => line.split(' ')[0]),
    ['healthy', 'failing', 'dead', 'forbidden'],
  );
  assert.equal(lines[1 + reads.length], '');
});

test('a cluster with warnings only: its days left, ‼ and the warning in words', () => {
  const text = renderFleet([expiring], [verdictOf(expiring)], summarize([expiring]), textOptions());
  assert.match(
    lineOf(text, 'expiring'),
    /^expiring +v2\.7\.0 kube-system +self-signed +19d +36\dd +4\/4 +‼ +certificate "CN=antrea@1" expires in 19d$/,
  );
  assert.match(text, /\n1 cluster: 0 passed, 1 warnings, 0 failed, 0 unreachable\n$/);
});

test('the problem is shortened to the width on a terminal only', () => {
  const piped = render({ terminal: false });
  const terminal = render({ terminal: true });
  assert.ok(lineOf(piped, 'dead').length > 80);
  assert.ok(lineOf(terminal, 'dead').length <= 80, lineOf(terminal, 'dead'));
  assert.match(lineOf(terminal, 'dead'), /…$/);
  // Not a terminal, or not known to be one: whole, however narrow the width.
  for (const options of [{ terminal: false, width: 40 }, { width: 40 }]) {
    assert.match(
      lineOf(render(options), 'dead'),
      /unreachable: cannot reach the API server at https:\/\/127\.0\.0\.1:1\.$/,
    );
    assert.doesNotMatch(render(options), /…/);
  }
});

test('on a terminal every line of the table fits; with room to spare only the problem gives way', () => {
  for (const width of [80, 100]) {
    const table = render({ terminal: true, width }).split('\n\n')[0]?.split('\n') ?? [];
    assert.equal(table.length, 1 + reads.length);
    for (const line of table) assert.ok(line.length <= width, `${width}: ${line}`);
  }
  const roomy = render({ terminal: true, width: 100 });
  assert.match(
    lineOf(roomy, 'failing'),
    /^failing +v2\.7\.0 kube-system +self-signed +.* × +\S+…$/,
  );
  assert.match(lineOf(roomy, 'dead'), / × +unreachable: \S.*…$/);
});

test('-o wide adds the fingerprints last and never shortens the problem', () => {
  const serving = healthy.status.servingCertificate;
  const ca = healthy.status.caBundle.certificates.find((c) => c.isCA);
  assert.ok(serving && ca);
  const [servingPrint, caPrint] = [serving.sha256.slice(0, 16), ca.sha256.slice(0, 16)];
  const wide = render({ terminal: true, wide: true });
  assert.match(wide.split('\n')[0] ?? '', /PROBLEM +SERVING SHA-256 +CA SHA-256$/);
  assert.match(lineOf(wide, 'healthy'), new RegExp(` ${servingPrint} +${caPrint}$`));
  assert.match(lineOf(wide, 'dead'), /127\.0\.0\.1:1\. +- +-$/);
  assert.doesNotMatch(wide, /…/);
  // Without -o wide, no fingerprint.
  const narrow = render({ terminal: true });
  assert.doesNotMatch(narrow, /SHA-256/);
  assert.ok(!narrow.includes(servingPrint) && !narrow.includes(caPrint));
});

test('the summary line: singular, and no "not read" part when every cluster was read', () => {
  assert.equal(
    summaryLine(summarize([healthy])),
    '1 cluster: 1 passed, 0 warnings, 0 failed, 0 unreachable',
  );
});
