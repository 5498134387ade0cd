// status and verify on a v2.7.0 testbed: the healthy case, each kind of
// mismatch, bad connections and RBAC, and what -v prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testbed, eventually, type Testbed } from '../../testbed/fixture.ts';
import { generateSelfSignedPair } from '../../testbed/model/selfsigned.ts';
import { plugin, json, TRACED_BIN } from '../plugin.ts';
import { spawnSync } from 'node:child_process';

// No periodic re-publishing during these tests: a changed caBundle stays changed.
const bed: Testbed = await testbed({ version: 'v2.7.0', timings: { publishResyncSeconds: 3600 } });
const run = (...args: string[]) => plugin(bed.kubeconfig, args);
const b64 = (s: string) => Buffer.from(s).toString('base64');

interface StatusJson {
  mode: string;
  namespace: string;
  antreaVersion: string;
  selfSignedPairStorage: string;
  servingCertificate: { subject: string; dnsNames: string[]; sha256: string };
  caBundle: { certificates: { subject: string; sha256: string }[] };
  consumers: { kind: string; name: string; webhook?: string; caBundleMatches: boolean }[];
  warnings: string[];
}

test('status of a healthy self-signed v2.7.0 installation', () => {
  const status = json<StatusJson>(run('status', '-o', 'json'));
  assert.equal(status.mode, 'self-signed');
  assert.equal(status.namespace, 'kube-system');
  assert.equal(status.antreaVersion, 'v2.7.0');
  assert.equal(status.selfSignedPairStorage, 'secret');
  assert.match(status.servingCertificate.subject, /^CN=antrea@\d+$/);
  assert.ok(status.servingCertificate.dnsNames.includes('antrea.kube-system.svc'));
  assert.equal(status.caBundle.certificates.length, 2);
  assert.equal(status.consumers.length, 9, 'three APIServices, five webhooks, one CRD');
  assert.ok(status.consumers.every((c) => c.caBundleMatches));
  assert.deepEqual(status.warnings, []);

  const table = run('status');
  assert.equal(table.status, 0);
  assert.ok(table.stdout.split('\n').every((line) => line.length <= 100));
  assert.match(table.stdout, /Mode +self-signed, pair persisted in Secret antrea-controller-tls/);
  assert.match(table.stdout, /✔ chains to the published CA +✔ carries antrea\.kube-system\.svc/);
  assert.match(run('status', '-o', 'yaml').stdout, /^mode: self-signed$/m);
  assert.match(run('status', '-o', 'wide').stdout, new RegExp(status.servingCertificate.sha256));
});

test('verify passes on a healthy installation and exits 0', () => {
  const result = run('verify');
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /✔ controlplane\.antrea\.io\/v1beta2 answers through the API server/);
  assert.match(result.stdout, /\d+ passed, 0 warnings, 0 failed/);
});

async function withChangedBundle(change: () => Promise<() => Promise<void>>, expectObject: RegExp) {
  const restore = await change();
  try {
    const result = run('verify');
    assert.equal(result.status, 2, result.stdout);
    assert.match(result.stdout, expectObject);
    return result;
  } finally {
    await restore();
  }
}

test('one webhook with another caBundle: verify exits 2 and names the configuration and the webhook', async () => {
  const other = await generateSelfSignedPair('kube-system');
  const result = await withChangedBundle(async () => {
    const api = bed.api.admission;
    const config = await api.readValidatingWebhookConfiguration({ name: 'crdvalidator.antrea.io' });
    const webhook = config.webhooks?.[1];
    assert.ok(webhook);
    const original = webhook.clientConfig.caBundle;
    webhook.clientConfig.caBundle = b64(other.certPem);
    await api.replaceValidatingWebhookConfiguration({
      name: 'crdvalidator.antrea.io',
      body: config,
    });
    return async () => {
      const fresh = await api.readValidatingWebhookConfiguration({
        name: 'crdvalidator.antrea.io',
      });
      fresh.webhooks![1]!.clientConfig.caBundle = original;
      await api.replaceValidatingWebhookConfiguration({
        name: 'crdvalidator.antrea.io',
        body: fresh,
      });
    };
  }, /× ValidatingWebhookConfiguration\/crdvalidator\.antrea\.io: webhook acnpvalidator\.antrea\.io: caBundle differs from antrea-ca/);
  assert.match(result.stdout, /hint: the controller re-publishes/);
  const status = json<StatusJson>(run('status', '-o', 'json'));
  assert.ok(
    status.consumers.every((c) => c.caBundleMatches),
    'restored',
  );
});

