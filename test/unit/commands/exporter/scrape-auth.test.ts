// Who may scrape /metrics: a token's TokenReview then a SubjectAccessReview of
// get /metrics, each answer kept 10 s; an API server that cannot answer keeps a
// token allowed in the last hour allowed, and refuses any other with 503.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ANSWER_TTL_MS,
  OUTAGE_GRACE_MS,
  ScrapeAuth,
  type Reviewer,
} from '../../../../src/commands/exporter/scrape-auth.ts';
import { ConnectionError, ForbiddenError } from '../../../../src/errors.ts';
import type { TokenUser } from '../../../../src/kube/access-review.ts';

/** A reviewer that knows two tokens: `scraper` may get /metrics, `stranger` may not. */
function reviewer(down: { now: boolean; refused?: boolean }) {
  const calls: string[] = [];
  const users: Record<string, TokenUser> = {
    scraper: { username: 'system:serviceaccount:monitoring:prometheus-k8s', groups: ['g'] },
    stranger: { username: 'system:serviceaccount:default:default' },
  };
  const fail = () => {
    if (down.refused) throw new ForbiddenError('may not create tokenreviews', 'create', 'tr');
    throw new ConnectionError('connect ECONNREFUSED');
  };
  const r: Reviewer = {
    user: async (token) => {
      calls.push(`user ${token}`);
      if (down.now) fail();
      return users[token];
    },
    may: async (user, verb, path) => {
      calls.push(`may ${user.username} ${verb} ${path}`);
      if (down.now) fail();
      return user.username.endsWith('prometheus-k8s') && verb === 'get' && path === '/metrics';
    },
  };
  return { r, calls };
}

test('no token is 401, a token of no one 401, a user who may not get /metrics 403', async () => {
  const { r } = reviewer({ now: false });
  const auth = new ScrapeAuth(r);
  const none = await auth.check(undefined, '/metrics');
  assert.deepEqual(none.allowed ? 0 : none.status, 401);
  const basic = await auth.check('Basic dXNlcjpwYXNz', '/metrics');
  assert.equal(basic.allowed ? 0 : basic.status, 401);
  const unknown = await auth.check('Bearer nobody', '/metrics');
  assert.equal(unknown.allowed ? 0 : unknown.status, 401);
  const stranger = await auth.check('Bearer stranger', '/metrics');
  assert.equal(stranger.allowed ? 0 : stranger.status, 403);
  assert.match(stranger.allowed ? '' : stranger.message, /default:default may not get \/metrics/);
  assert.deepEqual(await auth.check('Bearer scraper', '/metrics'), { allowed: true });
});

test('an answer is kept 10 s, concurrent scrapes share one review, then it is asked again', async () => {
  let clock = 1_000_000;
  const { r, calls } = reviewer({ now: false });
  const auth = new ScrapeAuth(r, () => clock);
  const both = await Promise.all([
    auth.check('Bearer scraper', '/metrics'),
    auth.check('Bearer scraper', '/metrics'),
  ]);
  assert.deepEqual(both, [{ allowed: true }, { allowed: true }]);
  assert.equal(calls.length, 2, calls.join('; '));
  clock += ANSWER_TTL_MS - 1;
  await auth.check('Bearer scraper', '/metrics');
  assert.equal(calls.length, 2);
  clock += 1;
  await auth.check('Bearer scraper', '/metrics');
  assert.equal(calls.length, 4);
});

test('while the API server cannot answer: a token allowed within the hour stays allowed, others 503', async () => {
  let clock = 1_000_000;
  const down = { now: false };
  const { r } = reviewer(down);
  const auth = new ScrapeAuth(r, () => clock);
  assert.deepEqual(await auth.check('Bearer scraper', '/metrics'), { allowed: true });
  down.now = true;
  clock += ANSWER_TTL_MS;
  assert.deepEqual(await auth.check('Bearer scraper', '/metrics'), { allowed: true });
  const stranger = await auth.check('Bearer stranger', '/metrics');
  assert.equal(stranger.allowed ? 0 : stranger.status, 503);
  assert.match(stranger.allowed ? '' : stranger.message, /cannot be reviewed now: .*ECONNREFUSED/);
  clock += OUTAGE_GRACE_MS;
  const late = await auth.check('Bearer scraper', '/metrics');
  assert.equal(late.allowed ? 0 : late.status, 503);
});

test('an exporter that may not review tokens says which binding it lacks', async () => {
  const { r } = reviewer({ now: true, refused: true });
  const verdict = await new ScrapeAuth(r).check('Bearer scraper', '/metrics');
  assert.equal(verdict.allowed ? 0 : verdict.status, 503);
  assert.match(verdict.allowed ? '' : verdict.message, /system:auth-delegator/);
});
