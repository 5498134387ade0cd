// A change, as a writing command plans it: what it will write, whether the
// controller restarts, and what the cluster looks like once it converged.
import type { CommandContext } from '../framework/context.ts';
import type { Client, DryRun } from '../kube/client.ts';
import type { Installation } from '../antrea/installation.ts';
import type { ConvergenceGoal } from '../report/convergence.ts';
import type { WaitOptions } from './wait.ts';

/**
 * What a writing command plans and carryOut carries out: the writes, whether the controller
 * restarts, and the state the wait waits for.
 */
export interface Change {
  /** The installation as read when this change was planned: what it overwrites, for the backup. */
  readonly basis?: Installation;
  /** What will change, one line each, never key material. */
  readonly lines: string[];
  readonly restarts: boolean;
  /** A note for the wait (e.g. the kubelet's Secret refresh delay). */
  readonly waitNote?: string;
  /** The writes; `signal` (Ctrl-C, SIGTERM) cuts a step that waits (cert-manager's issuance) short. */
  apply(dryRun: DryRun, signal?: AbortSignal): Promise<void>;
  /**
   * A write that must wait until the controller that ran before the restart has stopped (it would
   * undo it): run after the restart, once that controller's Pods are gone.
   */
  afterRestart?(dryRun: DryRun): Promise<void>;
  readonly goal: ConvergenceGoal;
  /** What the wait watches besides the installation. */
  readonly wait?: WaitOptions;
  /**
   * Removes what the change created that the backup does not hold (a cert-manager Certificate), so
   * that putting the backup back is not undone by it; runs before every put-back and rollback.
   */
  undo?(): Promise<void>;
  /** After a write conflicted: re-read the cluster and re-check, giving the same change against what is there now. */
  replan?(): Promise<Change>;
}

/** What a command needs to plan its change, and to plan it again after a conflict. */
export interface Planner {
  readonly ctx: CommandContext;
  readonly client: Client;
}