test('one APIService with another caBundle: verify exits 2, names it, and the aggregated API no longer answers', async () => {
  const other = await generateSelfSignedPair('kube-system');
  const name = 'v1beta1.system.antrea.io';
  const result = await withChangedBundle(async () => {
    const api = bed.api.registration;
    const apiService = await api.readAPIService({ name });
    const original = apiService.spec!.caBundle;
    apiService.spec!.caBundle = b64(other.certPem);
    await api.replaceAPIService({ name, body: apiService });
    await eventually(
      'the aggregation layer to refuse the old certificate',
      () => bed.kubectlResult('get', '--raw', '/apis/system.antrea.io/v1beta1').status !== 0,
    );
    return async () => {
      const fresh = await api.readAPIService({ name });
      fresh.spec!.caBundle = original;
      await api.replaceAPIService({ name, body: fresh });
      await eventually(
        'the aggregated API to answer again',
        () => bed.kubectlResult('get', '--raw', '/apis/system.antrea.io/v1beta1').status === 0,
      );
    };
  }, /× APIService\/v1beta1\.system\.antrea\.io: caBundle differs from antrea-ca/);
  assert.match(
    result.stdout,
    /× v1beta1\.system\.antrea\.io does not answer: .*GET \/apis\/system\.antrea\.io\/v1beta1 answered 503/,
  );
});

test('the CRD conversion webhook with another caBundle: verify exits 2 and names the CRD', async () => {
  const other = await generateSelfSignedPair('kube-system');
  const name = 'ippools.crd.antrea.io';
  await withChangedBundle(async () => {
    const api = bed.api.extensions;
    const crd = await api.readCustomResourceDefinition({ name });
    const client = crd.spec.conversion!.webhook!.clientConfig!;
    const original = client.caBundle;
    client.caBundle = b64(other.certPem);
    await api.replaceCustomResourceDefinition({ name, body: crd });
    return async () => {
      const fresh = await api.readCustomResourceDefinition({ name });
      fresh.spec.conversion!.webhook!.clientConfig!.caBundle = original;
      await api.replaceCustomResourceDefinition({ name, body: fresh });
    };
  }, /× CustomResourceDefinition\/ippools\.crd\.antrea\.io: caBundle differs/);
});

test('antrea-ca deleted: verify exits 2 and status warns', async () => {
  const ca = await bed.publishedCa();
  bed.kubectl('-n', 'kube-system', 'delete', 'configmap', 'antrea-ca');
  try {
    const result = run('verify');
    assert.equal(result.status, 2);
    assert.match(result.stdout, /× ConfigMap antrea-ca does not exist/);
    assert.match(run('status').stdout, /ConfigMap antrea-ca is missing/);
  } finally {
    await bed.api.core.createNamespacedConfigMap({
      namespace: 'kube-system',
      body: {
        metadata: { name: 'antrea-ca', labels: { app: 'antrea' } },
        data: { 'ca.crt': ca ?? '' },
      },
    });
  }
  assert.equal(run('verify').status, 0);
});

