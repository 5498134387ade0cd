// The 90-day hazard on a v2.7.0 testbed in self-signed mode: the running
// controller replaces a pair with 90 days or less left as soon as it sees it
// in its Secret, so import --mode user-provided of a 30-day certificate writes
// the Secret only after that controller has stopped; the new one serves it.
// Then thresholds relative to the lifetime (--warn-within 20%) on what it serves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import {
  eventually,
  FAST_TIMINGS,
  testbed,
  writeTlsSecret,
  type Testbed,
} from '../../testbed/fixture.ts';
import { extendedUsage, issue, usage } from '../../testbed/pki.ts';
import { plugin } from '../plugin.ts';

// The old controller runs on for 2 s after its Pod is deleted, as a real one shuts down.
const bed: Testbed = await testbed({
  version: 'v2.7.0',
  timings: { ...FAST_TIMINGS, shutdownSeconds: 2 },
});
const work = mkdtempSync(join(tmpdir(), 'antrea-certs-short-'));

test('a 30-day certificate imported into a self-signed v2 controller is the one it serves', async () => {
  const dir = join(work, 'pki');
  const made = plugin(bed.kubeconfig, ['generate', '--out', dir, '--validity', '30d']);
  assert.equal(made.status, 0, made.stderr);
  const result = plugin(bed.kubeconfig, [
    'import',
    '--from-dir',
    dir,
    '--mode',
    'user-provided',
    '--yes',
    '--backup-dir',
    join(work, 'backups'),
  ]);
  assert.equal(result.status, 0, result.stderr + result.stdout);
  assert.match(
    result.stderr,
    /Secret antrea-controller-tls: written once the self-signed controller has stopped/,
  );
  assert.match(
    result.stderr,
    /converged: .*and the controller serves the certificate in the Secret/,
  );
  assert.match(result.stdout, / 0 failed/);
  const secret = await bed.api.core.readNamespacedSecret({
    name: 'antrea-controller-tls',
    namespace: bed.namespace,
  });
  const inSecret = Buffer.from(secret.data?.['tls.crt'] ?? '', 'base64').toString();
  assert.equal(
    inSecret,
    readFileSync(join(dir, 'tls.crt'), 'utf8'),
    'the imported pair, not a regenerated one',
  );
  const left = Date.parse(new X509Certificate(inSecret).validTo) - Date.now();
  assert.ok(left < 31 * 86_400_000);
});

test('--warn-within 20%: a 1-day certificate and a 10-year CA judged by one rule', async () => {
  const ns = bed.namespace;
  const hour = 3_600_000;
  const year = 365 * 86_400_000;
  // A 10-year CA in its last year, and a 1-day certificate with 6 hours left.
  const ca = await issue({
    commonName: 'ten-year-ca',
    isCA: true,
    usages: usage.keyCertSign | usage.digitalSignature,
    notBefore: new Date(Date.now() - 9 * year),
    notAfter: new Date(Date.now() + year),
  });
  const leaf = await issue({
    commonName: 'one-day',
    issuer: ca,
    usages: usage.digitalSignature | usage.keyEncipherment,
    extendedUsages: [extendedUsage.serverAuth],
    dnsNames: [`antrea.${ns}.svc`, `antrea.${ns}.svc.cluster.local`],
    notBefore: new Date(Date.now() - 18 * hour),
    notAfter: new Date(Date.now() + 6 * hour),
  });
  await writeTlsSecret(bed, {
    'tls.crt': leaf.certPem,
    'tls.key': leaf.keyPem,
    'ca.crt': ca.certPem,
  });
  await eventually('antrea-ca publishes the 10-year CA', async () =>
    (await bed.publishedCa())?.includes(ca.certPem.trim()),
  );
  const expiry = (...flags: string[]) => {
    const run = plugin(bed.kubeconfig, ['verify', '-o', 'json', ...flags]);
    const checks = (
      JSON.parse(run.stdout) as { checks: { id: string; status: string; message: string }[] }
    ).checks;
    const of = (cn: string) =>
      checks.find((c) => c.id.startsWith('expiry:') && c.message.includes(`CN=${cn}`))?.status;
    return { leaf: of('one-day'), ca: of('ten-year-ca') };
  };
  // 20% of a day is 4.8 hours: 6 left pass; 20% of ten years is two: one left warns.
  assert.deepEqual(expiry('--warn-within', '20%', '--fail-within', '5%'), {
    leaf: 'pass',
    ca: 'warn',
  });
  // By days, the other way round: the certificate fails inside 7 days, the CA passes 30 days.
  assert.deepEqual(expiry(), { leaf: 'fail', ca: 'pass' });
});
