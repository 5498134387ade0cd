// What a change did, step by step, as the one document `-o json` and `-o yaml`
// print on stdout: its plan (each write field by field), the backup, the
// Lease, what was written, what the wait saw, the rollback, the closing
// checks and the exit code. A change that stops part-way prints it too; an
// error before the plan prints nothing (nothing was planned).
import type { CommandContext } from '../framework/context.ts';
import { hostname } from 'node:os';
import { printsData } from '../framework/printer.ts';
import { KINDS, resourceName, type Client } from '../kube/client.ts';
import type { Installation } from '../antrea/installation.ts';
import { CHANGE_LEASE, backupAnnotation } from '../antrea/change-lease.ts';
import { plannedWrites, kindOf, type PlannedWrite } from '../report/change-plan.ts';
import type { VerifyReport } from '../report/verify/verify.ts';
import { restartController } from './controller-writes.ts';
import { exitCodeFor, messageOf, type ExitCode } from '../errors.ts';
import type { Change } from './change.ts';
import type { ChangeOptions } from './change-flags.ts';

/** The closing checks, as `verify -o json` prints them. */
export type VerifyDocument = VerifyReport & { readonly exitCode: ExitCode };

/**
 * Where the change ended: `unchanged` (nothing to write: the cluster is where the change leads);
 * `dry-run`; `not-written` (refused or stopped before its first write);
 * `put-back` (a write failed and what this run wrote was put back); `written` (--wait=false);
 * `converged`; `rolled-back`; `stopped` (written, and the wait or the rollback did not complete).
 */
export type ChangeOutcome =
  | 'unchanged'
  | 'dry-run'
  | 'not-written'
  | 'put-back'
  | 'written'
  | 'converged'
  | 'rolled-back'
  | 'stopped';

/** What the wait saw: converged, or why it stopped, and what it was still waiting for. */
export interface WaitRecord {
  readonly result: 'converged' | 'timed-out' | 'interrupted' | 'lease-lost' | 'failed';
  readonly seconds: number;
  readonly waitingFor?: string;
}

export interface ChangeDocument {
  readonly kind: 'AntreaCertsChange';
  readonly command: string;
  readonly context: string;
  readonly namespace: string;
  readonly dryRun: ChangeOptions['dryRun'];
  readonly plan: {
    /** The plan's lines as the text output shows them, lists not summarised. */
    readonly lines: readonly string[];
    readonly restartsController: boolean;
    readonly writes: readonly PlannedWrite[];
  };
  readonly backup: string | null;
  readonly lease: {
    readonly name: string;
    readonly holder: string;
    readonly tookOverFrom?: string;
  } | null;
  readonly written: readonly {
    readonly verb: string;
    readonly kind: string;
    readonly namespace?: string;
    readonly name: string;
    readonly resourceVersion?: string;
  }[];
  readonly wait: WaitRecord | null;
  readonly rollback: { readonly completed: boolean; readonly verify: VerifyDocument | null } | null;
  readonly verify: VerifyDocument | null;
  readonly outcome: ChangeOutcome;
  /** The sentence stderr ends with, when the change did not end well. */
  readonly error?: string;
  readonly exitCode: ExitCode;
}

const LEASES = resourceName(KINDS.leases);
/** The outcomes of a change that wrote something: recorded in the cluster. */
const WROTE: ReadonlySet<ChangeOutcome> = new Set([
  'put-back',
  'written',
  'converged',
  'rolled-back',
  'stopped',
]);

/** The record of one change, filled in as carryOut goes; printed only for -o json and yaml. */
export class ChangeRecord {
  /** Whether the document is wanted: -o json or yaml. */
  readonly wanted: boolean;
  private plan?: ChangeDocument['plan'];
  private readonly since: number;
  backup: string | null = null;
  lease: ChangeDocument['lease'] = null;
  wait: WaitRecord | null = null;
  rollback: ChangeDocument['rollback'] = null;
  verify: VerifyDocument | null = null;
  outcome: ChangeOutcome = 'not-written';

  constructor(
    private readonly ctx: CommandContext,
    private readonly client: Client,
    private readonly inst: Installation,
    private readonly dryRun: ChangeOptions['dryRun'],
  ) {
    this.wanted = printsData(ctx);
    this.since = client.journal.length;
  }

