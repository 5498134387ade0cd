// The archives' compression (scripts/release/compress.ts): libdeflate's stream
// in our own gzip framing, and raw for zip entries, read back by zlib.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';
import { deflateStreamOf, libdeflateCompress } from '../../../scripts/release/compress.ts';

const samples = {
  empty: Buffer.alloc(0),
  text: Buffer.from('kubectl antrea-certs\n'.repeat(5000)),
  random: randomBytes(300_000),
};

for (const [name, data] of Object.entries(samples)) {
  test(`gzip and raw deflate read back as the same bytes: ${name}`, async () => {
    const gz = await libdeflateCompress(data, 'gzip');
    assert.deepEqual(gunzipSync(gz), data);
    // No name, no time: the bytes depend on the data alone.
    assert.deepEqual(gz.subarray(0, 10), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3]));
    assert.deepEqual(await libdeflateCompress(data, 'gzip'), gz);
    assert.deepEqual(inflateRawSync(await libdeflateCompress(data, 'deflate-raw')), data);
  });
}

test('smaller than zlib at its best level on repetitive data', async () => {
  const data = Buffer.concat(
    Array.from({ length: 2000 }, (_, i) => Buffer.from(`line ${i % 97} of ${i % 13}\n`)),
  );
  const ours = await libdeflateCompress(data, 'gzip');
  assert.ok(ours.length <= gzipSync(data, { level: 9 }).length, `${ours.length}`);
});

test('the deflate stream is found behind a header with a name, a comment and extra fields', () => {
  const data = Buffer.from('hello, antrea');
  const plain = gzipSync(data);
  const body = plain.subarray(10);
  const header = Buffer.concat([
    Buffer.from([0x1f, 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3]),
    Buffer.from([3, 0, 1, 2, 3]),
    Buffer.from('name.tar\0'),
    Buffer.from('a comment\0'),
    Buffer.from([0xaa, 0xbb]),
  ]);
  const stream = deflateStreamOf(Buffer.concat([header, body]));
  assert.deepEqual(inflateRawSync(stream), data);
  assert.throws(() => deflateStreamOf(Buffer.from('PK\x03\x04 not gzip')), /not a gzip stream/);
});
