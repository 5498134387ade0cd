// Every kubeconfig form, side by side with kubectl, read from kube-apiserver's
// audit log: for each form, kubectl (`get ns`) and the plugin (`status`)
// either both reach the API server as the same user, with the same groups and
// extra, impersonating the same identity, or both fail, and the plugin's
// sentence names the cause. The matrix is printed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import * as yaml from 'js-yaml';
import { testbed, type Testbed } from '../../testbed/fixture.ts';
import { findBinaries } from '../../testbed/binaries.ts';
import { plugin } from '../plugin.ts';
import { auditLog } from '../../testbed/audit-log.ts';
import { issue, usage, extendedUsage } from '../../testbed/pki.ts';

const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-conformance-'));
const audit = auditLog(dir);
const AUDIT_LOG = audit.path;
const bed: Testbed = await testbed({ version: 'v2.7.0', apiserverArgs: audit.apiserverArgs });
const KUBECTL = findBinaries()?.kubectl ?? 'kubectl';

interface KubeconfigDoc {
  clusters: { name: string; cluster: Record<string, unknown> }[];
  users: { name: string; user: Record<string, unknown> }[];
}
const admin = yaml.load(readFileSync(bed.kubeconfig, 'utf8')) as KubeconfigDoc;
const cluster = admin.clusters[0]?.cluster ?? {};
const adminUser = admin.users[0]?.user ?? {};
const pem = (field: string) => Buffer.from(String(adminUser[field]), 'base64').toString();
const caPem = Buffer.from(String(cluster['certificate-authority-data']), 'base64').toString();
const server = String(cluster.server);

const DAY = 86_400_000;
const b64 = (text: string) => Buffer.from(text).toString('base64');
const clientUsages = { usages: usage.digitalSignature, extendedUsages: [extendedUsage.clientAuth] };
// Client certificates the API server refuses: of a CA it does not trust, and expired.
const strangerCert = await issue({
  commonName: 'stranger',
  organizations: ['system:masters'],
  ...clientUsages,
});
const expiredCert = await issue({
  commonName: 'expired-admin',
  ...clientUsages,
  notBefore: new Date(Date.now() - 30 * DAY),
  notAfter: new Date(Date.now() - DAY),
});
const certUser = (c: { certPem: string; keyPem: string }) => ({
  'client-certificate-data': b64(c.certPem),
  'client-key-data': b64(c.keyPem),
});

// TLS servers whose certificate has expired, or is not valid yet (openssl s_server, in a process
// of its own: kubectl runs with spawnSync, which blocks this one).
const serverCa = await issue({ commonName: 'Server CA', isCA: true, usages: usage.keyCertSign });
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
async function tlsServer(name: string, notBefore: Date, notAfter: Date): Promise<string> {
  const leaf = await issue({
    commonName: name,
    issuer: serverCa,
    usages: usage.digitalSignature | usage.keyEncipherment,
    extendedUsages: [extendedUsage.serverAuth],
    ipAddresses: ['127.0.0.1'],
    notBefore,
    notAfter,
  });
  writeFileSync(join(dir, `${name}.crt`), leaf.certPem);
  writeFileSync(join(dir, `${name}.key`), leaf.keyPem, { mode: 0o600 });
  const port = await freePort();
  const child = spawn(
    'openssl',
    [
      's_server',
      '-quiet',
      '-accept',
      `127.0.0.1:${port}`,
      '-cert',
      join(dir, `${name}.crt`),
      '-key',
      join(dir, `${name}.key`),
    ],
    { stdio: 'ignore' },
  );
  after(() => child.kill());
  for (let i = 0; i < 50; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      }).on('error', () => resolve(false));
    });
    if (open) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return `https://127.0.0.1:${port}`;
}
const expiredServer = await tlsServer(
  'expired-server',
  new Date(Date.now() - 30 * DAY),
  new Date(Date.now() - DAY),
);
const futureServer = await tlsServer(
  'future-server',
  new Date(Date.now() + DAY),
  new Date(Date.now() + 30 * DAY),
);
const serverCaData = b64(serverCa.certPem);

