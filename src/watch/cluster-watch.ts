// One cluster kept in view: its installation from watches, and the checks that
// need requests of their own on their own schedules (what the controller
// serves, the aggregated-API probes, audit, the status --all inventory). Each
// change recomputes the reports that status and verify print, with the same
// functions; reading them makes no request.
import type { Within } from '../certs/within.ts';
import type { Client } from '../kube/client.ts';
import type { InformerTiming, RestartReason } from '../kube/informer.ts';
import {
  InformedSnapshot,
  NotSyncedError,
  type SnapshotExtras,
} from '../read/informed-snapshot.ts';
import {
  AUDIT_READS,
  INVENTORY_READS,
  probeAggregatedApis,
  readCertificate,
  readServed,
  readSnapshot,
} from '../read/snapshot.ts';
import { readIpsecObjects } from '../read/ipsec.ts';
import { installationOf } from '../antrea/installation.ts';
import { modeOf } from '../antrea/mode.ts';
import { servedWanted } from '../antrea/serving.ts';
import { selectsIpsec } from '../antrea/ipsec.ts';
import type { Snapshot } from '../antrea/snapshot.ts';
import { CA_CONFIGMAP } from '../antrea/names.ts';
import { auditOf, type AuditReport } from '../report/audit/audit.ts';
import { inventoryOf, type InventoryReport } from '../report/inventory.ts';
import { statusOf } from '../report/status.ts';
import { verifyOf } from '../report/verify/verify.ts';
import { failureOf, type ClusterRead, type ReadFailure } from '../report/cluster.ts';

/** How a cluster is watched: the thresholds, and how often each check that makes requests runs. */
export interface WatchSettings {
  readonly warnWithin: Within;
  readonly failWithin: Within;
  /** The handshake with the controller (user-provided mode), the IPsec objects, the cert-manager Certificate. */
  readonly servedIntervalMs: number;
  readonly probeIntervalMs: number;
  /** audit's reads and checks; undefined: not run. */
  readonly auditIntervalMs?: number;
  readonly trustedNamespaces?: readonly string[];
  /** status --all's reads; undefined: not run. */
  readonly inventoryIntervalMs?: number;
  /** Recompute at least this often even when nothing changed (expiry moves with time). */
  readonly refreshMs: number;
  readonly timing?: InformerTiming;
}

/** What went wrong while watching, as it happens: a failed read, a watch opened again. */
export interface WatchEvents {
  /** A list, watch or check of `resource` failed. */
  readError(resource: string, kind: ReadFailure): void;
  /** A watch of `resource` was opened again. */
  restart(resource: string, reason: RestartReason): void;
}

const UNHEARD: WatchEvents = { readError: () => undefined, restart: () => undefined };

const now = () => Date.now();
/**
 * Stale this long (a watch broken and not opened again): the cluster is in an outage. A watch
 * that ends on its timeout is open again within a second.
 */
export const OUTAGE_AFTER_MS = 5_000;
/** A burst of watch events is one recompute, this long after its first event. */
const RECOMPUTE_AFTER_MS = 100;

/**
 * The reports' fields that move with the clock alone (the time left of each certificate): left out
 * of the key that says whether the reports changed, so that last_change_timestamp_seconds moves
 * only when the cluster did.
 */
const CLOCK_FIELDS = new Set(['expiresIn', 'expiresInSeconds']);
const withoutClock = (key: string, value: unknown) => (CLOCK_FIELDS.has(key) ? undefined : value);

/** A check that makes requests of its own, and how often it runs. */
interface Check {
  readonly name: string;
  readonly everyMs: number;
  readonly run: () => Promise<void>;
}

/** One cluster under watch. */
export class ClusterWatch {
  /** The latest reports, or why the cluster cannot be read; undefined before the first answer. */
  read: ClusterRead | undefined;
  /** The reports as JSON, to see whether a recompute changed them. */
  private readKey = '';
  audit: AuditReport | undefined;
  inventory: InventoryReport | undefined;
  /** When the reports last changed. */
  lastChangeAt: number | undefined;
  /** What the last failed list or watch said, kept until one succeeds again. */
  private lastReadFailure: ReadFailure | undefined;
  /** Called when the reports changed, and after each check that makes requests. */
  onUpdate: (watch: ClusterWatch) => void = () => undefined;
  private readonly informed: InformedSnapshot;
  private extras: SnapshotExtras = {};
  /** The Secret's and antrea-ca's resourceVersions at the last handshake: a change runs it again. */
  private servedFor = '';
  private readonly timers: NodeJS.Timeout[] = [];
  private recomputing: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly running = new Set<string>();
  /** The checks that make requests of their own, each on its schedule. */
  private readonly checks: readonly Check[];
  /**
   * Checks that have finished at least once: each runs first right after the first sync, and
   * verify's report waits for the first probes and handshake.
   */
  private readonly finished = new Set<string>();

