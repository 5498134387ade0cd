// Keeping one collection current in memory, as client-go's reflector does:
// LIST, then WATCH from the list's resourceVersion with bookmarks; a watch
// that ends (its server-side timeout, a dropped connection) resumes from the
// last resourceVersion seen; a 410 Gone lists again; other failures wait a
// backoff with jitter. A watch that outlives its timeout by a margin is cut
// by the client, so a dead connection that sends nothing is noticed. A 403 or
// 404 for a collection that was listed before is first taken as passing: an
// API server that has just started answers 403 until its RBAC caches fill.
import { allowed as allowedTo } from './access-review.ts';
import {
  collectionPath,
  Resource,
  resourceName,
  type Client,
  type ResourceKind,
  type Selector,
} from './client.ts';
import type { RequestDescription } from './errors.ts';
import { isGone, isNotFound, PASSING_REFUSAL_MS } from './errors.ts';
import type * as k8s from './objects.ts';
import { refusedOutcome, type Outcome } from './outcome.ts';
import { ForbiddenError, WithheldError } from '../errors.ts';
import { backoffDelay } from './backoff.ts';

/**
 * Why a watch was opened again: the server ended it (its timeout, a shutdown), a 410 (listed
 * again), a connection that failed, or one that went silent past the timeout.
 */
export type RestartReason = 'ended' | 'gone' | 'error' | 'silent';

/** What an informer tells its owner besides its items. */
export interface InformerEvents {
  /** The items changed (or the outcome did: synced, refused, failing). */
  readonly onChange: () => void;
  /** A list or watch failed (counted, then retried). */
  readonly onError?: (error: Error) => void;
  readonly onRestart?: (reason: RestartReason) => void;
  /** A list succeeded after failures: the API server is back (its peers may try at once). */
  readonly onRecovered?: () => void;
}

export interface InformerTiming {
  /** The server-side watch timeout is drawn from [this, 2 × this), as client-go does (default 300 s). */
  readonly watchTimeoutSeconds: number;
  /** How long past its timeout a watch may stay open before the client cuts it. */
  readonly silenceMarginMs: number;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
  /** The longest wait before a refused (403) or not served (404) list is tried again. */
  readonly refusedRetryMs: number;
  /** How long a collection listed before may be refused before the refusal replaces its items. */
  readonly refusalGraceMs: number;
  /**
   * While a list is refused, how often to ask whether it is allowed now (a SelfSubjectAccessReview,
   * never a denied request): granted RBAC is seen within this.
   */
  readonly accessReviewMs: number;
}

export const DEFAULT_TIMING: InformerTiming = {
  watchTimeoutSeconds: 300,
  silenceMarginMs: 30_000,
  backoffInitialMs: 800,
  backoffMaxMs: 5_000,
  refusedRetryMs: 60_000,
  refusalGraceMs: PASSING_REFUSAL_MS,
  accessReviewMs: 10_000,
};

/** The longest setTimeout: a withheld collection waits for stop(). */
const NEVER_MS = 2 ** 31 - 1;

type State =
  | { readonly phase: 'syncing' }
  | { readonly phase: 'synced' }
  | { readonly phase: 'refused'; readonly error: ForbiddenError }
  | { readonly phase: 'notServed' }
  | { readonly phase: 'failing'; readonly error: Error };

/** One collection (a kind, a namespace or all, a selector), listed then watched. */
export class Informer<T extends k8s.KubeObject> {
  private readonly store = new Map<string, T>();
  private resourceVersion: string | undefined;
  private state: State = { phase: 'syncing' };
  private listed = false;
  private stopped = false;
  private stopWatch: (() => void) | undefined;
  private wakeSleep: (() => void) | undefined;
  private failures = 0;
  /** Since when the lists have been refused or not served, while they are. */
  private refusedSince: number | undefined;
  /** When the items were last known current: now while the watch is open, else when it closed. */
  private currentAt: number | undefined;
  private watching = false;
  readonly what: RequestDescription;
  private readonly path: string;

