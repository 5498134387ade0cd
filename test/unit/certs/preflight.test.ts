// The preflight of a user-provided pair: a corpus of bad inputs, each named in one sentence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { issue, usage, extendedUsage, type IssueOptions } from '../../testbed/pki.ts';
import { preflight, type PreflightInput } from '../../../src/certs/preflight.ts';
import { Sensitive } from '../../../src/sensitive.ts';

const DAY = 86400e3;
const ns = 'kube-system';
const caUsages = usage.keyCertSign | usage.cRLSign | usage.digitalSignature;
const ca = await issue({ commonName: 'Admin CA', isCA: true, usages: caUsages });
const otherCa = await issue({ commonName: 'Other CA', isCA: true, usages: caUsages });
const serving = (options: Partial<IssueOptions> = {}) =>
  issue({
    commonName: 'antrea',
    issuer: ca,
    usages: usage.digitalSignature | usage.keyEncipherment,
    extendedUsages: [extendedUsage.serverAuth],
    dnsNames: [`antrea.${ns}.svc`, `antrea.${ns}.svc.cluster.local`],
    ...options,
  });
const good = await serving();

function input(
  overrides: { cert?: string; key?: string; ca?: string; passphrase?: string } = {},
): PreflightInput {
  const value = <K extends 'cert' | 'key' | 'ca'>(k: K, fallback: string) =>
    k in overrides ? overrides[k] : fallback;
  const key = value('key', good.keyPem);
  return {
    cert: { pem: value('cert', good.certPem), source: 'tls.crt' },
    key: {
      pem: key === undefined ? undefined : new Sensitive(key),
      source: 'tls.key',
      ...(overrides.passphrase ? { passphrase: new Sensitive(overrides.passphrase) } : {}),
    },
    ca: { pem: value('ca', ca.certPem), source: 'ca.crt' },
    requiredName: `antrea.${ns}.svc`,
    recommendedNames: [`antrea.${ns}.svc.cluster.local`],
    now: new Date(),
    failWithin: 7 * DAY,
  };
}

test('a good pair passes with no findings', () => {
  const result = preflight(input());
  assert.deepEqual(result.findings, []);
  assert.equal(result.ok, true);
});

test('an intermediate after the leaf and a CA file with several CAs are accepted', async () => {
  const intermediate = await issue({
    commonName: 'Intermediate',
    isCA: true,
    usages: caUsages,
    issuer: ca,
  });
  const leaf = await serving({ issuer: intermediate });
  const result = preflight(
    input({
      cert: leaf.certPem + intermediate.certPem,
      key: leaf.keyPem,
      ca: otherCa.certPem + ca.certPem,
    }),
  );
  assert.deepEqual(result.findings, []);
});

test('keys in PKCS#1, SEC1 and encrypted PKCS#8 (with the passphrase) are accepted', async () => {
  const rsa = await serving({ keyKind: 'rsa-2048', keyFormat: 'pkcs1' });
  assert.deepEqual(preflight(input({ cert: rsa.certPem, key: rsa.keyPem })).findings, []);
  const sec1 = createPrivateKey(good.keyPem).export({ type: 'sec1', format: 'pem' }).toString();
  assert.deepEqual(preflight(input({ key: sec1 })).findings, []);
  const encrypted = createPrivateKey(good.keyPem)
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' })
    .toString();
  assert.deepEqual(preflight(input({ key: encrypted, passphrase: 'pw' })).findings, []);
});

