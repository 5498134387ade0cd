// Writing a backup file (src/change/backup.ts): whole or not at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBackup, saveBackup, type Backup } from '../../../src/change/backup.ts';
import { sameCluster } from '../../../src/change/cluster-identity.ts';
import { InputError } from '../../../src/errors.ts';
import { Sensitive } from '../../../src/sensitive.ts';

const backup: Backup = {
  namespace: 'kube-system',
  createdAt: '2026-12-03T10:00:00.000Z',
  secret: {
    name: 'antrea-controller-tls',
    existed: true,
    cert: 'CERT',
    key: new Sensitive('-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----\n'),
  },
};

test('a backup is written whole, mode 0600, under its final name only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backup-'));
  const path = saveBackup(backup, dir);
  assert.deepEqual(readdirSync(dir), ['antrea-certs-kube-system-2026-12-03T10-00-00-000Z.json']);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.match(readFileSync(path, 'utf8'), /"createdAt": "2026-12-03T10:00:00.000Z"/);
});

test('a full disk (ENOSPC) leaves no empty or partial file, and says so in one sentence', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backup-'));
  // As the kernel does on a full disk: part of the file is written, then ENOSPC.
  const fullDisk: typeof writeFileSync = (file, data) => {
    writeFileSync(file, String(data).slice(0, 40), { mode: 0o600 });
    throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
  };
  assert.throws(
    () => saveBackup(backup, dir, fullDisk),
    (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, /cannot write the backup to .* \(ENOSPC\)/);
      assert.doesNotMatch(error.message, /PRIVATE KEY/);
      return true;
    },
  );
  assert.deepEqual(readdirSync(dir), []);
});

test('an existing backup of the same moment is never overwritten', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backup-'));
  const path = saveBackup(backup, dir);
  writeFileSync(path, 'earlier');
  assert.throws(() => saveBackup(backup, dir), /\(EEXIST\)/);
  assert.equal(readFileSync(path, 'utf8'), 'earlier');
  assert.equal(readdirSync(dir).length, 1);
});

test('a backup keeps its cluster, the Secret type and other keys through the file', () => {
  const full: Backup = {
    ...backup,
    cluster: { server: 'https://a.example:6443', kubeSystemUid: 'uid-a', antreaCaSha256: 'ab12' },
    secret: { ...backup.secret, type: 'Opaque', otherData: { note: 'bGVmdA==' } },
  };
  const path = saveBackup(full, mkdtempSync(join(tmpdir(), 'antrea-certs-identity-')));
  const read = loadBackup(path);
  assert.deepEqual(read.cluster, full.cluster);
  assert.equal(read.secret.type, 'Opaque');
  assert.deepEqual(read.secret.otherData, { note: 'bGVmdA==' });
});

test('the same cluster by kube-system UID; another only when UID, or server and antrea-ca, differ', () => {
  const here = { server: 'https://a:6443', kubeSystemUid: 'u1', antreaCaSha256: 'c1' };
  const cases: [Parameters<typeof sameCluster>[0], ReturnType<typeof sameCluster>][] = [
    [{ server: 'https://other-name:6443', kubeSystemUid: 'u1' }, 'same'],
    [{ server: 'https://a:6443', kubeSystemUid: 'u2' }, 'other'],
    [{ server: 'https://a:6443' }, 'same'],
    [{ server: 'https://b:6443', antreaCaSha256: 'c2' }, 'other'],
    [{ server: 'https://b:6443', antreaCaSha256: 'c1' }, 'unknown'],
    [{ server: 'https://b:6443' }, 'unknown'],
    [undefined, 'unknown'],
  ];
  for (const [backed, verdict] of cases)
    assert.equal(sameCluster(backed, here), verdict, JSON.stringify(backed));
});

test('a backup carries a digest: reformatting keeps it, any edited value is refused unless accepted', () => {
  const path = saveBackup(backup, mkdtempSync(join(tmpdir(), 'antrea-certs-digest-')));
  const saved = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  assert.match(String(saved.digest), /^sha256:[0-9a-f]{64}$/);
  // Compact, as jq -c writes it: the same content, the same digest.
  writeFileSync(path, JSON.stringify(saved));
  assert.equal(loadBackup(path).edited, undefined);
  const edits: [string, Record<string, unknown>, RegExp][] = [
    ['a value changed', { ...saved, namespace: 'other' }, /its digest does not match its content/],
    ['the digest changed', { ...saved, digest: `sha256:${'0'.repeat(64)}` }, /does not match/],
    ['no digest', { ...saved, digest: undefined }, /it has no digest/],
  ];
  for (const [what, content, reason] of edits) {
    writeFileSync(path, JSON.stringify(content));
    assert.throws(
      () => loadBackup(path),
      (error: unknown) =>
        error instanceof InputError &&
        reason.test(error.message) &&
        /was edited or damaged: .*--accept-edited-backup/.test(error.message),
      what,
    );
    assert.equal(loadBackup(path, { acceptEdited: true }).edited, true, what);
  }
});
