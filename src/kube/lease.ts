// The Lease a change holds in the Antrea namespace (coordination.k8s.io/v1),
// so that two changes never interleave: taken with create or with an update
// conditioned on the resourceVersion read, renewed the same way, deleted at the end.
import type { Client } from './client.ts';
import { isConflict, isNotFound } from './errors.ts';
import type { Lease } from './objects.ts';

/** The Lease every writing command takes in the Antrea namespace. */
export const CHANGE_LEASE = 'antrea-certs-change';

/** Someone else's live Lease: who, since when, and when it was last renewed. */
export interface LeaseHolder {
  readonly holder: string;
  readonly since?: string;
  readonly renewedAgoMs?: number;
}

/** A Lease this run holds: the object as last written (for the next conditioned write). */
export interface HeldLease {
  readonly namespace: string;
  object: Lease;
}

/** The API server's MicroTime: RFC 3339 with microseconds. */
const microTime = (date: Date) => date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

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

/**
 * Takes the Lease for `holder`: created when there is none, taken over when it expired (or with
 * `force`), with the resourceVersion read. Returns the holder when someone else has it, or when
 * another run took it between the read and the write.
 */
export async function takeLease(
  client: Client,
  namespace: string,
  holder: string,
  durationSeconds: number,
  force: boolean,
  now = new Date(),
): Promise<HeldLease | LeaseHolder> {
  const leases = client.leases(namespace);
  let current: Lease | undefined;
  try {
    current = await leases.get(CHANGE_LEASE);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const other = liveHolder(current, now);
  if (other && !force) return other;
  const spec = {
    holderIdentity: holder,
    leaseDurationSeconds: durationSeconds,
    acquireTime: microTime(now),
    renewTime: microTime(now),
  };
  try {
    const object = current
      ? await leases.update({ ...current, spec: { ...current.spec, ...spec } }, 'none')
      : await leases.create({ metadata: { name: CHANGE_LEASE, namespace }, spec }, 'none');
    return { namespace, object };
  } catch (error) {
    // Another run took it between the read and the write: say who.
    if (isConflict(error)) {
      const winner = await leases.get(CHANGE_LEASE).catch(() => undefined);
      return (
        liveHolder(winner, new Date()) ?? { holder: 'another run (it took the Lease just now)' }
      );
    }
    throw error;
  }
}

/** Renews the Lease (its renewTime), conditioned on the resourceVersion it last wrote. */
export async function renewLease(client: Client, held: HeldLease, now = new Date()): Promise<void> {
  const object = held.object;
  held.object = await client
    .leases(held.namespace)
    .update({ ...object, spec: { ...object.spec, renewTime: microTime(now) } }, 'none');
}

/** Deletes the Lease while it is still the one this run last wrote. */
export async function releaseLease(client: Client, held: HeldLease): Promise<void> {
  try {
    await client
      .leases(held.namespace)
      .delete(CHANGE_LEASE, held.object.metadata?.resourceVersion ?? '', 'none');
  } catch (error) {
    // Already gone, or taken over with --force-unlock: not this run's to delete any more.
    if (isNotFound(error) || isConflict(error)) return;
    throw error;
  }
}
