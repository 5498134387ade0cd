// Which mode the controller is in, where its pair lives, and its version (src/antrea/mode.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectMode, versionFromImage } from '../../../src/antrea/mode.ts';

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
