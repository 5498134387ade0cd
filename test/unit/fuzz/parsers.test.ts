// Hostile input at scale: every parser of what users hand the plugin gets
// 10,000 generated inputs (fast-check, a fixed seed: a failure reproduces),
// random and mutated from real ones. Each either parses, or fails with one
// sentence (a CliError, exit 1, no line break, no stack) that quotes no key
// material; none hangs (the whole suite is bounded by the test's timeout).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseCertificates } from '../../../src/certs/certificate.ts';
import { parsePrivateKey } from '../../../src/certs/keys.ts';
import { toPem } from '../../../src/certs/pem.ts';
import { digestOf, parseBackup } from '../../../src/change/backup.ts';
import { parseDuration } from '../../../src/duration.ts';
import { loadKubeconfig } from '../../../src/kube/kubeconfig.ts';
import { CliError, ExitCode, exitCodeFor } from '../../../src/errors.ts';
import { Sensitive } from '../../../src/sensitive.ts';
import { servingPair } from '../../support/certificates.ts';

const RUNS = 10_000;
const SEED = 20261128;
const work = mkdtempSync(join(tmpdir(), 'antrea-certs-fuzz-'));

const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const KEY_PEM = ecKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const ENCRYPTED_KEY_PEM = ecKey
  .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'secret' })
  .toString();
/** The base64 lines of the keys: none may appear in any message. */
const KEY_LINES = [KEY_PEM, ENCRYPTED_KEY_PEM]
  .flatMap((pem) => pem.split('\n'))
  .filter((line) => line.length >= 16 && !line.startsWith('-----'));

/** One sentence: a single line, no stack frame, no key material. */
function assertOneSentence(message: string): void {
  assert.doesNotMatch(message, /\n/, 'one line');
  assert.doesNotMatch(message, /\s+at .+:\d+:\d+/, 'no stack frame');
  // A block's label may be named ("the PRIVATE KEY block"); its content never.
  assert.doesNotMatch(message, /-----BEGIN [A-Z ]+-----|[A-Za-z0-9+/]{40,}/, 'no key material');
  for (const line of KEY_LINES) assert.ok(!message.includes(line.slice(0, 16)), 'no key line');
}

/**
 * Runs a parser on one input: it returns (true), or throws a CliError of one sentence, exit 1
 * (false).
 */
function parsesOrRefuses(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch (error) {
    assert.ok(error instanceof CliError, `not a CliError: ${String(error)}`);
    assert.equal(exitCodeFor(error), ExitCode.error);
    assertOneSentence(error.message);
    return false;
  }
}

/** Inputs tried and inputs accepted, per parser. */
const counted = new Map<string, { tried: number; accepted: number }>();
function check<T>(name: string, arbitrary: fc.Arbitrary<T>, run: (input: T) => boolean): void {
  const count = { tried: 0, accepted: 0 };
  fc.assert(
    fc.property(arbitrary, (input) => {
      count.tried++;
      if (run(input)) count.accepted++;
    }),
    { numRuns: RUNS, seed: SEED },
  );
  counted.set(name, count);
}

/** Bytes with some flipped, then cut short: a damaged copy of a real input. */
const mutated = (original: Buffer) =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.nat(original.length - 1), fc.integer({ min: 0, max: 255 })), {
        maxLength: 4,
      }),
      fc.nat(original.length),
    )
    .map(([flips, cut]) => {
      const copy = Buffer.from(original);
      for (const [at, value] of flips) copy[at] = value;
      return copy.subarray(0, Math.max(cut, original.length - cut));
    });

test('certificates: random text, random PEM blocks, and damaged real certificates', async () => {
  const { leaf } = await servingPair({ keyKind: 'ecdsa-p256' });
  const der = Buffer.from(leaf.certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const inputs = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
    fc
      .tuple(fc.constantFrom('CERTIFICATE', 'PRIVATE KEY', 'X'), fc.uint8Array({ maxLength: 200 }))
      .map(([label, bytes]) => toPem(label, bytes)),
    mutated(der).map((bytes) => toPem('CERTIFICATE', bytes)),
    mutated(der),
    mutated(Buffer.from(toPem('CERTIFICATE', der))),
  );
  check('certificates (PEM and DER)', inputs, (input) =>
    parsesOrRefuses(() => parseCertificates(input, 'tls.crt')),
  );
});

test('private keys, plain and encrypted: random and damaged; the reason never quotes the key', () => {
  const inputs = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    mutated(Buffer.from(KEY_PEM)).map((b) => ({ pem: b.toString('latin1') })),
    mutated(Buffer.from(ENCRYPTED_KEY_PEM)).map((b) => ({ pem: b.toString('latin1') })),
    fc
      .tuple(mutated(Buffer.from(ENCRYPTED_KEY_PEM)), fc.constantFrom('secret', 'wrong', ''))
      .map(([b, passphrase]) => ({ pem: b.toString('latin1'), passphrase })),
  );
  check('private keys (plain, encrypted)', inputs, (input) => {
    const { pem, passphrase }: { pem: string; passphrase?: string } =
      typeof input === 'string' ? { pem: input } : input;
    const given = passphrase === undefined ? undefined : new Sensitive(passphrase);
    const result = parsePrivateKey(new Sensitive(pem), given);
    if (typeof result === 'string') assertOneSentence(result);
    return typeof result !== 'string';
  });
});

