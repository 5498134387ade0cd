// kube-apiserver with --goaway-chance=0.02: one HTTP/2 answer in 50 ends the
// connection with a GOAWAY (as it does to rebalance behind a load balancer).
// kube-apiserver lets the streams in flight finish, so the plugin opens a new
// connection for the next request (a read cut by a GOAWAY is sent again: the
// unit tests drive that with a server of their own); status, verify and a
// rotate that writes, restarts and waits all succeed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testbed, type Testbed } from '../../testbed/fixture.ts';
import { plugin } from '../plugin.ts';

// 0.02, the most kube-apiserver's documentation allows (1 answer in 50).
const bed: Testbed = await testbed({ version: 'v2.7.0', apiserverArgs: ['--goaway-chance=0.02'] });
const run = (...args: string[]) => plugin(bed.kubeconfig, args);

test('status and verify, twenty times each, through GOAWAYs', () => {
  for (let i = 0; i < 20; i++) {
    for (const command of ['status', 'verify']) {
      const result = run(command);
      assert.equal(result.status, 0, `${command} #${i}: ${result.stderr}`);
    }
  }
});

test('rotate --yes writes, restarts, waits and verifies through GOAWAYs', async () => {
  const before = await bed.publishedCa();
  const rotated = run('rotate', '--yes', '--no-backup');
  assert.equal(rotated.status, 0, rotated.stderr);
  assert.match(rotated.stdout, / 0 failed/);
  assert.notEqual(await bed.publishedCa(), before);
});
