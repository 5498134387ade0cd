// Which API failures a wait rides out (src/kube/errors.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../../src/kube/http.ts';
import { translate, isTransient } from '../../../src/kube/errors.ts';
import { UnavailableError, ConnectionError, ForbiddenError } from '../../../src/errors.ts';
import { NAMESPACE as ns } from '../../support/installation.ts';

const target = { server: 'https://127.0.0.1:6443', contextName: 'testbed' };
const what = { verb: 'list', resource: 'pods', namespace: ns } as const;

test('a wait rides out an API server that is gone or cannot serve now, not one that refuses', () => {
  for (const code of [429, 500, 503, 504]) {
    const error = translate(
      new StatusError(code, JSON.stringify({ message: 'etcd not ready' })),
      what,
      target,
    );
    assert.ok(error instanceof UnavailableError, `${code}`);
    assert.match(
      error.message,
      new RegExp(
        `could not serve list pods in namespace kube-system now \\(${code}: etcd not ready\\); try again in a moment`,
      ),
    );
    assert.equal(isTransient(error), true);
  }
  const refused = translate(
    Object.assign(
      new Error('request to https://127.0.0.1:6443/api failed, reason: connect ECONNREFUSED'),
      { code: 'ECONNREFUSED' },
    ),
    what,
    target,
  );
  assert.ok(refused instanceof ConnectionError);
  assert.equal(isTransient(refused), true);
  const forbidden = translate(new StatusError(403, '{}'), what, target);
  assert.ok(forbidden instanceof ForbiddenError);
  assert.equal(isTransient(forbidden), false);
});
