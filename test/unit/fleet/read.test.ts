// Reading one cluster of a fleet run (src/fleet/read.ts) against servers on
// 127.0.0.1 that never answer: the cluster's deadline ends its read as
// unreachable, and in the pool it holds up only its own slot.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import * as yaml from 'js-yaml';
import { readKubeconfig } from '../../../src/kube/kubeconfig.ts';
import { mapPool } from '../../../src/fleet/pool.ts';
import { readCluster, type ReadSettings } from '../../../src/fleet/read.ts';
import type { ClusterRead } from '../../../src/report/cluster.ts';
import { DAY } from '../../support/certificates.ts';
import { flags, writeTemporary } from '../../support/context.ts';

/** A TCP server that takes connections and never says a word: not even a TLS handshake. */
async function silentServer(t: TestContext): Promise<{ url: string }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `https://127.0.0.1:${port}` };
}

/** Settings for a kubeconfig of one context per server, each named as given. */
function settingsFor(servers: Record<string, string>, deadlineMs: number): ReadSettings {
  const names = Object.keys(servers);
  const kubeconfig = writeTemporary(
    'config',
    yaml.dump({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': names[0],
      clusters: names.map((name) => ({
        name,
        cluster: { server: servers[name], 'insecure-skip-tls-verify': true },
      })),
      users: [{ name: 'admin', user: { token: 'secret' } }],
      contexts: names.map((name) => ({ name, context: { cluster: name, user: 'admin' } })),
    }),
  );
  const connection = { ...flags, kubeconfig };
  return {
    kubeconfig: readKubeconfig(connection, {}),
    flags: connection,
    warnWithin: 30 * DAY,
    failWithin: 7 * DAY,
    // Far beyond the deadline: only the cluster's deadline can end these reads (the tests' own
    // timeout fails them long before this would).
    requestTimeoutMs: 60_000,
    deadlineMs,
    verbosity: 0,
    log: () => undefined,
  };
}

test(
  'a cluster that does not answer within its deadline is a read that failed: unreachable',
  { timeout: 10_000 },
  async (t) => {
    const silent = await silentServer(t);
    const read = await readCluster('silent', settingsFor({ silent: silent.url }, 50));
    assert.equal(read.context, 'silent');
    assert.ok('error' in read);
    assert.equal(read.error.kind, 'unreachable');
    assert.ok(
      read.error.message.startsWith(`${silent.url} did not answer within `),
      read.error.message,
    );
    assert.match(read.error.message, / \(--cluster-timeout\)\.$/);
  },
);

test(
  'past its deadline, a silent cluster holds up its own slot only: the others finish meanwhile',
  { timeout: 10_000 },
  async (t) => {
    const [a, b] = [await silentServer(t), await silentServer(t)];
    const settings = settingsFor({ a: a.url, b: b.url }, 30);
    const slow = { ...settings, deadlineMs: 300 };
    const finished: string[] = [];
    // One slot is the slow read's for 300ms; the other takes the rest in turn, 30ms or less each.
    const jobs: [string, string, ReadSettings][] = [
      ['slow', 'a', slow],
      ['quick', 'b', settings],
      ['missing', 'no-such-context', settings],
      ['quick again', 'a', settings],
    ];
    const reads = await mapPool(jobs, 2, async ([label, context, s]): Promise<ClusterRead> => {
      const read = await readCluster(context, s);
      finished.push(label);
      return read;
    });
    assert.deepEqual(finished, ['quick', 'missing', 'quick again', 'slow']);
    assert.deepEqual(
      reads.map((read) => ('error' in read ? [read.context, read.error.kind] : [read.context])),
      [
        ['a', 'unreachable'],
        ['b', 'unreachable'],
        ['no-such-context', 'kubeconfig'],
        ['a', 'unreachable'],
      ],
    );
  },
);