test('a corpus of bad inputs: each fails with its own sentence and no key material', async () => {
  const other = await serving();
  const rsaOther = await serving({ keyKind: 'rsa-2048' });
  const intermediate = await issue({
    commonName: 'Intermediate',
    isCA: true,
    usages: caUsages,
    issuer: ca,
  });
  const notCaIntermediate = await issue({
    commonName: 'Leafy Intermediate',
    usages: caUsages,
    issuer: ca,
  });
  const viaIntermediate = await serving({ issuer: intermediate });
  const viaNotCa = await serving({ issuer: notCaIntermediate });
  const caWithoutFlag = await issue({ commonName: 'Flagless CA', usages: caUsages });
  const underFlagless = await serving({ issuer: caWithoutFlag });
  const weakCa = await issue({
    commonName: 'Weak CA',
    isCA: true,
    usages: caUsages,
    keyKind: 'rsa-1024',
  });
  const underWeakCa = await serving({ issuer: weakCa });
  const expiredCa = await issue({
    commonName: 'Old CA',
    isCA: true,
    usages: caUsages,
    notBefore: new Date(Date.now() - 400 * DAY),
    notAfter: new Date(Date.now() - DAY),
  });
  const underExpiredCa = await serving({ issuer: expiredCa });
  const encrypted = createPrivateKey(good.keyPem)
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' })
    .toString();
  const der = Buffer.from(good.cert.rawData).toString('latin1');
  const built = async (options: Partial<IssueOptions>) => {
    const leaf = await serving(options);
    return input({ cert: leaf.certPem, key: leaf.keyPem });
  };

  const cases: {
    name: string;
    input: PreflightInput | Promise<PreflightInput>;
    message: RegExp;
  }[] = [
    {
      name: 'wrong key',
      input: input({ key: other.keyPem }),
      message: /^tls\.key does not match tls\.crt: it is the key of another certificate\.$/,
    },
    {
      name: 'key of another algorithm',
      input: input({ key: rsaOther.keyPem }),
      message: /^tls\.key does not match tls\.crt/,
    },
    {
      name: 'missing SAN',
      input: built({ dnsNames: ['antrea'] }),
      message:
        /lacks the DNS name antrea\.kube-system\.svc that clients verify \(its DNS names: antrea\)/,
    },
    {
      name: 'client-auth only',
      input: built({ extendedUsages: [extendedUsage.clientAuth] }),
      message: /lacks the server auth extended key usage \(it has clientAuth\)/,
    },
    {
      name: 'no digital signature',
      input: built({ usages: usage.keyEncipherment }),
      message: /lacks the digital signature key usage/,
    },
    {
      name: 'RSA without key encipherment',
      input: built({ usages: usage.digitalSignature, keyKind: 'rsa-2048' }),
      message: /lacks the key encipherment key usage\.$/,
    },
    {
      name: 'expired',
      input: built({
        notBefore: new Date(Date.now() - 30 * DAY),
        notAfter: new Date(Date.now() - DAY),
      }),
      message: /"CN=antrea" expired \d+[dh] ago/,
    },
    {
      name: 'not yet valid',
      input: built({ notBefore: new Date(Date.now() + DAY) }),
      message: /"CN=antrea" is not valid before/,
    },
    {
      name: 'expires within --fail-within',
      input: built({ notAfter: new Date(Date.now() + 3 * DAY) }),
      message: /"CN=antrea" expires in [0-9]d, within --fail-within/,
    },
    {
      name: '1024-bit RSA',
      input: built({ keyKind: 'rsa-1024' }),
      message: /"CN=antrea" has a 1024-bit RSA key/,
    },
    {
      name: 'CA without the CA flag',
      input: input({
        cert: underFlagless.certPem,
        key: underFlagless.keyPem,
        ca: caWithoutFlag.certPem,
      }),
      message: /"CN=Flagless CA" in ca\.crt is not a CA certificate/,
    },
    {
      name: 'chain to another CA',
      input: input({ ca: otherCa.certPem }),
      message:
        /^tls\.crt does not chain to a CA in ca\.crt: no certificate given is the issuer "CN=Admin CA"/,
    },
    {
      name: 'missing intermediate',
      input: input({ cert: viaIntermediate.certPem, key: viaIntermediate.keyPem }),
      message: /no certificate given is the issuer "CN=Intermediate"/,
    },
    {
      name: 'intermediate without the CA flag',
      input: input({ cert: viaNotCa.certPem + notCaIntermediate.certPem, key: viaNotCa.keyPem }),
      message:
        /"CN=Leafy Intermediate" after the serving certificate in tls\.crt is not a CA certificate/,
    },
    {
      name: 'impostor CA with the same name',
      input: input({
        ca: (await issue({ commonName: 'Admin CA', isCA: true, usages: caUsages })).certPem,
      }),
      message: /names issuer "CN=Admin CA", but that CA's key did not sign it/,
    },
    {
      name: 'weak CA key',
      input: input({ cert: underWeakCa.certPem, key: underWeakCa.keyPem, ca: weakCa.certPem }),
      message: /"CN=Weak CA" has a 1024-bit RSA key/,
    },
    {
      name: 'expired CA',
      input: input({
        cert: underExpiredCa.certPem,
        key: underExpiredCa.keyPem,
        ca: expiredCa.certPem,
      }),
      message: /"CN=Old CA" expired/,
    },
    {
      name: 'truncated certificate',
      input: input({ cert: good.certPem.slice(0, 150) }),
      message: /^tls\.crt is truncated/,
    },
    {
      name: 'corrupt base64',
      input: input({ cert: good.certPem.replace(/\n[A-Za-z0-9+/]{10}/, '\n**********') }),
      message: /^tls\.crt: the CERTIFICATE block number 1 is not valid base64/,
    },
    {
      name: 'undecodable DER in PEM',
      input: input({ cert: '-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n' }),
      message: /^tls\.crt: certificate 1 of 1 cannot be parsed/,
    },
    {
      name: 'DER certificate',
      input: input({ cert: der }),
      message: /^tls\.crt is DER \(binary\), not PEM/,
    },
    { name: 'empty certificate file', input: input({ cert: '' }), message: /^tls\.crt is empty/ },
    {
      name: 'certificate file with a key',
      input: input({ cert: good.keyPem }),
      message: /^tls\.crt holds a private key where certificates were expected/,
    },
    {
      name: 'missing certificate file',
      input: input({ cert: undefined }),
      message: /^tls\.crt is missing\.$/,
    },
    {
      name: 'empty key file',
      input: input({ key: '' }),
      message: /^tls\.key cannot be used: it holds no PEM private key\.$/,
    },
    {
      name: 'key file with a certificate',
      input: input({ key: good.certPem }),
      message: /^tls\.key cannot be used: it holds a certificate, not a private key\.$/,
    },
    {
      name: 'truncated key',
      input: input({ key: good.keyPem.slice(0, 90) + '\n-----END PRIVATE KEY-----\n' }),
      message:
        /^tls\.key cannot be used: it is not a readable private key \(corrupt or truncated\)\.$/,
    },
    {
      name: 'encrypted key without passphrase',
      input: input({ key: encrypted }),
      message: /^tls\.key cannot be used: it is encrypted and no passphrase was given\.$/,
    },
    {
      name: 'encrypted key, wrong passphrase',
      input: input({ key: encrypted, passphrase: 'nope' }),
      message: /^tls\.key cannot be used: the passphrase does not decrypt it\.$/,
    },
    {
      name: 'missing key file',
      input: input({ key: undefined }),
      message: /^tls\.key is missing\.$/,
    },
    { name: 'empty CA file', input: input({ ca: '' }), message: /^ca\.crt is empty/ },
    {
      name: 'garbage CA file',
      input: input({ ca: 'not a certificate' }),
      message: /^ca\.crt holds no PEM data/,
    },
    { name: 'missing CA file', input: input({ ca: undefined }), message: /^ca\.crt is missing\.$/ },
  ];
  assert.ok(cases.length >= 30, `${cases.length} cases`);
  const keyLines = [good.keyPem, other.keyPem, encrypted].flatMap((k) => k.split('\n').slice(1, 3));
  for (const c of cases) {
    const result = preflight(await c.input);
    assert.equal(result.ok, false, c.name);
    const errors = result.findings.filter((f) => f.severity === 'error').map((f) => f.message);
    assert.ok(
      errors.some((m) => c.message.test(m)),
      `${c.name}: ${errors.join(' | ')}`,
    );
    for (const m of result.findings.map((f) => f.message)) {
      assert.ok(
        keyLines.every((line) => !m.includes(line)),
        `${c.name} leaks key material`,
      );
      assert.doesNotMatch(m, /\n/, `${c.name}: one sentence`);
    }
  }
});