  constructor(
    readonly context: string,
    private readonly client: Client,
    private readonly namespace: string | undefined,
    private readonly settings: WatchSettings,
    private readonly events: WatchEvents = UNHEARD,
  ) {
    this.informed = new InformedSnapshot(
      client,
      namespace,
      {
        onChange: () => this.changed(),
        onError: (resource, error) => {
          const { kind } = failureOf(error);
          if (kind !== 'forbidden') this.lastReadFailure = kind;
          this.events.readError(resource, kind);
        },
        onRestart: (resource, reason: RestartReason) => this.events.restart(resource, reason),
      },
      settings.timing,
    );
    const { probeIntervalMs, servedIntervalMs, auditIntervalMs, inventoryIntervalMs } = settings;
    this.checks = [
      { name: 'probes', everyMs: probeIntervalMs, run: () => this.probe() },
      { name: 'served', everyMs: servedIntervalMs, run: () => this.serve() },
      ...(auditIntervalMs
        ? [{ name: 'audit', everyMs: auditIntervalMs, run: () => this.runAudit() }]
        : []),
      ...(inventoryIntervalMs
        ? [{ name: 'inventory', everyMs: inventoryIntervalMs, run: () => this.runInventory() }]
        : []),
    ];
  }

  start(): void {
    this.informed.start();
    for (const check of this.checks)
      this.timers.push(setInterval(() => void this.runCheck(check), check.everyMs).unref());
    this.timers.push(setInterval(() => this.recompute(), this.settings.refreshMs).unref());
  }

  stop(): void {
    this.stopped = true;
    this.informed.stop();
    for (const timer of this.timers) clearInterval(timer);
    clearTimeout(this.recomputing);
    this.client.close();
  }

  /** The API requests made so far (lists, watches, checks). */
  get requestCount(): number {
    return this.client.requestCount;
  }

  /** Every watch has had its first answer. */
  get synced(): boolean {
    return this.informed.synced;
  }

  /** Since when the oldest data may be out of date: a closed watch, or a check not run on time. */
  staleSince(): number | undefined {
    return this.informed.staleSince();
  }

  /**
   * Why the cluster cannot be read now, when its data has been stale for OUTAGE_AFTER_MS or more
   * (its last reports stay what is known of it); undefined while its watches are open.
   */
  outage(at = now()): ReadFailure | undefined {
    const since = this.informed.synced ? this.informed.staleSince() : undefined;
    if (since === undefined) {
      this.lastReadFailure = undefined;
      return undefined;
    }
    return at - since >= OUTAGE_AFTER_MS ? (this.lastReadFailure ?? 'unreachable') : undefined;
  }

  /**
   * What a change to the watched objects does: recompute soon, once for a burst of events (a
   * rollout, a churning annotation), which keeps both the work and the garbage bounded.
   */
  private changed(): void {
    if (this.stopped || this.recomputing) return;
    this.recomputing = setTimeout(() => {
      this.recomputing = undefined;
      this.recompute();
    }, RECOMPUTE_AFTER_MS);
  }

  /** The reports from the snapshot now; onUpdate when they changed (or `always`, after a check). */
  private recompute(always = false): void {
    if (this.stopped) return;
    const { read, snapshot } = this.readNow();
    const key = read ? JSON.stringify(read, withoutClock) : '';
    const changed = key !== this.readKey;
    this.read = read;
    if (changed) {
      this.readKey = key;
      if (read) this.lastChangeAt = now();
    }
    if (snapshot) {
      for (const check of this.checks) {
        const due =
          !this.finished.has(check.name) ||
          (check.name === 'served' && this.handshakeDue(snapshot));
        if (due) void this.runCheck(check);
      }
    }
    if (changed || always) this.onUpdate(this);
  }