// A ServiceAccount bound to cluster-admin, for the token forms and the exec plugins.
bed.kubectl('-n', 'kube-system', 'create', 'serviceaccount', 'conformance');
bed.kubectl(
  'create',
  'clusterrolebinding',
  'conformance',
  '--clusterrole=cluster-admin',
  '--serviceaccount=kube-system:conformance',
);
const token = (
  await bed.api.core.createNamespacedServiceAccountToken({
    name: 'conformance',
    namespace: 'kube-system',
    body: { spec: { expirationSeconds: 3600, audiences: [] } },
  })
).status?.token;
assert.ok(token, 'a ServiceAccount token');

/** Files of one form, in a directory of its own (relative paths are relative to it). */
interface Form {
  readonly name: string;
  readonly user: Record<string, unknown>;
  readonly cluster?: Record<string, unknown>;
  /** Files written beside the kubeconfig, by name. */
  readonly files?: Record<string, string>;
  /** Executable scripts beside the kubeconfig, by name. */
  readonly scripts?: Record<string, string>;
  readonly flags?: readonly string[];
  /** The user in one file, the cluster and context in another: KUBECONFIG=a:b. */
  readonly split?: boolean;
  /** How the plugin's sentence names the cause, when both fail. */
  readonly cause?: RegExp;
  /**
   * The kubectl minor release that brought the field (client.authentication.k8s.io/v1 and
   * interactiveMode: 22). An older kubectl ignores it: the plugin is held to client-go's rule
   * (`cause`, or success) instead.
   */
  readonly since?: number;
}

const adminFiles = {
  'admin.crt': pem('client-certificate-data'),
  'admin.key': pem('client-key-data'),
};
const certFiles = (prefix: string) => ({
  'client-certificate': `${prefix}admin.crt`,
  'client-key': `${prefix}admin.key`,
});
const credential = (apiVersion: string) =>
  JSON.stringify({ apiVersion, kind: 'ExecCredential', status: { token } });
const execUser = (command: string, more: Record<string, unknown> = {}) => ({
  exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command, ...more },
});
const V1BETA1 = credential('client.authentication.k8s.io/v1beta1');

