// audit's checks from crafted reads: the release's permissions, every traffic
// encryption branch, refused reads as not-checked warnings, IPsec CA expiry
// and the agents' API certificates. (The testbed run is e2e/cli/audit.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditFrom, type AuditInputs } from '../../../src/report/audit/audit.ts';
import type { IpsecObjects, SigningRequest } from '../../../src/antrea/snapshot.ts';
import type { SecurityObjects } from '../../../src/antrea/snapshot.ts';
import { DAY, now, servingPair } from '../../support/certificates.ts';
import { deployment, installation } from '../../support/installation.ts';
import { noIpsec, noSecurity } from '../../support/snapshot.ts';
import { issue, usage } from '../../testbed/pki.ts';

const { ca } = await servingPair();
const refused = { refused: 'you may not list pods at the cluster scope' } as const;
function audit(options: {
  version?: string;
  agent?: string;
  controller?: string;
  security?: Partial<SecurityObjects>;
  ipsec?: Partial<IpsecObjects>;
}) {
  const inputs: AuditInputs = {
    installation: installation(ca.certPem, {
      deployment: deployment({
        image: `antrea/antrea-controller-ubuntu:${options.version ?? 'v2.7.0'}`,
      }),
      config: {
        name: 'antrea-config',
        text: options.controller ?? '',
        agentText: options.agent ?? '',
        resourceVersion: '1',
      },
    }),
    security: { ...noSecurity, ...options.security },
    ipsec: { ...noIpsec, ...options.ipsec },
    now,
    warnWithin: 30 * DAY,
    failWithin: 7 * DAY,
    trustedNamespaces: [],
  };
  const report = auditFrom(inputs);
  return (id: string) => report.checks.find((c) => c.id === id);
}

test('the release: before v0.10 and v0.13 warns with both fixes named; unknown warns', () => {
  assert.match(
    audit({ version: 'v0.9.1' })('antrea-release')?.message ?? '',
    /predates v0\.10\.0 and v0\.13\.0/,
  );
  assert.equal(audit({ version: 'v0.12.2' })('antrea-release')?.status, 'warn');
  assert.equal(audit({ version: 'v1.0.0' })('antrea-release')?.status, 'pass');
  assert.equal(audit({ version: 'latest' })('antrea-release')?.status, 'warn');
});

test('a default PSK fails in psk mode and only warns in certificate mode', () => {
  const psk = { pskSecret: { value: { exists: true, isDefault: true } } } as const;
  assert.equal(
    audit({ agent: 'trafficEncryptionMode: ipsec', ipsec: psk })('ipsec-psk')?.status,
    'fail',
  );
  const cert =
    'featureGates: {IPsecCertAuth: true}\ntrafficEncryptionMode: ipsec\nipsec: {authenticationMode: cert}';
  assert.equal(audit({ agent: cert, ipsec: psk })('ipsec-psk')?.status, 'warn');
});

test('traffic encryption: none and WireGuard pass, PSK warns with the remedy its release has', () => {
  assert.equal(audit({})('traffic-encryption')?.status, 'pass');
  assert.match(
    audit({ agent: 'trafficEncryptionMode: wireGuard' })('traffic-encryption')?.message ?? '',
    /WireGuard/,
  );
  const psk = { pskSecret: { value: { exists: true, isDefault: false } } } as const;
  const current = audit({ agent: 'trafficEncryptionMode: ipsec', ipsec: psk })(
    'traffic-encryption',
  );
  assert.equal(current?.status, 'warn');
  assert.match(current?.hint ?? '', /authenticationMode cert/);
  const old = audit({ version: 'v1.6.0', agent: 'trafficEncryptionMode: ipsec', ipsec: psk })(
    'traffic-encryption',
  );
  assert.match(old?.hint ?? '', /upgrade to Antrea v1\.7\.0/);
  assert.equal(audit({ agent: 'trafficEncryptionMode: ipsec' })('ipsec-psk')?.status, 'fail');
  const unreadable = audit({
    agent: 'trafficEncryptionMode: ipsec',
    ipsec: { pskSecret: refused },
  });
  assert.equal(unreadable('not-checked:Secret/antrea-ipsec')?.status, 'warn');
  assert.equal(audit({ agent: 'trafficEncryptionMode: [' })('traffic-encryption')?.status, 'warn');
});

test('refused reads become not-checked warnings, and the rest still runs', () => {
  const check = audit({
    security: {
      pods: refused,
      podSecurityPolicies: refused,
      gatekeeper: refused,
      agentInfos: refused,
    },
  });
  for (const id of ['Pods', 'PodSecurityPolicies', 'Gatekeeper', 'AntreaAgentInfos'])
    assert.equal(check(`not-checked:${id}`)?.status, 'warn', id);
  assert.equal(check('antrea-release')?.status, 'pass');
});

