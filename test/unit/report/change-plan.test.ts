// A change's plan as data, from the writes --dry-run=client kept: fields old
// and new, certificates by fingerprint, a private key only as "secret".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plannedWrites } from '../../../src/report/change-plan.ts';
import type { Intended } from '../../../src/kube/client.ts';
import { servingPair } from '../../support/certificates.ts';
import { selfSigned } from '../../support/installation.ts';
import { createHash } from 'node:crypto';

const old = await servingPair();
const fresh = await servingPair({ caName: 'Admin CA' });
const inst = selfSigned(old);
const sha256Hex = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const b64 = (text: string) => Buffer.from(text).toString('base64');
const fingerprint = (pem: string) =>
  sha256Hex(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));

const secretUpdate: Intended = {
  verb: 'update',
  resource: 'secrets',
  namespace: 'kube-system',
  name: 'antrea-controller-tls',
  body: {
    metadata: { name: 'antrea-controller-tls' },
    data: {
      'ca.crt': b64(fresh.ca.certPem),
      'tls.crt': b64(fresh.leaf.certPem),
      'tls.key': b64(fresh.leaf.keyPem),
    },
  } as Intended['body'],
};

test('a Secret write: each changed key, certificates by fingerprint, the key never', () => {
  const [write] = plannedWrites(inst, [secretUpdate]);
  assert.ok(write);
  assert.deepEqual(
    [write.verb, write.kind, write.namespace, write.name],
    ['update', 'Secret', 'kube-system', 'antrea-controller-tls'],
  );
  assert.deepEqual(
    write.fields.map((f) => f.field),
    ['data.ca.crt', 'data.tls.crt', 'data.tls.key'],
  );
  const [ca, crt, key] = write.fields;
  assert.equal(ca?.before, undefined, 'the self-signed Secret had no ca.crt');
  assert.deepEqual(
    ca?.after && 'certificates' in ca.after && ca.after.certificates.map((c) => c.sha256),
    [fingerprint(fresh.ca.certPem)],
  );
  assert.deepEqual(
    crt?.before && 'certificates' in crt.before && crt.before.certificates.map((c) => c.sha256),
    [fingerprint(old.leaf.certPem), fingerprint(old.ca.certPem)],
  );
  assert.deepEqual(key, {
    field: 'data.tls.key',
    before: { secret: true },
    after: { secret: true },
  });
  const text = JSON.stringify(write);
  for (const pem of [old.leaf.keyPem, fresh.leaf.keyPem]) {
    assert.ok(!text.includes(pem.split('\n')[1] ?? pem), 'key material in the plan');
  }
});

test('an unchanged key is left out; a delete lists what goes', () => {
  const same: Intended = {
    ...secretUpdate,
    body: {
      metadata: { name: 'antrea-controller-tls' },
      data: { 'tls.crt': b64(old.leaf.certPem + old.ca.certPem), 'tls.key': b64(old.leaf.keyPem) },
    } as Intended['body'],
  };
  assert.deepEqual(plannedWrites(inst, [same])[0]?.fields, []);
  const [gone] = plannedWrites(inst, [{ ...secretUpdate, verb: 'delete', body: undefined }]);
  assert.deepEqual(
    gone?.fields.map((f) => [f.field, Boolean(f.before), Boolean(f.after)]),
    [
      ['data.tls.crt', true, false],
      ['data.tls.key', true, false],
    ],
  );
});

test('the controller config by digest and by its selfSignedCert; a restart by its annotation', () => {
  const writes = plannedWrites(inst, [
    {
      verb: 'update',
      resource: 'configmaps',
      namespace: 'kube-system',
      name: 'antrea-config',
      body: {
        metadata: { name: 'antrea-config' },
        data: { 'antrea-controller.conf': 'selfSignedCert: false\n' },
      } as Intended['body'],
    },
    {
      verb: 'update',
      resource: 'deployments.apps',
      namespace: 'kube-system',
      name: 'antrea-controller',
      body: {
        metadata: { name: 'antrea-controller' },
        spec: {
          template: {
            metadata: {
              annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-12-06T00:00:00Z' },
            },
          },
        },
      } as Intended['body'],
    },
  ]);
  assert.deepEqual(
    writes.map((w) => w.kind),
    ['ConfigMap', 'Deployment'],
  );
  const [conf, setting] = writes[0]?.fields ?? [];
  assert.equal(conf?.field, 'data.antrea-controller.conf');
  assert.deepEqual(conf?.before, {
    sha256: sha256Hex(Buffer.from('selfSignedCert: true\n')),
    bytes: 21,
  });
  assert.deepEqual(setting, {
    field: 'selfSignedCert',
    before: { value: 'true' },
    after: { value: 'false' },
  });
  assert.deepEqual(writes[1]?.fields, [
    {
      field: 'spec.template.metadata.annotations.kubectl.kubernetes.io/restartedAt',
      after: { value: '2026-12-06T00:00:00Z' },
    },
  ]);
});
