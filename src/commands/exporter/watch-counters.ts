// The exporter's counts of what went wrong while watching one cluster: read
// errors by resource and kind, watch restarts by resource and reason.
import type { ClusterWatch, WatchEvents } from '../../watch/cluster-watch.ts';

/** A count per pair of labels: the resource (or check), and the kind or reason. */
export type LabelledCounts = Map<string, Map<string, number>>;

const bump = (counts: LabelledCounts, resource: string, second: string) => {
  const byResource = counts.get(resource) ?? new Map<string, number>();
  byResource.set(second, (byResource.get(second) ?? 0) + 1);
  counts.set(resource, byResource);
};

/** What one cluster's watch told of its failed reads and restarted watches, counted. */
export class WatchCounters implements WatchEvents {
  readonly errors: LabelledCounts = new Map();
  readonly restarts: LabelledCounts = new Map();

  readError(resource: string, kind: string): void {
    bump(this.errors, resource, kind);
  }

  restart(resource: string, reason: string): void {
    bump(this.restarts, resource, reason);
  }
}

/** A cluster's watch and what it counted. */
export interface Watched {
  readonly watch: ClusterWatch;
  readonly counters: WatchCounters;
}
