// Taking the change Lease when it changes between the read and the write (a
// renewal by its holder): with --force-unlock the Lease is read and taken
// again; without it, the holder is named. On an HTTPS server that answers 409
// on purpose, since a real API server cannot be made to interleave on cue.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { takeLease } from '../../../src/kube/lease.ts';
import type { Lease } from '../../../src/kube/objects.ts';
import { answer, apiServer, ca, failure } from '../../support/fake-api-server.ts';
import { clientFor } from '../../support/context.ts';

const holderLease = (resourceVersion: string) => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: 'antrea-certs-change', namespace: 'kube-system', resourceVersion },
  spec: {
    holderIdentity: 'someone@elsewhere pid 1 (kubectl antrea-certs rotate)',
    leaseDurationSeconds: 60,
    renewTime: new Date().toISOString().replace('Z', '000Z'),
  },
});

/**
 * A server whose Lease its holder renews right after each of the first `renewals` reads (the write
 * that follows conflicts), and a client of it; both closed when the test ends.
 */
async function renewingHolder(t: TestContext, renewals: number) {
  let version = 1;
  let puts = 0;
  const server = await apiServer(t, (request, response) => {
    if (request.method === 'GET') return answer(response, 200, holderLease(String(version)));
    puts++;
    const sent = JSON.parse(server.seen.at(-1)?.body ?? '{}') as Lease;
    if (puts <= renewals || sent.metadata?.resourceVersion !== String(version)) {
      version++;
      return answer(response, 409, failure(409, 'the object has been modified'));
    }
    answer(response, 200, { ...sent, metadata: { resourceVersion: String(++version) } });
  });
  const client = await clientFor(server.url, { ca: ca.certPem });
  t.after(() => client.close());
  return { server, client, writes: () => server.seen.filter((r) => r.method === 'PUT').length };
}

/** Takes the Lease as `me@here`, for 60 s, with --force-unlock or without. */
const take = (client: Parameters<typeof takeLease>[0], force: boolean) =>
  takeLease(
    client,
    { namespace: 'kube-system', name: 'antrea-certs-change' },
    'me@here pid 2 (x)',
    60,
    force,
  );

test('--force-unlock reads and takes the Lease again when its holder renewed it in between', async (t) => {
  const { server, client } = await renewingHolder(t, 1);
  const taken = await take(client, true);
  assert.ok('object' in taken, JSON.stringify(taken));
  assert.equal(taken.object.spec?.holderIdentity, 'me@here pid 2 (x)');
  assert.deepEqual(
    server.seen.map((r) => r.method),
    ['GET', 'PUT', 'GET', 'PUT'],
  );
});

test('without --force-unlock, or after three conflicts, the holder is named and nothing is taken', async (t) => {
  const { client, writes } = await renewingHolder(t, 3);
  const forced = await take(client, true);
  assert.ok('holder' in forced, JSON.stringify(forced));
  assert.equal(forced.holder, 'someone@elsewhere pid 1 (kubectl antrea-certs rotate)');
  assert.equal(writes(), 3);
  const polite = await take(client, false);
  assert.ok('holder' in polite);
  assert.equal(writes(), 3, 'no write without force');
});
