// Antrea knowledge: versions, config, mode detection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseRelease,
  persistsSelfSignedPair,
  selectsConsumersByLabel,
} from '../../src/antrea/versions.ts';
import { readSelfSignedCert } from '../../src/antrea/config.ts';
import { detectMode, versionFromImage } from '../../src/antrea/mode.ts';

const release = (v: string) => {
  const r = parseRelease(v);
  assert.ok(r, v);
  return r;
};

test('pair-persisting releases are v2 and the late 1.13-1.15 patches', () => {
  for (const v of ['v2.0.0', 'v2.7.0-3f2a1b', 'v1.13.4', 'v1.14.3', 'v1.15.1', 'v1.16.0'])
    assert.equal(persistsSelfSignedPair(release(v)), true, v);
  for (const v of ['v1.0.0', 'v1.12.3', 'v1.13.3', 'v1.14.2', 'v1.15.0'])
    assert.equal(persistsSelfSignedPair(release(v)), false, v);
  assert.equal(parseRelease('latest'), undefined);
  assert.equal(selectsConsumersByLabel(release('v1.11.0')), false);
  assert.equal(selectsConsumersByLabel(release('v1.12.0')), true);
});

test('selfSignedCert: default true, commented out in v1.0, explicit false, and broken values', () => {
  assert.deepEqual(readSelfSignedCert('# comment\nfeatureGates:\n#selfSignedCert: true\n'), {
    value: true,
    explicit: false,
  });
  assert.deepEqual(readSelfSignedCert('selfSignedCert: false\n'), { value: false, explicit: true });
  assert.deepEqual(readSelfSignedCert('selfSignedCert: true # default\n'), {
    value: true,
    explicit: true,
  });
  assert.match(
    String((readSelfSignedCert('selfSignedCert: "no"\n') as { error: string }).error),
    /not true or false/,
  );
  assert.match(
    String((readSelfSignedCert('selfSignedCert: [\n') as { error: string }).error),
    /not valid YAML/,
  );
});

test('the version comes from AntreaControllerInfo, else an image tag that is not latest', () => {
  assert.equal(versionFromImage('antrea/antrea-controller-ubuntu:v2.7.0'), 'v2.7.0');
  assert.equal(
    versionFromImage('registry:5000/antrea/antrea-controller-ubuntu:v1.12.3'),
    'v1.12.3',
  );
  assert.equal(versionFromImage('antrea/antrea-controller-ubuntu:latest'), undefined);
  assert.equal(versionFromImage('antrea/antrea-controller-ubuntu@sha256:abcd'), undefined);
  assert.equal(versionFromImage('registry:5000/antrea'), undefined);
});

test('mode and where the self-signed pair lives', () => {
  const base = { deploymentLabels: {}, deploymentAnnotations: {} };
  assert.equal(
    detectMode({ ...base, configText: 'selfSignedCert: false', controllerInfoVersion: 'v2.7.0' })
      .mode,
    'user-provided',
  );
  assert.equal(
    detectMode({ ...base, configText: 'selfSignedCert: true', controllerInfoVersion: 'v2.7.0' })
      .pairStorage,
    'secret',
  );
  assert.equal(
    detectMode({ ...base, configText: '#selfSignedCert: true', image: 'antrea/x:v1.12.3' })
      .pairStorage,
    'pod',
  );
  const unknown = detectMode({
    ...base,
    image: 'antrea/x:latest',
    secret: { hasCa: false, hasCert: true, annotations: {} },
  });
  assert.equal(unknown.pairStorage, 'secret');
  assert.equal(unknown.versionSource, 'unknown');
  const managed = detectMode({
    deploymentLabels: { 'app.kubernetes.io/managed-by': 'Helm' },
    deploymentAnnotations: {},
    secret: {
      hasCa: true,
      hasCert: true,
      annotations: { 'cert-manager.io/certificate-name': 'antrea-controller' },
    },
    configText: 'selfSignedCert: false',
  });
  assert.equal(managed.helmManaged, true);
  assert.equal(managed.certManagerCertificate, 'antrea-controller');
});