test('warnings that do not stop an import: a missing recommended name, no EKU, SHA-1, ECDSA without key encipherment', async () => {
  const findings = async (options: Partial<IssueOptions>) => {
    const leaf = await serving(options);
    const result = preflight(
      input({ cert: leaf.certPem, key: leaf.keyPem, ca: options.issuer?.certPem ?? ca.certPem }),
    );
    assert.equal(result.ok, true, result.findings.map((f) => f.message).join(' | '));
    return result.findings.map((f) => f.message).join('\n');
  };
  assert.match(
    await findings({ dnsNames: [`antrea.${ns}.svc`] }),
    /lacks the DNS name antrea\.kube-system\.svc\.cluster\.local, which Antrea's documentation recommends/,
  );
  assert.match(
    await findings({
      dnsNames: [`antrea.${ns}.svc`, `antrea.${ns}.svc.cluster.local`, '10.0.0.1', '::1'],
    }),
    /tls\.crt has 10\.0\.0\.1 as a DNS name: clients that connect to that address never match it[^]*has ::1 as a DNS name/,
  );
  assert.match(await findings({ extendedUsages: [] }), /has no extended key usage/);
  const sha1Ca = await issue({
    commonName: 'SHA-1 CA',
    isCA: true,
    usages: caUsages,
    keyKind: 'rsa-2048-sha1',
  });
  assert.match(await findings({ issuer: sha1Ca }), /"CN=antrea" is signed with SHA-1/);
  assert.match(
    await findings({ usages: usage.digitalSignature }),
    /lacks the key encipherment key usage \(not needed by ECDSA keys/,
  );
});
