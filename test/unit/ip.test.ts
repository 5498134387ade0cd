// IP addresses in text, checked against Node's net.isIP and the WHATWG URL
// parser (which writes IPv6 in RFC 5952's short form) as oracles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { formatIp, parseIp } from '../../src/ip.ts';

const CASES = [
  '10.0.0.1',
  '0.0.0.0',
  '255.255.255.255',
  '1.2.3.999',
  '010.0.0.1',
  '1.2.3',
  '1.2.3.4.5',
  '::',
  '::1',
  '2001:db8::1',
  '2001:DB8:0:0:0:0:0:1',
  '::ffff:1.2.3.4',
  '64:ff9b::192.0.2.33',
  '::ffff:1.2.3.999',
  '1::2::3',
  '12345::1',
  'host.example',
  '',
];

test('parseIp accepts exactly what net.isIP accepts', () => {
  for (const text of CASES)
    assert.equal(parseIp(text) !== undefined, isIP(text) !== 0, JSON.stringify(text));
  assert.equal(parseIp('fe80::1%eth0'), undefined, 'a zone has no place in a certificate');
});

test('formatIp writes an IPv6 address as the URL parser does (RFC 5952), for random addresses', () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 2000; i++) {
    // Groups that are often zero, so that runs of zeros of every length and place occur.
    const bytes = Buffer.alloc(16);
    for (let g = 0; g < 8; g++)
      if (random() < 0.5) bytes.writeUInt16BE(Math.floor(random() * 65536), g * 2);
    const text = formatIp(bytes);
    assert.equal(`[${text}]`, new URL(`http://[${text}]/`).hostname, bytes.toString('hex'));
    assert.deepEqual(parseIp(text), bytes);
    const long = Array.from({ length: 8 }, (_, g) => bytes.readUInt16BE(g * 2).toString(16)).join(
      ':',
    );
    assert.deepEqual(parseIp(long), bytes);
  }
});
