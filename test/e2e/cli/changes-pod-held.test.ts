// Full switches both ways on a release that holds its self-signed pair in the Pod (v1.12.3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testbed, userProvidedPair, type Testbed } from '../../testbed/fixture.ts';
import { plugin } from '../plugin.ts';

const bed: Testbed = await testbed({
  version: 'v1.12.3',
  timings: {
    userProvidedWaitSeconds: 4,
    crashBackoffSeconds: 1,
    secretVolumeRefreshSeconds: 1,
    certReloadSeconds: 1,
  },
});
const work = mkdtempSync(join(tmpdir(), 'antrea-certs-podheld-'));
const run = (...args: string[]) =>
  plugin(bed.kubeconfig, [...args, '--backup-dir', join(work, 'backups')]);

test('import --mode user-provided, then back to self-signed: each converges and verifies', async () => {
  const pair = await userProvidedPair(bed.namespace, 'antrea-pod-held');
  const dir = join(work, 'pair');
  mkdirSync(dir);
  writeFileSync(join(dir, 'tls.crt'), pair.cert);
  writeFileSync(join(dir, 'tls.key'), pair.key);
  writeFileSync(join(dir, 'ca.crt'), pair.ca);
  const selfSignedCa = await bed.publishedCa();

  const imported = run('import', '--from-dir', dir, '--mode', 'user-provided', '--yes');
  assert.equal(imported.status, 0, imported.stderr + imported.stdout);
  assert.equal(await bed.publishedCa(), pair.ca);
  assert.match(plugin(bed.kubeconfig, ['mode']).stdout, /^user-provided/);

  // Pod-held releases ignore the Secret in self-signed mode: no --regenerate needed.
  bed.kubectl(
    '-n',
    bed.namespace,
    'label',
    'deployment',
    'antrea-controller',
    'app.kubernetes.io/managed-by=Helm',
  );
  const back = run('mode', 'self-signed', '--yes');
  assert.equal(back.status, 0, back.stderr + back.stdout);
  assert.match(
    back.stderr,
    /managed by Helm: the next helm upgrade reverts the switch unless you set --set controller\.selfSignedCert=true/,
  );
  const newCa = await bed.publishedCa();
  assert.notEqual(newCa, pair.ca);
  assert.notEqual(newCa, selfSignedCa, 'a restart of a Pod-held release makes a new CA');
  assert.match(
    plugin(bed.kubeconfig, ['mode']).stdout,
    /^self-signed, pair held in the controller Pod/,
  );
});

test('rotate in Pod-held self-signed mode restarts the controller for a new CA', async () => {
  const before = await bed.publishedCa();
  const result = run('rotate', '--yes');
  assert.equal(result.status, 0, result.stderr + result.stdout);
  assert.match(
    result.stderr,
    /the self-signed pair lives in the controller Pod: a restart makes a new one/,
  );
  assert.match(result.stderr, /Deployment antrea-controller: restart/);
  assert.notEqual(await bed.publishedCa(), before);
});