const FORMS = (formDir: (name: string) => string): Form[] => [
  { name: 'client certificate data', user: adminUser },
  {
    name: 'client certificate files, absolute',
    user: certFiles(`${formDir('client certificate files, absolute')}/`),
    files: adminFiles,
  },
  { name: 'client certificate files, relative', user: certFiles(''), files: adminFiles },
  {
    name: 'client certificate files, relative in a subdirectory',
    user: certFiles('pki/'),
    files: { 'pki/admin.crt': adminFiles['admin.crt'], 'pki/admin.key': adminFiles['admin.key'] },
  },
  { name: 'token', user: { token } },
  {
    name: 'tokenFile, absolute',
    user: { tokenFile: `${formDir('tokenFile, absolute')}/token` },
    files: { token: `${token}\n` },
  },
  { name: 'tokenFile, relative', user: { tokenFile: 'token' }, files: { token: `${token}\n` } },
  {
    name: 'token and tokenFile: the file wins',
    user: { token: 'bogus', tokenFile: 'token' },
    files: { token },
  },
  { name: '--token over a bogus token', user: { token: 'bogus' }, flags: ['--token', token] },
  {
    name: 'a bogus token',
    user: { token: 'bogus' },
    cause: /Unauthorized|401|credentials/i,
  },
  {
    name: 'a tokenFile that does not exist',
    user: { tokenFile: 'absent' },
    cause: /tokenFile .*absent.* cannot be read \(ENOENT\)/,
  },
  {
    name: 'a client certificate file that does not exist',
    user: certFiles('gone-'),
    cause: /client-certificate file .*gone-admin\.crt .* cannot be read \(ENOENT\)/,
  },
  {
    name: 'exec plugin, v1beta1',
    user: execUser('./plugin'),
    scripts: { plugin: `#!/bin/sh\necho '${V1BETA1}'` },
  },
  {
    name: 'exec plugin, a script whose child prints',
    user: execUser('./plugin'),
    files: { 'credential.json': V1BETA1 },
    scripts: { plugin: '#!/bin/sh\n( cat "$(dirname "$0")/credential.json" )\ntrue' },
  },
  {
    name: 'exec plugin with args',
    user: execUser('./plugin', { args: ['--print', V1BETA1] }),
    scripts: { plugin: '#!/bin/sh\n[ "$1" = --print ] && echo "$2"' },
  },
  {
    name: 'exec plugin with env',
    user: execUser('./plugin', { env: [{ name: 'CREDENTIAL', value: V1BETA1 }] }),
    scripts: { plugin: '#!/bin/sh\necho "$CREDENTIAL"' },
  },
  {
    name: 'exec plugin that fails',
    user: execUser('./plugin'),
    scripts: { plugin: '#!/bin/sh\necho "login expired" >&2\nexit 3' },
    cause: /credential plugin .* exited 3: login expired/,
  },
  {
    name: 'exec plugin v1 without interactiveMode',
    user: {
      exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './plugin' },
    },
    scripts: { plugin: `#!/bin/sh\necho '${credential('client.authentication.k8s.io/v1')}'` },
    cause: /has no interactiveMode, which client\.authentication\.k8s\.io\/v1 requires/,
    since: 22,
  },
  {
    name: 'exec plugin v1, interactiveMode Always without a terminal',
    user: {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: './plugin',
        interactiveMode: 'Always',
      },
    },
    scripts: { plugin: `#!/bin/sh\necho '${credential('client.authentication.k8s.io/v1')}'` },
    cause: /needs a terminal \(interactiveMode Always\) and standard input is not one/,
    since: 22,
  },
  {
    // The plugin answers only when KUBERNETES_EXEC_INFO names the cluster and its CA.
    name: 'exec plugin with provideClusterInfo',
    user: {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: './plugin',
        interactiveMode: 'IfAvailable',
        provideClusterInfo: true,
      },
    },
    scripts: {
      plugin: [
        '#!/bin/sh',
        `for want in '"interactive":false' '"cluster":{' '"server":"https://' '"certificate-authority-data":"'; do`,
        '  case "$KUBERNETES_EXEC_INFO" in *"$want"*) ;; *) echo "no $want: $KUBERNETES_EXEC_INFO" >&2; exit 4 ;; esac',
        'done',
        `echo '${credential('client.authentication.k8s.io/v1')}'`,
      ].join('\n'),
    },
    since: 22,
  },
  {
    name: 'exec plugin that is missing',
    user: execUser('./absent-plugin'),
    cause: /credential plugin .*absent-plugin.* was not found/,
  },
  { name: 'as', user: { ...adminUser, as: 'jane' }, cause: /forbidden|not allowed/i },
  {
    name: 'as with as-groups',
    user: { ...adminUser, as: 'jane', 'as-groups': ['system:masters', 'devs'] },
  },
  {
    name: 'as with as-groups and as-user-extra',
    user: {
      ...adminUser,
      as: 'jane',
      'as-groups': ['system:masters'],
      'as-user-extra': { scopes: ['view', 'edit'], 'example.com/team': ['certs'] },
    },
  },
  {
    name: '--as and --as-group over the kubeconfig',
    user: { ...adminUser, as: 'jane', 'as-groups': ['devs'] },
    flags: ['--as', 'joe', '--as-group', 'system:masters', '--as-group', 'ops'],
  },
  {
    name: 'as-groups without as',
    user: { ...adminUser, 'as-groups': ['devs'] },
    cause: /as-groups or as-user-extra without as/,
  },
  {
    name: '--as-group without --as',
    user: adminUser,
    flags: ['--as-group', 'devs'],
    cause: /--as-group needs --as/,
  },
  {
    name: 'certificate-authority file, relative',
    user: adminUser,
    cluster: { server, 'certificate-authority': 'ca.crt' },
    files: { 'ca.crt': caPem },
  },
  {
    name: 'tls-server-name the certificate holds',
    user: adminUser,
    cluster: { ...cluster, 'tls-server-name': 'kubernetes.default' },
  },
  {
    name: 'tls-server-name the certificate does not hold',
    user: adminUser,
    cluster: { ...cluster, 'tls-server-name': 'wrong.example' },
    cause: /is valid for .*, not wrong\.example/,
  },
  {
    name: 'insecure-skip-tls-verify',
    user: adminUser,
    cluster: { server, 'insecure-skip-tls-verify': true },
  },
  {
    name: 'a CA that did not sign the server',
    user: adminUser,
    cluster: { server, 'certificate-authority': 'other-ca.crt' },
    files: { 'other-ca.crt': pem('client-certificate-data') },
    cause: /certificate at .* is signed by an unknown authority \(/,
  },
  {
    name: 'an API server certificate that has expired',
    user: adminUser,
    cluster: { server: expiredServer, 'certificate-authority-data': serverCaData },
    cause: /has expired or is not yet valid: it is valid from \S+ until \S+, and the time here is /,
  },
  {
    name: 'an API server certificate not valid yet',
    user: adminUser,
    cluster: { server: futureServer, 'certificate-authority-data': serverCaData },
    cause: /has expired or is not yet valid: it is valid from \S+ until \S+, and the time here is /,
  },
  {
    name: 'a client certificate of a CA the cluster does not trust',
    user: certUser(strangerCert),
    cause:
      /refused the client certificate of context "ctx" \(CN=stranger\), valid until .*not signed by a CA the cluster trusts/,
  },
  {
    name: 'an expired client certificate',
    user: certUser(expiredCert),
    cause: /refused the client certificate of context "ctx" \(CN=expired-admin\): it expired at /,
  },
  { name: 'user and cluster in two merged files', user: { token }, split: true },
  {
    name: 'no credentials',
    user: {},
    cause: /took context "ctx" as anonymous \(system:anonymous\)/,
  },
];

