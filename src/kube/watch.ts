// Watching the objects a wait depends on, so that it re-reads the cluster when
// one of them changed instead of polling. Where a watch cannot be opened (no
// RBAC for watch, the API server gone for a while), the wait polls instead.
import { collectionPath, resourceName, type Client, type ResourceKind } from './client.ts';
import type { RequestDescription } from './errors.ts';
import { ForbiddenError } from '../errors.ts';

/** A watch to open: the collection, the selector, and what to name in a refusal. */
export interface WatchTarget {
  readonly what: RequestDescription;
  /** The collection's path, e.g. /api/v1/namespaces/kube-system/pods. */
  readonly path: string;
  readonly query: Record<string, string>;
}

const REOPEN_AFTER_MS = 1000;

/** A watch on a collection of one kind, in a namespace or cluster-scoped. */
export function watchTarget(
  kind: ResourceKind,
  namespace?: string,
  query: Record<string, string> = {},
): WatchTarget {
  return {
    what: { verb: 'watch', resource: resourceName(kind), ...(namespace ? { namespace } : {}) },
    path: collectionPath(kind, namespace),
    query,
  };
}

/**
 * A set of watches that tells when anything in them changed. Use: open(),
 * then settle() right before each read and next() after it, so a change made
 * during the read is never missed.
 */
export class ChangeFeed {
  private changed = false;
  private wake: (() => void) | undefined;
  private stopped = false;
  private readonly stops = new Map<WatchTarget, () => void>();
  private readonly opening = new Set<WatchTarget>();
  private readonly lastTried = new Map<WatchTarget, number>();
  /** Watches RBAC refuses: not tried again (the wait polls instead). */
  private readonly refused = new Set<WatchTarget>();

  constructor(
    private readonly client: Client,
    private readonly targets: readonly WatchTarget[],
  ) {}

  /** Every watch is open: a change to any object the wait reads will be seen. */
  get complete(): boolean {
    return this.stops.size === this.targets.length;
  }

  /** Opens the watches that are not open (each at most once a second); a failure only leaves that one closed. */
  async open(): Promise<void> {
    const now = Date.now();
    const closed = this.targets.filter(
      (t) =>
        !this.stops.has(t) &&
        !this.opening.has(t) &&
        !this.refused.has(t) &&
        now - (this.lastTried.get(t) ?? 0) >= REOPEN_AFTER_MS,
    );
    await Promise.all(closed.map((target) => this.openOne(target)));
  }

  private async openOne(target: WatchTarget): Promise<void> {
    this.opening.add(target);
    this.lastTried.set(target, Date.now());
    let ended = false;
    try {
      const stop = await this.client.watch(
        target.what,
        target.path,
        target.query,
        () => this.signal(),
        (error) => {
          ended = true;
          this.stops.delete(target);
          if (error instanceof ForbiddenError) this.refused.add(target);
          // Whatever happened while it was closed is unknown: read again.
          this.signal();
        },
      );
      if (this.stopped) stop();
      else if (!ended) this.stops.set(target, stop);
    } catch (error) {
      if (error instanceof ForbiddenError) this.refused.add(target);
      // Left closed: the wait polls while any watch is closed.
    } finally {
      this.opening.delete(target);
    }
  }

  /** Called right before a read: changes from now on make next() return at once. */
  settle(): void {
    this.changed = false;
  }

  /** Waits until a watched object changed since settle(), or ms passed. */
  async next(ms: number): Promise<void> {
    if (this.changed || ms <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
    this.wake = undefined;
  }

  stop(): void {
    this.stopped = true;
    for (const stop of this.stops.values()) stop();
    this.stops.clear();
    this.wake?.();
  }

  private signal(): void {
    this.changed = true;
    this.wake?.();
  }
}
