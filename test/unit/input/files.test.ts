// Reading the files users name (src/input/files.ts): what is missing, a
// directory, too large, endless or a pipe nobody writes to is one sentence,
// and nothing past the limit is read; pipes that deliver are read whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, ftruncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_INPUT_BYTES, readInput } from '../../../src/input/files.ts';
import { InputError } from '../../../src/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-input-'));
const refused = (path: string, message: RegExp) =>
  assert.throws(
    () => readInput(path, '--cert'),
    (error: unknown) => error instanceof InputError && message.test(error.message),
  );

test('a file is read whole; a missing file or a directory is named with its flag', () => {
  const file = join(dir, 'tls.crt');
  writeFileSync(file, 'certificate bytes\n');
  assert.equal(readInput(file, '--cert').toString(), 'certificate bytes\n');
  refused(join(dir, 'nope.crt'), /^the file \S+nope\.crt given with --cert does not exist\.$/);
  refused(dir, /given with --cert is a directory, not a file\.$/);
});

test('a file over the limit is refused from its size, a sparse 50 MB one included', () => {
  const file = join(dir, 'huge.crt');
  const fd = openSync(file, 'w');
  ftruncateSync(fd, 50 * 1024 * 1024);
  closeSync(fd);
  refused(file, /is larger than 4 MiB: it is not a certificate or key file\.$/);
  const edge = join(dir, 'edge.crt');
  writeFileSync(edge, Buffer.alloc(MAX_INPUT_BYTES, 0x41));
  assert.equal(readInput(edge, '--cert').length, MAX_INPUT_BYTES);
});

test(
  '/dev/zero is refused once the limit is passed, not read until memory runs out',
  { timeout: 10_000 },
  () => {
    refused('/dev/zero', /^\/dev\/zero given with --cert is larger than 4 MiB/);
  },
);

test('a FIFO nobody writes to is refused after a short wait', { timeout: 10_000 }, () => {
  const fifo = join(dir, 'silent.fifo');
  execFileSync('mkfifo', [fifo]);
  refused(
    fifo,
    /^nothing came from \S+silent\.fifo given with --cert within 1 s; give a file, or a pipe something writes to\.$/,
  );
});

test('a FIFO whose writer comes a little later is read whole', { timeout: 10_000 }, async () => {
  const fifo = join(dir, 'late.fifo');
  execFileSync('mkfifo', [fifo]);
  const writer = spawn('sh', ['-c', `sleep 0.2; printf 'line one\\nline two\\n' > '${fifo}'`]);
  const done = new Promise((resolve) => writer.on('exit', resolve));
  assert.equal(readInput(fifo, '--cert').toString(), 'line one\nline two\n');
  await done;
});

test(
  'a pipe that delivers slowly is read whole; one that stops half-way is refused after a pause',
  { timeout: 10_000 },
  async () => {
    const slow = join(dir, 'slow.fifo');
    execFileSync('mkfifo', [slow]);
    // Three parts 0.6 s apart: 1.2 s in all, each gap under the deadline.
    const writer = spawn('sh', [
      '-c',
      `(printf 'a'; sleep 0.6; printf 'b'; sleep 0.6; printf 'c') > '${slow}'`,
    ]);
    const done = new Promise((resolve) => writer.on('exit', resolve));
    assert.equal(readInput(slow, '--cert').toString(), 'abc');
    await done;
    const stalled = join(dir, 'stalled.fifo');
    execFileSync('mkfifo', [stalled]);
    const stalling = spawn('sh', ['-c', `(printf 'abc'; sleep 3) > '${stalled}'`]);
    refused(
      stalled,
      /^nothing more came after 3 bytes from \S+stalled\.fifo given with --cert within 1 s/,
    );
    stalling.kill();
  },
);
