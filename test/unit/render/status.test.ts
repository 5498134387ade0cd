// Rendering status and verify reports (src/render/status.ts, data.ts,
// checks.ts): the width of the table, the documented fields, and no key material.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as yaml from 'js-yaml';
import { statusFrom } from '../../../src/report/status.ts';
import { renderStatus } from '../../../src/render/status.ts';
import { renderChecks } from '../../../src/render/checks.ts';
import { renderData } from '../../../src/render/data.ts';
import { createStyle, visibleLength } from '../../../src/render/style.ts';
import type { Installation } from '../../../src/antrea/installation.ts';
import { DAY, now, servingPair } from '../../support/certificates.ts';
import { selfSigned } from '../../support/installation.ts';
import { verify } from '../../support/report.ts';

const healthy = await servingPair();

test('no private key appears in any rendering', () => {
  const inst = selfSigned(healthy);
  const status = statusFrom({ installation: inst, now, warnWithin: 30 * DAY });
  const report = verify(inst);
  const outputs = [
    renderStatus(status, { style: createStyle(false), width: 100, wide: true }),
    renderData(status, 'json'),
    renderData(status, 'yaml'),
    renderData(report, 'json'),
    renderChecks(report, { style: createStyle(true) }),
    JSON.stringify(inst),
  ];
  const keyBody = healthy.leaf.keyPem.split('\n')[1] ?? 'unreachable';
  for (const out of outputs) {
    assert.doesNotMatch(out, /PRIVATE KEY/);
    assert.ok(!out.includes(keyBody));
  }
});

test('the status table fits 100 columns even with long names, and json/yaml carry the documented fields', () => {
  const inst = selfSigned(healthy);
  const long: Installation = {
    ...inst,
    consumers: [
      ...inst.consumers,
      {
        kind: 'MutatingWebhookConfiguration',
        name: `${'very-long-webhook-configuration-name.'.repeat(4)}antrea.io`,
        webhook: 'x',
        caBundle: '',
        servedByLabel: false,
        caBundleOwners: ['antrea-controller'],
      },
    ],
  };
  const status = statusFrom({ installation: long, now, warnWithin: 30 * DAY });
  for (const style of [createStyle(false), createStyle(true)]) {
    const text = renderStatus(status, { style, width: 100, wide: false });
    const widths = text
      .split('\n')
      .filter((l) => !l.includes('‼'))
      .map(visibleLength);
    assert.ok(Math.max(...widths) <= 100, `widest line ${Math.max(...widths)}`);
    assert.match(text, /MutatingWebhook +very-long-webhook-configuration-name\.very-long.*…/);
    assert.match(text, /× empty/);
  }
  const json = JSON.parse(renderData(status, 'json')) as Record<string, unknown>;
  for (const field of [
    'mode',
    'namespace',
    'antreaVersion',
    'servingCertificate',
    'caBundle',
    'consumers',
    'warnings',
  ])
    assert.ok(field in json, field);
  const cert = (json.caBundle as { certificates: Record<string, unknown>[] }).certificates[0] ?? {};
  for (const field of ['subject', 'issuer', 'notBefore', 'notAfter', 'dnsNames', 'sha256'])
    assert.ok(field in cert, field);
  const consumer = (json.consumers as Record<string, unknown>[])[0] ?? {};
  for (const field of ['kind', 'name', 'caBundleMatches']) assert.ok(field in consumer, field);
  assert.deepEqual(yaml.load(renderData(status, 'yaml')), json);
});