interface Identity {
  readonly user?: unknown;
  readonly impersonated?: unknown;
}

/** The identity of the first audited request of `agent` written after `offset`. */
function audited(offset: number, agent: string): Identity | undefined {
  const text = readFileSync(AUDIT_LOG).subarray(offset).toString('utf8');
  const event = text
    .split('\n')
    .filter(Boolean)
    .map(
      (line) =>
        JSON.parse(line) as {
          stage: string;
          userAgent?: string;
          user?: { groups?: string[] };
          impersonatedUser?: { groups?: string[] };
        },
    )
    .find((e) => e.stage === 'ResponseComplete' && (e.userAgent ?? '').startsWith(agent));
  if (!event) return undefined;
  const normal = (u?: { groups?: string[] }) =>
    u ? { ...u, groups: [...(u.groups ?? [])].sort() } : undefined;
  return { user: normal(event.user), impersonated: normal(event.impersonatedUser) };
}

const size = () => statSync(AUDIT_LOG).size;

const versionRun = spawnSync(KUBECTL, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
const kubectlVersion =
  (JSON.parse(versionRun.stdout || '{}') as { clientVersion?: { gitVersion?: string } })
    .clientVersion?.gitVersion ?? 'unknown';
const kubectlMinor = Number(/^v1\.(\d+)\./.exec(kubectlVersion)?.[1] ?? 0);

test('kubeconfig forms: the plugin reaches the API server as kubectl does, or fails as it does', () => {
  const rows: string[] = [];
  const disagreements: string[] = [];
  const forms = FORMS((name) => join(dir, name.replace(/[^a-z0-9]+/gi, '-')));
  assert.ok(forms.length >= 25, `${forms.length} forms`);
  for (const form of forms) {
    const formDir = join(dir, form.name.replace(/[^a-z0-9]+/gi, '-'));
    mkdirSync(formDir, { recursive: true });
    for (const [name, text] of Object.entries(form.files ?? {})) {
      mkdirSync(join(formDir, name, '..'), { recursive: true });
      writeFileSync(join(formDir, name), text, { mode: 0o600 });
    }
    for (const [name, text] of Object.entries(form.scripts ?? {})) {
      writeFileSync(join(formDir, name), `${text}\n`);
      chmodSync(join(formDir, name), 0o755);
    }
    const clusterEntry = { name: 'c', cluster: form.cluster ?? cluster };
    const userEntry = { name: 'u', user: form.user };
    const contexts = [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }];
    const doc = (parts: object) =>
      yaml.dump({ apiVersion: 'v1', kind: 'Config', 'current-context': 'ctx', ...parts });
    let kubeconfig = join(formDir, 'kubeconfig');
    if (form.split) {
      writeFileSync(join(formDir, 'users'), doc({ users: [userEntry] }), { mode: 0o600 });
      writeFileSync(join(formDir, 'clusters'), doc({ clusters: [clusterEntry], contexts }));
      kubeconfig = [join(formDir, 'users'), join(formDir, 'clusters')].join(delimiter);
    } else {
      writeFileSync(kubeconfig, doc({ clusters: [clusterEntry], users: [userEntry], contexts }), {
        mode: 0o600,
      });
    }
    // Both run from elsewhere: relative paths must be taken from the kubeconfig's directory.
    const env = { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: kubeconfig };
    if (form.since && kubectlMinor < form.since) {
      const ours = plugin(kubeconfig, [...(form.flags ?? []), 'status'], { HOME: dir });
      const held =
        (ours.status === 0) === !form.cause && (!form.cause || form.cause.test(ours.stderr));
      rows.push(
        `${held ? 'agree   ' : 'DISAGREE'} ${form.name.padEnd(52)} kubectl ${kubectlVersion} predates it: ` +
          `held to client-go's rule, plugin ${ours.status === 0 ? 'ok' : 'fail'}`,
      );
      if (!held) disagreements.push(`${form.name}: plugin ${ours.status} ${ours.stderr.trim()}`);
      continue;
    }
    const before = size();
    const kubectl = spawnSync(KUBECTL, [...(form.flags ?? []), 'get', 'ns', '-o', 'name'], {
      env,
      cwd: tmpdir(),
      encoding: 'utf8',
      timeout: 30_000,
    });
    const kubectlIdentity = audited(before, 'kubectl/');
    const between = size();
    const ours = plugin(kubeconfig, [...(form.flags ?? []), 'status'], { HOME: dir });
    const ourIdentity = audited(between, 'kubectl-antrea_certs/');
    const kubectlOk = kubectl.status === 0;
    const ourOk = ours.status === 0;
    const sameIdentity =
      JSON.stringify(kubectlIdentity ?? null) === JSON.stringify(ourIdentity ?? null);
    const causeNamed = ourOk || !form.cause || form.cause.test(ours.stderr);
    // Both reached the server: as the same identity. Both failed: the plugin names the cause (and
    // kubectl may have failed before it sent anything: kubectl 1.20 asks for a password).
    const bothAudited = kubectlIdentity !== undefined && ourIdentity !== undefined;
    const agree =
      kubectlOk === ourOk &&
      ourOk === !form.cause &&
      (ourOk ? sameIdentity : causeNamed && (!bothAudited || sameIdentity));
    const who = (i?: Identity) =>
      i
        ? `${(i.user as { username?: string })?.username ?? '?'}${i.impersonated ? ` as ${(i.impersonated as { username?: string }).username}` : ''}`
        : 'not audited';
    rows.push(
      `${agree ? 'agree   ' : 'DISAGREE'} ${form.name.padEnd(52)} kubectl ${kubectlOk ? 'ok  ' : 'fail'} ` +
        `${who(kubectlIdentity).padEnd(44)} plugin ${ourOk ? 'ok  ' : 'fail'} ${who(ourIdentity)}`,
    );
    if (!agree)
      disagreements.push(
        `${form.name}: kubectl ${kubectl.status} ${JSON.stringify(kubectlIdentity)} ${kubectl.stderr.trim()}\n` +
          `  plugin ${ours.status} ${JSON.stringify(ourIdentity)} ${ours.stderr.trim()}`,
      );
  }
  const agreed = rows.filter((r) => r.startsWith('agree')).length;
  console.log(
    `\n${agreed} of ${rows.length} kubeconfig forms agree with kubectl ${kubectlVersion}:\n${rows.join('\n')}\n`,
  );
  assert.deepEqual(disagreements, []);
});
