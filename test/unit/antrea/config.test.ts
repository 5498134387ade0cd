// Reading selfSignedCert from antrea-controller.conf, and editing it: that key
// changes and nothing else, in the config of every real release manifest
// (src/antrea/config.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as yaml from 'js-yaml';
import { setSelfSignedCert, readSelfSignedCert } from '../../../src/antrea/config.ts';

const manifests = fileURLToPath(new URL('../../../../shared/antrea-manifests/', import.meta.url));

function controllerConf(version: string): string {
  const docs = yaml.loadAll(readFileSync(`${manifests}antrea-${version}.yml`, 'utf8')) as {
    kind?: string;
    data?: Record<string, string>;
  }[];
  const conf = docs.find((d) => d?.kind === 'ConfigMap' && d.data?.['antrea-controller.conf'])
    ?.data?.['antrea-controller.conf'];
  assert.ok(conf, `${version} has antrea-controller.conf`);
  return conf;
}

/** The lines that differ between two texts of the same length in lines. */
function changedLines(before: string, after: string): [string, string][] {
  const a = before.split('\n');
  const b = after.split('\n');
  assert.equal(b.length, a.length, 'no line added or removed');
  return a.flatMap((line, i) =>
    line === b[i] ? [] : ([[line, b[i] ?? '']] as [string, string][]),
  );
}

test('selfSignedCert: default true, commented out in v1.0, explicit false, and broken values', () => {
  assert.deepEqual(readSelfSignedCert('# comment\nfeatureGates:\n#selfSignedCert: true\n'), {
    value: true,
    explicit: false,
  });
  assert.deepEqual(readSelfSignedCert('selfSignedCert: false\n'), { value: false, explicit: true });
  assert.deepEqual(readSelfSignedCert('selfSignedCert: true # default\n'), {
    value: true,
    explicit: true,
  });
  assert.match(
    String((readSelfSignedCert('selfSignedCert: "no"\n') as { error: string }).error),
    /not true or false/,
  );
  assert.match(
    String((readSelfSignedCert('selfSignedCert: [\n') as { error: string }).error),
    /not valid YAML/,
  );
});

for (const version of ['v1.0.0', 'v1.12.3', 'v2.7.0']) {
  test(`${version}: switching to false and back changes only the selfSignedCert line`, () => {
    const original = controllerConf(version);
    const off = setSelfSignedCert(original, false);
    assert.deepEqual(readSelfSignedCert(off), { value: false, explicit: true });
    const changed = changedLines(original, off);
    assert.equal(changed.length, 1);
    assert.match(changed[0]?.[0] ?? '', /^#?selfSignedCert: true$/);
    assert.equal(changed[0]?.[1], 'selfSignedCert: false');

    const on = setSelfSignedCert(off, true);
    assert.deepEqual(readSelfSignedCert(on), { value: true, explicit: true });
    assert.equal(
      changedLines(original, on).length,
      version === 'v1.0.0' ? 1 : 0,
      'v1.0 keeps a real key where the comment was',
    );
    if (version !== 'v1.0.0') assert.equal(on, original, 'byte for byte');
  });
}

test('trailing comments, CRLF line ends and a file without the key', () => {
  assert.equal(
    setSelfSignedCert('a: 1\nselfSignedCert: true   # keep me\nb: 2\n', false),
    'a: 1\nselfSignedCert: false   # keep me\nb: 2\n',
  );
  assert.equal(
    setSelfSignedCert('a: 1\r\nselfSignedCert: false\r\nb: 2\r\n', true),
    'a: 1\r\nselfSignedCert: true\r\nb: 2\r\n',
  );
  assert.equal(setSelfSignedCert('a: 1\nb: 2', false), 'a: 1\nb: 2\nselfSignedCert: false\n');
  assert.equal(setSelfSignedCert('', false), 'selfSignedCert: false\n');
  assert.equal(setSelfSignedCert('# selfSignedCert: true\n', false), 'selfSignedCert: false\n');
  assert.equal(
    setSelfSignedCert('nested:\n  selfSignedCert: true\n', false),
    'nested:\n  selfSignedCert: true\nselfSignedCert: false\n',
    'an indented key belongs to another map',
  );
  assert.throws(
    () => setSelfSignedCert('selfSignedCert: [\n', false),
    /edit the ConfigMap by hand/,
  );
});
