// verify and audit as JUnit XML: well-formed (xmllint), valid against the
// schema of what Jenkins and GitLab read, one testsuite per cluster, one
// testcase per check id, and warnings failing only under --strict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { renderJunit, type JunitSuite } from '../../../src/render/junit.ts';
import type { Check } from '../../../src/report/check.ts';

const SCHEMA = fileURLToPath(new URL('../../support/junit.xsd', import.meta.url));
const timestamp = new Date('2026-12-03T10:00:00Z');

const checks: Check[] = [
  {
    id: 'consumer:APIService/v1beta2.controlplane.antrea.io',
    status: 'pass',
    message: 'carries the CA',
  },
  {
    id: 'expiry:CN=antrea',
    status: 'warn',
    message: 'certificate "CN=antrea" expires in 12d',
    hint: 'kubectl antrea-certs rotate',
  },
  {
    id: 'published:Secret/antrea-controller-tls',
    status: 'fail',
    message: 'antrea-ca does not hold <the> "CA" & more\u001b[2J',
    hint: 'restart',
    detail: ['spec:', '  ignoreDifferences:'],
  },
  {
    id: 'not-checked:Secret/antrea-controller-tls',
    status: 'skip',
    message: 'Secret/antrea-controller-tls is not read by choice',
  },
];
const suites: JunitSuite[] = [
  { name: 'prod', properties: { namespace: 'kube-system' }, checks },
  {
    name: 'dead',
    properties: {},
    checks: [],
    error: { kind: 'unreachable', message: 'no route <x>' },
  },
];

function xmllint(xml: string, ...args: string[]) {
  return spawnSync('xmllint', ['--noout', ...args, '-'], { input: xml, encoding: 'utf8' });
}

test('well-formed and valid against the JUnit schema, with or without --strict', () => {
  for (const warningsFail of [false, true]) {
    const xml = renderJunit('verify', suites, { warningsFail, timestamp });
    const linted = xmllint(xml);
    assert.equal(linted.status, 0, linted.stderr);
    const valid = xmllint(xml, '--schema', SCHEMA);
    assert.equal(valid.status, 0, valid.stderr);
  }
});

test('a suite per cluster, a testcase per check id; failures, errors and warnings as the exit code counts them', () => {
  const xml = renderJunit('verify', suites, { warningsFail: false, timestamp });
  assert.match(
    xml,
    /<testsuites name="kubectl antrea-certs verify" tests="5" failures="1" errors="1"/,
  );
  assert.match(
    xml,
    /<testsuite name="prod" tests="4" failures="1" errors="0" skipped="1" time="0" timestamp="2026-12-03T10:00:00">/,
  );
  assert.match(
    xml,
    /<testcase name="not-checked:Secret\/antrea-controller-tls" classname="antrea-certs\.verify">\n\s+<skipped message="Secret\/antrea-controller-tls is not read by choice"\/>/,
  );
  assert.match(xml, /<property name="namespace" value="kube-system"\/>/);
  assert.match(
    xml,
    /<testcase name="consumer:APIService\/v1beta2\.controlplane\.antrea\.io" classname="antrea-certs\.verify"><\/testcase>/,
  );
  assert.match(
    xml,
    /<system-out>warning:\ncertificate "CN=antrea" expires in 12d\nhint: kubectl antrea-certs rotate<\/system-out>/,
  );
  assert.match(
    xml,
    /<failure type="fail" message="antrea-ca does not hold &lt;the&gt; &quot;CA&quot; &amp; more\\x1b\[2J">/,
  );
  assert.match(xml, /hint: restart\nspec:\n {2}ignoreDifferences:<\/failure>/);
  assert.match(
    xml,
    /<testsuite name="dead" tests="1" failures="0" errors="1"[^>]*>\n {4}<testcase name="read"[^>]*>\n {6}<error type="unreachable" message="no route &lt;x&gt;"\/>/,
  );
  const strict = renderJunit('verify', suites, { warningsFail: true, timestamp });
  assert.match(strict, /<testsuite name="prod" tests="4" failures="2"/);
  assert.match(
    strict,
    /<failure type="warn" message="certificate &quot;CN=antrea&quot; expires in 12d">/,
  );
  assert.ok(!(strict + xml).includes('\u001b'), 'no ESC in the XML');
});
