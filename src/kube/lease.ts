// A Lease held as a lock (coordination.k8s.io/v1), so that two holders never
// interleave: taken with create or with an update conditioned on the
// resourceVersion read, renewed the same way, deleted at the end.
import type { Client } from './client.ts';
import { isConflict, isNotFound } from './errors.ts';
import type { Lease } from './objects.ts';
import { liveHolder, type LeaseHolder } from './lease-holder.ts';

export { liveHolder, type LeaseHolder } from './lease-holder.ts';

/** Which Lease: its namespace and name. */
export interface LeaseName {
  readonly namespace: string;
  readonly name: string;
}

/** A Lease this run holds: the object as last written (for the next conditioned write). */
export interface HeldLease extends LeaseName {
  object: Lease;
  /** The Lease this run took over (expired, or of a run that ended), as it was. */
  readonly previous?: Lease;
}

/** The API server's MicroTime: RFC 3339 with microseconds. */
const microTime = (date: Date) => date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/** How often `force` reads and writes again when the Lease changed between its read and write. */
const FORCE_ATTEMPTS = 3;

/**
 * Takes the Lease for `holder`: created when there is none, taken over when it expired (or with
 * `force`), with the resourceVersion read. Returns the holder when someone else has it, or when
 * another run took it between the read and the write; with `force`, a Lease that changed in
 * between (its holder renewing it) is read and taken again.
 */
export async function takeLease(
  client: Client,
  { namespace, name }: LeaseName,
  holder: string,
  durationSeconds: number,
  force: boolean,
  annotations: Readonly<Record<string, string>> = {},
  now = new Date(),
): Promise<HeldLease | LeaseHolder> {
  const leases = client.leases(namespace);
  for (let attempt = 1; ; attempt++) {
    let current: Lease | undefined;
    try {
      current = await leases.get(name);
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
      const metadata = { ...current?.metadata, name, namespace, annotations };
      const object = current
        ? await leases.update({ ...current, metadata, spec: { ...current.spec, ...spec } }, 'none')
        : await leases.create({ metadata, spec }, 'none');
      return { namespace, name, object, ...(current ? { previous: current } : {}) };
    } catch (error) {
      if (!isConflict(error)) throw error;
      if (force && attempt < FORCE_ATTEMPTS) continue;
      // Another run took it between the read and the write: say who.
      const winner = await leases.get(name).catch(() => undefined);
      return (
        liveHolder(winner, new Date()) ?? { holder: 'another run (it took the Lease just now)' }
      );
    }
  }
}

/**
 * Renews the Lease (its renewTime), conditioned on the resourceVersion it last wrote; `annotations`,
 * when given, replace its annotations.
 */
export async function renewLease(
  client: Client,
  held: HeldLease,
  now = new Date(),
  annotations?: Readonly<Record<string, string>>,
): Promise<void> {
  const object = held.object;
  const metadata = annotations
    ? { ...object.metadata, annotations: { ...annotations } }
    : object.metadata;
  held.object = await client.leases(held.namespace).update(
    {
      ...object,
      ...(metadata ? { metadata } : {}),
      spec: { ...object.spec, renewTime: microTime(now) },
    },
    'none',
  );
}

/** The Lease as it is now; undefined when it is gone. */
export async function readLease(
  client: Client,
  { namespace, name }: LeaseName,
): Promise<Lease | undefined> {
  try {
    return await client.leases(namespace).get(name);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Deletes the Lease while it is still the one last written or read; false when it was not. */
export async function releaseLease(
  client: Client,
  held: Pick<HeldLease, 'namespace' | 'name' | 'object'>,
): Promise<boolean> {
  try {
    await client
      .leases(held.namespace)
      .delete(held.name, held.object.metadata?.resourceVersion ?? '', 'none');
    return true;
  } catch (error) {
    // Already gone, or taken over with --force-unlock: not this run's to delete any more.
    if (isNotFound(error) || isConflict(error)) return false;
    throw error;
  }
}