test('antrea-ca re-created without its label: found by name, at no extra request while labelled', async () => {
  const ca = await bed.publishedCa();
  const create = (labels?: Record<string, string>) =>
    bed.api.core.createNamespacedConfigMap({
      namespace: 'kube-system',
      body: {
        metadata: { name: 'antrea-ca', ...(labels ? { labels } : {}) },
        data: { 'ca.crt': ca ?? '' },
      },
    });
  bed.kubectl('-n', 'kube-system', 'delete', 'configmap', 'antrea-ca');
  await create();
  try {
    const verified = run('verify');
    assert.equal(verified.status, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /✔ ConfigMap antrea-ca holds \d+ certificates?\n/);
    const status = run('status', '-v');
    assert.doesNotMatch(status.stdout, /antrea-ca is missing/);
    assert.match(status.stderr, /^12 API requests$/m, 'one GET of antrea-ca by name more');
  } finally {
    bed.kubectl('-n', 'kube-system', 'delete', 'configmap', 'antrea-ca');
    await create({ app: 'antrea' });
  }
  assert.match(run('status', '-v').stderr, /^11 API requests$/m);
});

test('-n names the Antrea namespace; a wrong one is one clear sentence and exit 1', () => {
  assert.equal(run('status', '-n', 'kube-system', '-o', 'json').status, 0);
  const wrong = run('status', '-n', 'nope');
  assert.equal(wrong.status, 1);
  assert.equal(
    wrong.stderr.trim(),
    'error: no antrea-controller Deployment in namespace nope; is Antrea installed there? (leave out -n to search every namespace)',
  );
});