  /** The reports, and the snapshot when it holds an installation (the checks need one). */
  private readNow(): { read?: ClusterRead; snapshot?: Snapshot } {
    let snapshot: Snapshot;
    try {
      snapshot = this.installedSnapshot();
    } catch (error) {
      if (error instanceof NotSyncedError) return {};
      return { read: { context: this.context, error: failureOf(error) } };
    }
    // Before the first probes and handshake, verify would report them missing, not failed.
    if (!this.finished.has('probes') || !this.finished.has('served')) return { snapshot };
    const at = new Date();
    const { warnWithin, failWithin } = this.settings;
    try {
      return {
        snapshot,
        read: {
          context: this.context,
          status: statusOf(snapshot, at, warnWithin),
          verify: verifyOf(snapshot, at, { warnWithin, failWithin }),
        },
      };
    } catch (error) {
      return { snapshot, read: { context: this.context, error: failureOf(error) } };
    }
  }

  /** The snapshot now; throws what installationOf throws when it holds no installation. */
  private installedSnapshot(): Snapshot {
    const snapshot = this.informed.snapshot(this.extras);
    installationOf(snapshot);
    return snapshot;
  }

  /** The snapshot, when it holds an installation. */
  private snapshotOrUndefined(): Snapshot | undefined {
    try {
      return this.installedSnapshot();
    } catch {
      return undefined;
    }
  }

  /** The handshake is due in user-provided mode when the Secret or antrea-ca changed since the last one. */
  private handshakeDue(snapshot: Snapshot): boolean {
    return this.servedKey(snapshot) !== this.servedFor;
  }

  private servedKey(snapshot: Snapshot): string {
    const secret = 'value' in snapshot.tlsSecret ? snapshot.tlsSecret.value : undefined;
    const ca = snapshot.configMaps.find((cm) => cm.metadata?.name === CA_CONFIGMAP);
    return `${secret?.metadata?.resourceVersion ?? '-'}/${ca?.metadata?.resourceVersion ?? '-'}`;
  }

  private async probe(): Promise<void> {
    const snapshot = this.snapshotOrUndefined();
    if (!snapshot) return;
    const probes = await probeAggregatedApis(this.client, installationOf(snapshot));
    this.extras = { ...this.extras, probes };
  }

  /** What the controller serves (when servedWanted), the IPsec objects and the cert-manager Certificate. */
  private async serve(): Promise<void> {
    const snapshot = this.snapshotOrUndefined();
    if (!snapshot) return;
    this.servedFor = this.servedKey(snapshot);
    const inst = installationOf(snapshot);
    const [served, ipsec, certificate] = await Promise.all([
      servedWanted(inst, modeOf(inst), 'always') ? readServed(this.client, inst) : undefined,
      selectsIpsec(inst.config?.agentText)
        ? readIpsecObjects(this.client, inst.namespace)
        : undefined,
      readCertificate(this.client, snapshot),
    ]);
    const { served: _s, ipsec: _i, certificate: _c, ...rest } = this.extras;
    this.extras = {
      ...rest,
      ...(served ? { served } : {}),
      ...(ipsec ? { ipsec } : {}),
      ...certificate,
    };
  }

  private async runAudit(): Promise<void> {
    const snapshot = await readSnapshot(this.client, this.namespace, AUDIT_READS);
    const { warnWithin, failWithin, trustedNamespaces = [] } = this.settings;
    this.audit = auditOf(snapshot, new Date(), { warnWithin, failWithin, trustedNamespaces });
  }

  private async runInventory(): Promise<void> {
    const snapshot = await readSnapshot(this.client, this.namespace, INVENTORY_READS);
    this.inventory = inventoryOf(snapshot, new Date(), {
      warnWithin: this.settings.warnWithin,
    });
  }

  /**
   * Runs a check unless it is running; a failure is told to `events`, and the last result kept.
   * While a watch is broken (an outage) a check that has a result keeps it and is not run: its
   * requests would fail too, and what was last known stays true until the cluster can be read.
   */
  private async runCheck({ name, run }: Check): Promise<void> {
    if (this.stopped || this.running.has(name) || !this.informed.synced) return;
    if (this.finished.has(name) && this.informed.staleSince() !== undefined) return;
    this.running.add(name);
    try {
      await run();
    } catch (error) {
      this.events.readError(name, failureOf(error).kind);
    } finally {
      this.running.delete(name);
      this.finished.add(name);
    }
    this.recompute(true);
  }
}