test('backup files for restore: JSON of every shape, and text that is not JSON', () => {
  const shaped = fc.record(
    {
      apiVersion: fc.oneof(fc.constant('antrea-certs.antrea.io/v1'), fc.jsonValue()),
      kind: fc.oneof(fc.constant('AntreaCertsBackup'), fc.jsonValue()),
      namespace: fc.oneof(fc.string(), fc.jsonValue()),
      secret: fc.oneof(
        fc.record(
          {
            name: fc.oneof(fc.string(), fc.jsonValue()),
            existed: fc.oneof(fc.boolean(), fc.jsonValue()),
            ca: fc.jsonValue(),
            cert: fc.jsonValue(),
            key: fc.oneof(fc.constant(KEY_PEM), fc.jsonValue()),
            annotations: fc.jsonValue(),
          },
          { requiredKeys: [] },
        ),
        fc.jsonValue(),
      ),
      configMap: fc.jsonValue(),
    },
    { requiredKeys: [] },
  );
  const inputs = fc.oneof(
    shaped.map((value) => JSON.stringify(value)),
    // As the plugin writes them: with the digest of their content.
    shaped.map((value) => JSON.stringify({ ...value, digest: digestOf(value) })),
    fc.json(),
    fc.string({ unit: 'binary', maxLength: 200 }),
  );
  check('backup files', inputs, (text) => parsesOrRefuses(() => parseBackup(text, 'backup.json')));
});

test('durations: any text', () => {
  const inputs = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.stringMatching(/^(\d{1,6}(\.\d{1,3})?(ms|d|h|m|s)){1,4}$/),
  );
  check('durations', inputs, (text) => {
    let ms: number | undefined;
    const parsed = parsesOrRefuses(() => {
      ms = parseDuration(text, '--timeout');
    });
    if (ms !== undefined) assert.ok(Number.isFinite(ms) && ms >= 0, `${text} gave ${ms}`);
    return parsed;
  });
});

test('kubeconfig files: YAML of every shape, with key data inside, and text that is not YAML', () => {
  const file = join(work, 'kubeconfig');
  const keyData = Buffer.from(KEY_PEM).toString('base64');
  const entry = (fields: Record<string, fc.Arbitrary<unknown>>) =>
    fc.record(fields, { requiredKeys: [] });
  const kubeconfig = entry({
    apiVersion: fc.constantFrom('v1', 1, null),
    kind: fc.constantFrom('Config', 'Other'),
    'current-context': fc.oneof(fc.constantFrom('a', 'b'), fc.jsonValue()),
    clusters: fc.oneof(
      fc.array(
        entry({
          name: fc.constantFrom('a', 'b'),
          cluster: entry({
            server: fc.oneof(fc.constant('https://127.0.0.1:6443'), fc.string()),
            'certificate-authority-data': fc.string(),
          }),
        }),
        { maxLength: 2 },
      ),
      fc.jsonValue(),
    ),
    users: fc.oneof(
      fc.array(
        entry({
          name: fc.constantFrom('a', 'b'),
          user: entry({
            'client-key-data': fc.constant(keyData),
            token: fc.string(),
            'client-certificate-data': fc.string(),
          }),
        }),
        { maxLength: 2 },
      ),
      fc.jsonValue(),
    ),
    contexts: fc.oneof(
      fc.array(
        entry({
          name: fc.constantFrom('a', 'b'),
          context: entry({
            cluster: fc.constantFrom('a', 'b', 'c'),
            user: fc.constantFrom('a', 'b'),
          }),
        }),
        { maxLength: 2 },
      ),
      fc.jsonValue(),
    ),
  });
  const inputs = fc.oneof(
    kubeconfig.map((value) => JSON.stringify(value)),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc
      .string({ maxLength: 200 })
      .map((s) => `users:\n- name: a\n  user:\n    client-key-data: ${keyData}\n${s}`),
  );
  check('kubeconfig files', inputs, (text) => {
    writeFileSync(file, text);
    return parsesOrRefuses(() => loadKubeconfig({ kubeconfig: file } as never, {}));
  });
});

test('counts', () => {
  const line = [...counted].map(([name, c]) => `${name} ${c.tried} (${c.accepted} accepted)`);
  process.stderr.write(`# fuzz inputs: ${line.join(', ')}\n`);
  for (const [name, c] of counted) {
    assert.ok(c.tried >= RUNS, `${name}: ${c.tried} inputs`);
    // Each generator also reaches the parser's success path, not only its first refusal.
    assert.ok(c.accepted > 0, `${name}: no input was accepted`);
  }
  assert.equal(counted.size, 5);
});
