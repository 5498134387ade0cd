// Who may scrape /metrics, decided as kube-rbac-proxy and controller-runtime
// decide it: the bearer token authenticated by a TokenReview, then `get` on the
// non-resource URL /metrics authorised by a SubjectAccessReview. Answers are
// kept 10 s, as kube-apiserver's delegated authentication keeps them. While
// the API server cannot answer, a token allowed within the last hour stays
// allowed: an outage must not blind Prometheus to the last known values.
import { createHash } from 'node:crypto';
import type { TokenUser } from '../../kube/access-review.ts';
import { ForbiddenError, messageOf } from '../../errors.ts';

/** The reviews, as the API server makes them. */
export interface Reviewer {
  user(token: string): Promise<TokenUser | undefined>;
  may(user: TokenUser, verb: string, path: string): Promise<boolean>;
}

/** Allowed, or the answer to send: 401 (who are you), 403 (not you), 503 (cannot tell now). */
export type ScrapeVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly status: 401 | 403 | 503; readonly message: string };

export const ANSWER_TTL_MS = 10_000;
export const OUTAGE_GRACE_MS = 3_600_000;
/** Tokens remembered at most: a client cannot grow the map without bound. */
const MAX_TOKENS = 1_000;

const ALLOWED: ScrapeVerdict = { allowed: true };
const refused = (status: 401 | 403 | 503, message: string): ScrapeVerdict => ({
  allowed: false,
  status,
  message,
});

/** Decides each scrape from its Authorization header. */
export class ScrapeAuth {
  /** By the token's digest: the answer and when it was given (in flight: a promise). */
  private readonly answers = new Map<string, { at: number; verdict: Promise<ScrapeVerdict> }>();
  /** By the token's digest: when it was last allowed. */
  private readonly lastAllowed = new Map<string, number>();

  constructor(
    private readonly reviewer: Reviewer,
    private readonly now: () => number = Date.now,
  ) {}

  /** The verdict for a request to `path` carrying `authorization`. */
  check(authorization: string | undefined, path: string): Promise<ScrapeVerdict> {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!token)
      return Promise.resolve(refused(401, 'a bearer token is needed (Authorization: Bearer …)'));
    const key = createHash('sha256').update(token).update('\0').update(path).digest('hex');
    const at = this.now();
    const kept = this.answers.get(key);
    if (kept && at - kept.at < ANSWER_TTL_MS) return kept.verdict;
    const verdict = this.review(token, path, key);
    remember(this.answers, key, { at, verdict });
    return verdict;
  }

  private async review(token: string, path: string, key: string): Promise<ScrapeVerdict> {
    try {
      const user = await this.reviewer.user(token);
      if (!user) return refused(401, 'the token authenticates no one (TokenReview)');
      if (!(await this.reviewer.may(user, 'get', path)))
        return refused(403, `${user.username} may not get ${path}`);
      remember(this.lastAllowed, key, this.now());
      return ALLOWED;
    } catch (error) {
      // Not kept: the next scrape asks again.
      this.answers.delete(key);
      const allowedAt = this.lastAllowed.get(key);
      if (allowedAt !== undefined && this.now() - allowedAt < OUTAGE_GRACE_MS) return ALLOWED;
      return refused(
        503,
        error instanceof ForbiddenError
          ? `the exporter may not review tokens (${messageOf(error)}); bind it to ` +
              'system:auth-delegator (deploy/overlays/secure-metrics)'
          : `the token cannot be reviewed now: ${messageOf(error)}`,
      );
    }
  }
}

/** Sets `key`, dropping the oldest entry once the map is full. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  if (map.size >= MAX_TOKENS) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
  map.set(key, value);
}
