// Which watches a wait asks again for (src/kube/watch.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionError, ForbiddenError } from '../../../src/errors.ts';
import type { Client } from '../../../src/kube/client.ts';
import { ChangeFeed } from '../../../src/kube/watch.ts';

test('a watch RBAC refuses is not asked for again: the wait polls instead; a watch that failed otherwise is reopened', async () => {
  const asked: string[] = [];
  const fake = {
    watch: async (
      _what: unknown,
      path: string,
      _query: unknown,
      _onEvent: unknown,
      onEnd: (error?: Error) => void,
    ) => {
      asked.push(path);
      onEnd(
        path === '/refused'
          ? new ForbiddenError('no watch', 'watch', 'pods')
          : new ConnectionError('gone'),
      );
      return () => undefined;
    },
  } as unknown as Client;
  const targets = ['/refused', '/flaky'].map((path) => ({
    what: { verb: 'watch' as const, resource: 'pods' },
    path,
    query: {},
  }));
  const feed = new ChangeFeed(fake, targets);
  await feed.open();
  assert.equal(feed.complete, false);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await feed.open();
  assert.deepEqual(asked, ['/refused', '/flaky', '/flaky']);
  feed.stop();
});