test('bad connections: unknown context, no kubeconfig, unreachable server, untrusted server certificate', () => {
  const unknown = run('status', '--context', 'staging');
  assert.equal(unknown.status, 1);
  assert.match(
    unknown.stderr,
    /^error: context "staging" is not in .*kubeconfig \(contexts there: testbed\); pick one with --context\.\n$/,
  );

  const home = mkdtempSync(join(tmpdir(), 'antrea-certs-nohome-'));
  const none = plugin(undefined, ['status'], { HOME: home });
  assert.equal(none.status, 1);
  assert.match(none.stderr, /^error: no kubeconfig found/);

  const unreachable = run(
    'status',
    '--server',
    'https://127.0.0.1:1',
    '--insecure-skip-tls-verify',
  );
  assert.equal(unreachable.status, 1);
  assert.match(
    unreachable.stderr,
    /^error: cannot reach the API server at https:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/,
  );

  const untrusted = run(
    'status',
    '--certificate-authority',
    join(bed.dir, 'pki', 'front-proxy-ca.crt'),
  );
  assert.equal(untrusted.status, 1);
  assert.match(
    untrusted.stderr,
    /^error: the API server's certificate at .* is signed by an unknown authority \(/,
  );

  // A name the certificate does not hold: named as kubectl names it, beside kubectl.
  const misnamed = run('status', '--tls-server-name', 'wrong.example');
  assert.equal(misnamed.status, 1);
  const kubectl = bed.kubectlResult('get', 'ns', '--tls-server-name', 'wrong.example');
  assert.notEqual(kubectl.status, 0);
  const kubectlNames = /certificate is valid for (.*), not wrong\.example/.exec(
    kubectl.stderr,
  )?.[1];
  assert.ok(kubectlNames, kubectl.stderr);
  assert.match(
    misnamed.stderr,
    /^error: the API server's certificate at \S+ is valid for .*, not wrong\.example; check tls-server-name/,
  );
  for (const name of kubectlNames.split(', '))
    assert.ok(misnamed.stderr.includes(name), `${name} is named, as kubectl names it`);

  for (const r of [unknown, none, unreachable, untrusted, misnamed])
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

test('RBAC: a user without the needed permissions gets the refused verb, resource and namespace', () => {
  const reader = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'antrea-certs-reader' },
    rules: [
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['pods', 'configmaps'], verbs: ['get', 'list'] },
      {
        apiGroups: [''],
        resources: ['secrets'],
        verbs: ['get'],
        resourceNames: ['antrea-controller-tls'],
      },
      { apiGroups: ['apiregistration.k8s.io'], resources: ['apiservices'], verbs: ['list'] },
      {
        apiGroups: ['admissionregistration.k8s.io'],
        resources: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'],
        verbs: ['list'],
      },
      {
        apiGroups: ['apiextensions.k8s.io'],
        resources: ['customresourcedefinitions'],
        verbs: ['list'],
      },
      {
        apiGroups: ['crd.antrea.io', 'clusterinformation.antrea.tanzu.vmware.com'],
        resources: ['antreacontrollerinfos'],
        verbs: ['get'],
      },
    ],
  };
  const noSecrets = {
    ...reader,
    metadata: { name: 'antrea-certs-no-secrets' },
    rules: reader.rules.filter((r) => !r.resources.includes('secrets')),
  };
  const noInfo = {
    ...reader,
    metadata: { name: 'antrea-certs-no-controller-info' },
    rules: reader.rules.filter((r) => !r.resources.includes('antreacontrollerinfos')),
  };
  const bind = (user: string, role: string) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: `${user}-${role}` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
  });
  const file = join(bed.dir, 'rbac.json');
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        reader,
        noSecrets,
        noInfo,
        bind('reader', 'antrea-certs-reader'),
        bind('limited', 'antrea-certs-no-secrets'),
        bind('no-info', 'antrea-certs-no-controller-info'),
      ],
    }),
  );
  bed.kubectl('apply', '-f', file);

  const allowed = run('verify', '--as', 'reader');
  assert.equal(
    allowed.status,
    0,
    `README's read-only role is enough for verify: ${allowed.stdout}${allowed.stderr}`,
  );

  // Without the Secret (README's viewer role): self-signed mode shows the certificate antrea-ca publishes.
  const limited = run('status', '--as', 'limited', '-o', 'json');
  assert.equal(limited.status, 0, limited.stderr);
  const report = JSON.parse(limited.stdout) as {
    servingCertificateSource: string;
    servingCertificate: { subject: string } | null;
    secret: unknown;
    notes: string[];
  };
  assert.equal(report.secret, null);
  assert.match(report.servingCertificateSource, /^ConfigMap antrea-ca/);
  assert.match(report.servingCertificate?.subject ?? '', /^CN=antrea@/);
  assert.deepEqual(report.notes, [
    'you may not get Secret antrea-controller-tls (403 Forbidden): the serving certificate comes from ConfigMap antrea-ca; its key and ca.crt are not checked.',
  ]);
  const limitedVerify = run('verify', '--as', 'limited');
  assert.equal(limitedVerify.status, 0, limitedVerify.stdout);
  assert.match(
    limitedVerify.stdout,
    /‼ Secret\/antrea-controller-tls may not be read \(403 Forbidden\): its key, its ca\.crt and what antrea-ca publishes of it were not checked/,
  );
  assert.match(limitedVerify.stdout, /answers through the API server/);
  assert.equal(run('verify', '--as', 'limited', '--strict').status, 3);
  // A change needs the Secret: refused with the one sentence, nothing written.
  const change = run('rotate', '--as', 'limited', '--yes');
  assert.equal(change.status, 1);
  assert.equal(
    change.stderr.trim(),
    'error: you are not allowed to get secrets in namespace kube-system (403 Forbidden); ask for that RBAC permission (README lists what each command needs).',
  );

  // AntreaControllerInfo only gives the version: without it, the image tag does, and a note says so.
  const noVersionInfo = run('status', '--as', 'no-info');
  assert.equal(noVersionInfo.status, 0, noVersionInfo.stderr);
  assert.match(noVersionInfo.stdout, /^Antrea +v2\.7\.0 in namespace kube-system/m);
  assert.match(
    noVersionInfo.stdout,
    /\nNotes\n {2}you may not get antreacontrollerinfos \(403 Forbidden\): the Antrea version comes from the controller image tag\.\n$/,
  );
  assert.equal(run('verify', '--as', 'no-info').status, 0);

  const nobody = run('status', '--as', 'nobody');
  assert.equal(nobody.status, 1);
  assert.match(
    nobody.stderr,
    /^error: you are not allowed to (get deployments\.apps|list pods|list configmaps|get secrets|list [a-z0-9.]+|get antreacontrollerinfos[a-z0-9.]*) .*\(403 Forbidden\)/,
  );
});