  constructor(
    private readonly client: Client,
    readonly kind: ResourceKind,
    readonly namespace: string | undefined,
    private readonly selector: Selector,
    private readonly events: InformerEvents,
    private readonly timing: InformerTiming = DEFAULT_TIMING,
  ) {
    this.what = { verb: 'list', resource: resourceName(kind), ...(namespace ? { namespace } : {}) };
    this.path = collectionPath(kind, namespace);
  }

  /** The items, or why there are none: refused, not served, or (never listed) the error. */
  outcome(): Outcome<T[]> | { readonly error: Error } | undefined {
    const { state } = this;
    if (state.phase === 'refused') return refusedOutcome(state.error);
    if (state.phase === 'notServed') return { notServed: true };
    if (this.listed) return { value: [...this.store.values()] };
    if (state.phase === 'failing') return { error: state.error };
    return undefined;
  }

  /** The refusal itself, for a reader that cannot do without the collection. */
  refusal(): ForbiddenError | undefined {
    return this.state.phase === 'refused' ? this.state.error : undefined;
  }

  /** The first list has an answer (items, a refusal, or that nothing serves the kind). */
  get hasSynced(): boolean {
    return this.listed || this.state.phase === 'refused' || this.state.phase === 'notServed';
  }

  /**
   * Since when the items may be out of date (undefined: they are current now, or never were). A
   * refusal or a kind not served is an answer, asked again (at last once a minute), not stale data.
   */
  staleSince(): number | undefined {
    const { phase } = this.state;
    if (this.watching || phase === 'refused' || phase === 'notServed') return undefined;
    return this.currentAt;
  }

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.stopWatch?.();
    this.wakeSleep?.();
  }

  /** Tries again now if it is waiting out a failure (not a refusal): the server is known back. */
  retryNow(): void {
    if (this.state.phase === 'failing') this.wakeSleep?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.resourceVersion === undefined) await this.list();
        if (this.stopped) return;
        const reason = await this.watchOnce().catch((error: unknown) => {
          if (!this.stopped) this.events.onRestart?.('error');
          throw error;
        });
        if (!this.stopped) this.events.onRestart?.(reason);
        if (reason === 'gone') this.resourceVersion = undefined;
        if (reason === 'silent') await this.sleep(this.nextBackoff());
      } catch (error) {
        if (this.stopped) return;
        await this.failed(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  private async list(): Promise<void> {
    const list = await new Resource<T>(this.client, this.kind, this.namespace).list(this.selector);
    this.store.clear();
    for (const item of list.items) this.store.set(keyOf(item), item);
    this.resourceVersion = list.metadata?.resourceVersion ?? '';
    this.listed = true;
    this.refusedSince = undefined;
    this.currentAt = Date.now();
    const recovered = this.state.phase === 'failing';
    this.setState({ phase: 'synced' });
    if (recovered) this.events.onRecovered?.();
  }

  /** One watch, until it ends; resolves with why it ended, rejects on a failure to open or a broken stream. */
  private watchOnce(): Promise<RestartReason> {
    const timeoutSeconds = Math.floor(this.timing.watchTimeoutSeconds * (1 + Math.random()));
    const query: Record<string, string> = {
      ...this.selector,
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(timeoutSeconds),
      ...(this.resourceVersion ? { resourceVersion: this.resourceVersion } : {}),
    };
    const what: RequestDescription = { ...this.what, verb: 'watch' };
    return new Promise<RestartReason>((resolve, reject) => {
      let settled = false;
      let cut: (() => void) | undefined;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(guard);
        // Current until now only if this watch was open: a failed attempt to open one (the API
        // server down) does not make the items younger.
        if (this.watching) this.currentAt = Date.now();
        this.watching = false;
        this.stopWatch = undefined;
        outcome();
      };
      const guard = setTimeout(
        () => {
          cut?.();
          finish(() => resolve('silent'));
        },
        timeoutSeconds * 1000 + this.timing.silenceMarginMs,
      );
      this.client
        .watch(
          what,
          this.path,
          query,
          (event) => this.apply(event.type, event.object as T),
          (error) => {
            if (!error) finish(() => resolve('ended'));
            else if (isGone(error)) finish(() => resolve('gone'));
            else finish(() => reject(error));
          },
        )
        .then(
          (stop) => {
            if (settled || this.stopped) {
              stop();
              finish(() => resolve('ended'));
              return;
            }
            cut = stop;
            this.stopWatch = () => {
              stop();
              finish(() => resolve('ended'));
            };
            this.watching = true;
            this.failures = 0;
            this.refusedSince = undefined;
            const recovered = this.state.phase === 'failing';
            if (this.state.phase !== 'synced') this.setState({ phase: 'synced' });
            else this.events.onChange();
            if (recovered) this.events.onRecovered?.();
          },
          (error: unknown) => finish(() => (isGone(error) ? resolve('gone') : reject(error))),
        );
    });
  }

  private apply(type: string, object: T): void {
    const version = object.metadata?.resourceVersion;
    if (version) this.resourceVersion = version;
    if (type === 'BOOKMARK') return;
    if (type === 'DELETED') this.store.delete(keyOf(object));
    else this.store.set(keyOf(object), object);
    this.events.onChange();
  }

  private async failed(error: Error): Promise<void> {
    if (error instanceof WithheldError) {
      // Never asked, by the client's settings: the answer for as long as the informer runs.
      this.setState({ phase: 'refused', error });
      await this.sleep(NEVER_MS);
      return;
    }
    const refusal = refusalOf(error);
    // Nothing serves the kind (an API group of older releases): not a read error.
    if (refusal?.phase !== 'notServed') this.events.onError?.(error);
    if (!refusal) {
      // A refusal (or a kind not served) stays the last answer while its retry cannot reach the
      // server: an outage does not turn it into "never read", which would drop what it stood for.
      const answered = this.state.phase === 'refused' || this.state.phase === 'notServed';
      if (!answered) this.setState({ phase: 'failing', error });
      await this.sleep(this.nextBackoff(answered ? this.timing.refusedRetryMs : undefined));
      return;
    }
    const now = Date.now();
    this.refusedSince ??= now;
    // Items listed before are kept, stale, through a passing refusal (an API server starting up).
    if (!this.listed || now - this.refusedSince >= this.timing.refusalGraceMs) {
      this.refusedOrNotServed(refusal);
      if (refusal.phase === 'refused' && (await this.untilAllowed())) return;
    } else this.setState({ phase: 'failing', error });
    // Soon at first, then each refusedRetryMs: a refusal that lasts costs one list a minute.
    await this.sleep(this.nextBackoff(this.timing.refusedRetryMs));
  }

  /**
   * While the list is refused, asks every accessReviewMs whether it is allowed now, and returns
   * true once it is (the loop lists again); false when the server cannot say (the review itself
   * refused or failing), and the list is then simply tried again later.
   */
  private async untilAllowed(): Promise<boolean> {
    while (!this.stopped) {
      await this.sleep(this.timing.accessReviewMs);
      if (this.stopped) return true;
      let allowed: boolean | undefined;
      try {
        allowed = await allowedTo(this.client, 'list', this.kind, this.namespace);
      } catch {
        return false;
      }
      if (allowed !== false) return allowed === true;
    }
    return true;
  }

  /** A lasting 403 or 404 drops what was kept: it is no longer what RBAC or the API allow. */
  private refusedOrNotServed(state: State): void {
    this.store.clear();
    this.listed = false;
    this.resourceVersion = undefined;
    this.setState(state);
  }

  private nextBackoff(maxMs = this.timing.backoffMaxMs): number {
    return backoffDelay(this.failures++, this.timing.backoffInitialMs, maxMs, Math.random());
  }

  private setState(state: State): void {
    this.state = state;
    this.events.onChange();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeSleep = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** What a 403 or 404 says: the collection is refused, or nothing serves its kind. */
function refusalOf(error: Error): State | undefined {
  if (isNotFound(error)) return { phase: 'notServed' };
  if (error instanceof ForbiddenError) return { phase: 'refused', error };
  return undefined;
}

const keyOf = (object: k8s.KubeObject) =>
  `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
