// Whether a Lease still counts: held by someone and renewed within its
// duration. Pure: a holder reads it before taking the Lease, a report to see
// whether someone holds it now.
import type { Lease } from './objects.ts';

/** Someone else's live Lease: who, since when, and when it was last renewed. */
export interface LeaseHolder {
  readonly holder: string;
  readonly since?: string;
  readonly renewedAgoMs?: number;
}

/** Whether the Lease still counts at `now`: held by someone and renewed within its duration. */
export function liveHolder(lease: Lease | undefined, now: Date): LeaseHolder | undefined {
  const spec = lease?.spec;
  if (!spec?.holderIdentity) return undefined;
  const renewed = Date.parse(spec.renewTime ?? spec.acquireTime ?? '');
  const durationMs = (spec.leaseDurationSeconds ?? 0) * 1000;
  if (Number.isNaN(renewed) || renewed + durationMs <= now.getTime()) return undefined;
  return {
    holder: spec.holderIdentity,
    ...(spec.acquireTime ? { since: spec.acquireTime } : {}),
    renewedAgoMs: Math.max(0, now.getTime() - renewed),
  };
}
