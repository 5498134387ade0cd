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