  /**
   * The plan's writes, field by field: the change's writes run with --dry-run=client, which sends
   * none and keeps what each would send (the reads they make are sent).
   */
  async planned(change: Change): Promise<void> {
    if (!this.wanted) return;
    const from = this.client.intended.length;
    await change.apply('client');
    if (change.restarts) await restartController(this.client, this.inst.namespace, 'client');
    await change.afterRestart?.('client');
    this.plan = {
      lines: change.lines,
      restartsController: change.restarts,
      writes: plannedWrites(change.basis ?? this.inst, this.client.intended.slice(from)),
    };
  }

  /** Nothing to write: the plan is empty. */
  nothingToWrite(): void {
    this.plan = { lines: [], restartsController: false, writes: [] };
  }

  /** The change was planned again after a conflict, before its writes: the plan is the new one. */
  async replanned(change: Change): Promise<void> {
    if (this.plan) await this.planned(change);
  }

  /** The Lease this run holds, and the unfinished run it took over from. */
  leased(holder: string, tookOverFrom?: string): void {
    this.lease = { name: CHANGE_LEASE, holder, ...(tookOverFrom ? { tookOverFrom } : {}) };
  }

  /** A write failed: what this run had written was put back (the error says what it left). */
  writingFailed(): void {
    if (this.written().length) this.outcome = 'put-back';
  }

  /** Prints the document, when it is wanted and a plan was made. */
  private async print(exitCode: ExitCode, error?: unknown): Promise<void> {
    if (!this.wanted || !this.plan) return;
    const document = this.document(exitCode, error);
    // The YAML library loads only when something is printed as data.
    const { renderData } = await import('../render/data.ts');
    this.ctx.print(renderData(document, this.ctx.flags.output === 'yaml' ? 'yaml' : 'json'));
  }

  /** Prints the document of a change that ended with `error`. */
  private printFailure(error: unknown): Promise<void> {
    return this.print(exitCodeFor(error), error);
  }

  /**
   * Runs the change, then prints its document, however it ended; a change that wrote is recorded
   * in the cluster (an Event and the Deployment's last-change annotation). `afterOf`: the
   * installation the closing checks read.
   */
  async around<T>(
    run: () => Promise<T>,
    exitCodeOf: (result: T) => ExitCode,
    afterOf: (result: T) => Installation | undefined = () => undefined,
  ): Promise<T> {
    let result: T;
    try {
      result = await run();
    } catch (error) {
      await this.printFailure(error);
      await this.recordInCluster();
      throw error;
    }
    await this.print(exitCodeOf(result));
    await this.recordInCluster(afterOf(result));
    return result;
  }

  /** The Event and annotation of a change that wrote (not a dry run, not one refused before). */
  private async recordInCluster(after?: Installation): Promise<void> {
    if (!WROTE.has(this.outcome) || !this.lease) return;
    const { recordChange } = await import('./change-event.ts');
    // Best effort: the change is made whatever its record does, and its own error stands.
    await recordChange(this.ctx, this.client, {
      command: this.ctx.commandName,
      outcome: this.outcome,
      holder: this.lease.holder,
      backup: this.backup ? backupAnnotation({ host: hostname(), path: this.backup }) : null,
      before: this.inst,
      ...(after ? { after } : {}),
    });
  }

  /** This run's writes, the Lease's left out. */
  private written(): ChangeDocument['written'] {
    return this.client.journal
      .slice(this.since)
      .filter((w) => w.resource !== LEASES)
      .map((w) => ({
        verb: w.verb,
        kind: kindOf(w.resource),
        ...(w.namespace ? { namespace: w.namespace } : {}),
        name: w.name,
        ...(w.resourceVersion ? { resourceVersion: w.resourceVersion } : {}),
      }));
  }

  private document(exitCode: ExitCode, error: unknown): ChangeDocument {
    return {
      kind: 'AntreaCertsChange',
      command: this.ctx.commandName,
      context: this.client.contextName,
      namespace: this.inst.namespace,
      dryRun: this.dryRun,
      plan: this.plan ?? { lines: [], restartsController: false, writes: [] },
      backup: this.backup,
      lease: this.lease,
      written: this.written(),
      wait: this.wait,
      rollback: this.rollback,
      verify: this.verify,
      outcome: this.outcome,
      ...(error !== undefined ? { error: messageOf(error) } : {}),
      exitCode,
    };
  }
}
