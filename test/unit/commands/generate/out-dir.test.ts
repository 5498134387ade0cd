// The directory generate writes: new or empty only, 0700, keys 0600, and
// nothing left behind when a write fails part-way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeOutDir } from '../../../../src/commands/generate/out-dir.ts';
import { Sensitive } from '../../../../src/sensitive.ts';
import { InputError } from '../../../../src/errors.ts';

const work = mkdtempSync(join(tmpdir(), 'antrea-certs-outdir-'));
const files = [
  { name: 'ca.crt', content: 'CA' },
  { name: 'tls.key', content: new Sensitive('KEY') },
];

test('a new directory, nested: 0700, certificates 0644, keys 0600', () => {
  const dir = join(work, 'a', 'b');
  writeOutDir(dir, files);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, 'ca.crt')).mode & 0o777, 0o644);
  assert.equal(statSync(join(dir, 'tls.key')).mode & 0o777, 0o600);
  assert.equal(readFileSync(join(dir, 'tls.key'), 'utf8'), 'KEY');
});

test('an empty directory is made 0700; a file or a non-empty directory is refused', () => {
  const empty = join(work, 'empty');
  mkdirSync(empty, { mode: 0o755 });
  writeOutDir(empty, files);
  assert.equal(statSync(empty).mode & 0o777, 0o700);
  assert.throws(
    () => writeOutDir(empty, files),
    (e: unknown) => e instanceof InputError && /is not empty \(ca\.crt, tls\.key\)/.test(e.message),
  );
  const file = join(work, 'file');
  writeFileSync(file, '');
  assert.throws(() => writeOutDir(file, files), /--out .*file is a file; name a new directory/);
});

test('a failure part-way removes what it wrote', () => {
  const clean = join(work, 'clean');
  mkdirSync(clean);
  // The second file's directory does not exist: its write fails after ca.crt was written.
  const clash = [
    { name: 'ca.crt', content: 'CA' },
    { name: 'sub/tls.key', content: new Sensitive('KEY') },
  ];
  assert.throws(() => writeOutDir(clean, clash), /cannot write into .*nothing was left there/);
  assert.deepEqual(readdirSync(clean), []);
});