test('-v prints each request on stderr, and no output at any verbosity holds key material', async () => {
  const secret = await bed.api.core.readNamespacedSecret({
    name: 'antrea-controller-tls',
    namespace: 'kube-system',
  });
  const key = Buffer.from(secret.data?.['tls.key'] ?? '', 'base64').toString();
  const keyLine = key.split('\n')[1] ?? 'unreachable';
  const verbose = run('status', '-v');
  assert.match(
    verbose.stderr,
    /GET https:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/kube-system\/secrets\/antrea-controller-tls 200 in \d+ ms/,
  );
  assert.match(
    verbose.stderr,
    /^11 API requests$/m,
    'one parallel round: the namespace search, four namespaced and six cluster-scoped reads',
  );
  for (const args of [
    ['status', '-vv'],
    ['status', '-vv', '-o', 'json'],
    ['status', '-o', 'yaml', '-v'],
    ['status', '-o', 'wide', '-vv'],
    ['verify', '-vv'],
    ['verify', '-o', 'json', '-vv'],
  ]) {
    const r = run(...args);
    for (const out of [r.stdout, r.stderr]) {
      assert.doesNotMatch(out, /PRIVATE KEY/, args.join(' '));
      assert.ok(!out.includes(keyLine), args.join(' '));
      assert.ok(
        !out.includes(secret.data?.['tls.key']?.slice(0, 40) ?? 'unreachable'),
        args.join(' '),
      );
    }
  }
});

test('--help, usage errors and version --client evaluate none of the client, x509 or yaml code', () => {
  // The traced build (npm test makes it) names every module it evaluated, on exit.
  const loaded = (args: string[]) => {
    const r = spawnSync(process.execPath, [TRACED_BIN, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', KUBECONFIG: bed.kubeconfig, ANTREA_CERTS_TRACE: '1' },
    });
    const modules = /^EVALUATED (.*)$/m.exec(r.stderr)?.[1] ?? '';
    return { status: r.status, modules, stdout: r.stdout, stderr: r.stderr };
  };
  // The flags' lists (key algorithms, thresholds) are constants in modules without imports; the
  // checks of names and validity limits that parsing makes import nothing but src/ip.ts.
  const marker =
    /src\/kube\/|src\/read\/|@kubernetes\/client-node|js-yaml|@peculiar|src\/certs\/(?!key-algorithms|subject-names|validity)|src\/report\/(?!thresholds)/;
  const help = loaded(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /kubectl antrea-certs <command>/);
  assert.match(help.stdout, /status +Show the certificate mode/);
  assert.doesNotMatch(help.modules, marker);
  const verifyHelp = loaded(['verify', '--help']);
  assert.match(verifyHelp.stdout, /3 +warnings only, with --strict/);
  assert.doesNotMatch(verifyHelp.modules, marker);
  const usage = loaded(['statuss']);
  assert.equal(usage.status, 1);
  assert.match(usage.stderr, /error: Unknown argument: statuss|Did you mean status/);
  assert.doesNotMatch(usage.modules, marker);
  const badDuration = loaded(['verify', '--warn-within', 'soon']);
  assert.equal(badDuration.status, 1);
  assert.match(
    badDuration.stderr,
    /--warn-within takes a duration like 30d, 720h or 90s, not "soon"/,
  );
  assert.doesNotMatch(badDuration.modules, marker);
  const client = loaded(['version', '--client']);
  assert.equal(client.status, 0);
  assert.match(client.stdout, /^kubectl-antrea_certs v/);
  assert.doesNotMatch(client.modules, marker);
  const status = loaded(['status']);
  assert.equal(status.status, 0);
  assert.match(status.modules, /src\/kube\/client\.ts/, 'the trace does show when the client runs');
  assert.match(
    loaded(['status', '-o', 'yaml']).modules,
    /js-yaml/,
    'and the YAML library for -o yaml',
  );
});
