// status and verify where the self-signed pair is held in the Pod (v1.12.3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testbed, eventually, restartController, type Testbed } from '../../testbed/fixture.ts';
import { plugin, json } from '../plugin.ts';

const bed: Testbed = await testbed({ version: 'v1.12.3' });
const run = (...args: string[]) => plugin(bed.kubeconfig, args);

interface StatusJson {
  mode: string;
  selfSignedPairStorage: string;
  secret: unknown;
  servingCertificateSource: string;
  servingCertificate: { subject: string; sha256: string };
  caBundle: { certificates: { sha256: string }[] };
}

test('status says the pair is held in the Pod and shows the serving certificate from antrea-ca', () => {
  const status = json<StatusJson>(run('status', '-o', 'json'));
  assert.equal(status.mode, 'self-signed');
  assert.equal(status.selfSignedPairStorage, 'pod');
  assert.equal(status.secret, null);
  assert.match(status.servingCertificateSource, /ConfigMap antrea-ca/);
  assert.match(status.servingCertificate.subject, /^CN=antrea@\d+$/);
  assert.equal(status.caBundle.certificates[0]?.sha256, status.servingCertificate.sha256);
  assert.match(
    run('status').stdout,
    /self-signed, pair held in the controller Pod \(new at every restart\)/,
  );
  assert.equal(run('verify').status, 0);
});

test('after a restart the new CA shows up and verify passes again once published', async () => {
  const before = json<StatusJson>(run('status', '-o', 'json')).servingCertificate.sha256;
  await restartController(bed);
  const after = await eventually('a new serving certificate in status', () => {
    const s = json<StatusJson>(run('status', '-o', 'json'));
    return s.servingCertificate.sha256 !== before ? s : undefined;
  });
  assert.notEqual(after.servingCertificate.sha256, before);
  await eventually('verify to pass', () => run('verify').status === 0);
});
