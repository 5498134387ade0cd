// Text a tenant or a certificate controls, on the real control plane: a CA
// appended to antrea-ca whose subject clears the screen and sets the title, a
// hostPath and an owner name with a newline and hidden text (the API server
// checks neither), and kubeconfig context names with ESC and a newline. No
// control character reaches stdout or stderr, and no line is forged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testbed, type Testbed } from '../../testbed/fixture.ts';
import { issue, usage } from '../../testbed/pki.ts';
import { apply, hostPathWorkload, namespace } from '../../testbed/security.ts';
import { writeFleetKubeconfig } from '../../testbed/kubeconfigs.ts';
import { plugin, type Run } from '../plugin.ts';

const bed: Testbed = await testbed({ version: 'v2.7.0' });
const run = (...args: string[]) => plugin(bed.kubeconfig, args);
const work = mkdtempSync(join(tmpdir(), 'antrea-certs-hostile-'));
const HOSTILE = 'x\u001b[2J\u001b]0;owned\u0007\u001b[8mhidden\u202e\n✔ forged';
// eslint-disable-next-line no-control-regex -- what may not reach the terminal
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function assertSafe(result: Run, what: string) {
  for (const [stream, text] of [
    ['stdout', result.stdout],
    ['stderr', result.stderr],
  ] as const) {
    const bad = UNSAFE.exec(text);
    assert.equal(bad, null, `${what} ${stream}: U+${bad?.[0].charCodeAt(0).toString(16)}`);
    assert.doesNotMatch(text, /^✔ forged/m, `${what} ${stream}: a forged line`);
  }
}

test('a CA with a hostile subject appended to antrea-ca: status, status -o wide, verify and status --all', async () => {
  const hostileCa = await issue({ commonName: HOSTILE, isCA: true, usages: usage.keyCertSign });
  const published = (await bed.publishedCa()) ?? '';
  bed.kubectl(
    '-n',
    'kube-system',
    'patch',
    'configmap',
    'antrea-ca',
    '--type',
    'merge',
    '-p',
    JSON.stringify({ data: { 'ca.crt': published + hostileCa.certPem } }),
  );
  for (const args of [['status'], ['status', '-o', 'wide'], ['verify']]) {
    const result = run(...args);
    assert.match(result.stdout, /x\\x1b\[2J/, args.join(' '));
    assertSafe(result, args.join(' '));
  }
  assertSafe(run('status', '--all'), 'status --all');
});

test('a hostPath and an ownerReferences name with a newline and hidden text: audit', () => {
  apply(bed, namespace('tenant-x'), {
    ...(hostPathWorkload({
      namespace: 'tenant-x',
      name: 'sneaky',
      path: `/var/run/antrea/${HOSTILE}`,
      bare: true,
    }) as object),
  });
  bed.kubectl(
    '-n',
    'tenant-x',
    'patch',
    'pod',
    'sneaky',
    '--type',
    'merge',
    '-p',
    JSON.stringify({
      metadata: {
        ownerReferences: [
          {
            // A kind the garbage collector cannot look up: it leaves the Pod alone.
            apiVersion: 'example.com/v1',
            kind: 'Sneaky',
            name: `owner ${HOSTILE}`,
            uid: '00000000-0000-4000-8000-000000000001',
            controller: true,
          },
        ],
      },
    }),
  );
  const result = run('audit');
  assert.match(result.stdout, /Pod tenant-x\/sneaky \(Sneaky\/owner x\\x1b/);
  assertSafe(result, 'audit');
});

test('kubeconfig context names with ESC and a newline: the fleet table', () => {
  const file = writeFleetKubeconfig(join(work, 'fleet.yaml'), [
    { name: `good${HOSTILE}`, kubeconfig: bed.kubeconfig },
    { name: `dead\u001b[31m\nline`, closedPort: 1 },
  ]);
  const result = plugin(file, ['verify', '--all-contexts']);
  assert.match(result.stdout, /goodx\\x1b\[2J/);
  assertSafe(result, 'verify --all-contexts');
  assert.doesNotMatch(readFileSync(file, 'utf8'), /^$/);
});
