// The 90-day hazard on a v2.7.0 testbed in self-signed mode: the running
// controller replaces a pair with 90 days or less left as soon as it sees it
// in its Secret, so import --mode user-provided of a 30-day certificate writes
// the Secret only after that controller has stopped; the new one serves it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { FAST_TIMINGS, testbed, type Testbed } from '../../testbed/fixture.ts';
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