test('certificate mode: the CA by expiry, requests by state, the signer gate', async () => {
  const ipsecCa = (days: number) =>
    issue({
      commonName: 'antrea-ipsec-ca',
      isCA: true,
      usages: usage.keyCertSign,
      notAfter: new Date(now.getTime() + days * DAY),
    });
  const agent =
    'featureGates: {IPsecCertAuth: true}\ntrafficEncryptionMode: ipsec\nipsec: {authenticationMode: cert}';
  const controller = 'featureGates: {IPsecCertAuth: true}\n';
  const request = (state: SigningRequest['state']): SigningRequest => ({
    name: `r-${state}`,
    state,
  });
  const run = async (days: number, requests: SigningRequest[], controllerConf = controller) =>
    audit({
      agent,
      controller: controllerConf,
      ipsec: { caBundle: { value: (await ipsecCa(days)).certPem }, requests: { value: requests } },
    });
  let check = await run(3650, []);
  assert.equal(check('ipsec-ca')?.status, 'pass');
  assert.equal(check('ipsec-requests')?.status, 'pass');
  check = await run(
    20,
    [request('pending'), request('denied')],
    `${controller}ipsecCSRSigner: {autoApprove: false}`,
  );
  assert.equal(check('ipsec-ca')?.status, 'warn');
  assert.match(check('ipsec-requests-pending')?.hint ?? '', /autoApprove is false/);
  assert.equal(check('ipsec-requests-denied')?.status, 'warn');
  check = await run(3, [], '');
  assert.equal(check('ipsec-ca')?.status, 'fail');
  assert.equal(check('ipsec-signer')?.status, 'fail');
  check = audit({ agent, controller, ipsec: { caBundle: { value: undefined } } });
  assert.match(check('ipsec-ca')?.message ?? '', /does not exist/);
});

test("Antrea's own Pods are listed apart; an agent outside Antrea's namespace is not Antrea's", () => {
  const agent = (namespace: string) => ({
    metadata: { namespace, name: `antrea-agent-${namespace}`, labels: { app: 'antrea' } },
    spec: {
      volumes: [{ name: 'run', hostPath: { path: '/var/run/antrea' } }],
      containers: [{ name: 'a', volumeMounts: [{ name: 'run' }] }],
    },
  });
  const alone = audit({ security: { pods: { value: [agent('kube-system')] } } });
  assert.equal(alone('host-path')?.status, 'pass');
  assert.equal(alone('host-path-antrea')?.status, 'pass');
  const check = audit({ security: { pods: { value: [agent('kube-system'), agent('other')] } } });
  assert.equal(check('host-path'), undefined);
  assert.equal(
    check('host-path-antrea')?.message,
    "Antrea's own Pods (1) mount /var/run/antrea, as they must",
  );
  assert.equal(check('host-path:other/antrea-agent-other')?.status, 'fail');
  assert.match(
    check('admission:other')?.hint ?? '',
    /install gatekeeper-library's k8spsphostfilesystem/,
  );
});

test("agents' certificates: IPsec ones from issued requests and API ones warn, then fail, near expiry", async () => {
  const leaf = async (cn: string, days: number) =>
    (
      await issue({
        commonName: cn,
        usages: usage.digitalSignature,
        notAfter: new Date(now.getTime() + days * DAY),
      })
    ).certPem;
  const agent =
    'featureGates: {IPsecCertAuth: true}\ntrafficEncryptionMode: ipsec\nipsec: {authenticationMode: cert}';
  const issued = (name: string, certificate: string): SigningRequest => ({
    name,
    state: 'issued',
    certificate,
  });
  const check = audit({
    agent,
    controller: 'featureGates: {IPsecCertAuth: true}',
    ipsec: {
      requests: {
        value: [
          issued('n1-old', await leaf('node-1', 2)),
          issued('n1-new', await leaf('node-1', 300)),
          issued('n2', await leaf('node-2', 20)),
          issued('n3', await leaf('node-3', 5)),
        ],
      },
    },
    security: {
      agentInfos: {
        value: [
          {
            nodeRef: { name: 'node-1' },
            apiCABundle: Buffer.from(await leaf('a1', 25)).toString('base64'),
          },
          {
            nodeRef: { name: 'node-2' },
            apiCABundle: Buffer.from(await leaf('a2', -1)).toString('base64'),
          },
        ],
      },
    },
  });
  // node-1's newest certificate counts, not the one it replaced.
  assert.equal(check('ipsec-agent-certificate:CN=node-1'), undefined);
  assert.equal(check('ipsec-agent-certificate:CN=node-2')?.status, 'warn');
  assert.equal(check('ipsec-agent-certificate:CN=node-3')?.status, 'fail');
  assert.equal(check('agent-api-certificate:node-1')?.status, 'warn');
  assert.match(check('agent-api-certificate:node-2')?.message ?? '', /expired/);
  assert.equal(check('agent-api-certificate:node-2')?.status, 'fail');
});
