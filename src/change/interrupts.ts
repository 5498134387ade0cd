// Ctrl-C (SIGINT) and SIGTERM while a change runs. Before its first write a
// change exits at once (nothing was written); from the Lease on, the signal
// is noted and the change stops at its next step: after the writes it puts
// back what it wrote, in a wait it stops waiting and says where the change
// stands. A second signal exits at once, saying what may be left.
import type { CommandContext } from '../framework/context.ts';
import { ExitCode, InterruptedError } from '../errors.ts';
import { claimSignals } from '../signals.ts';

type Signal = 'SIGINT' | 'SIGTERM';
const SIGNALS: readonly Signal[] = ['SIGINT', 'SIGTERM'];

/** Where the change is, which decides what a signal does. */
export type Stage = 'planning' | 'writing' | 'waiting';

/** The signals a change listens to while it runs. */
export interface Interrupts {
  /** Aborted at the first signal (a wait listens to it). */
  readonly signal: AbortSignal;
  /** The first signal received, if any. */
  received(): Signal | undefined;
  enter(stage: Stage): void;
  /** Throws an InterruptedError saying `what` when a signal came. */
  check(what: string): void;
  dispose(): void;
}

const STAGE_WORDS: Readonly<Record<Stage, string>> = {
  planning: 'planning',
  writing: 'writing',
  waiting: 'waiting for the cluster to converge',
};

const exitCodeOf = (signal: Signal) =>
  signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated;

/**
 * Listens for SIGINT and SIGTERM until dispose(); `leftBehind` says, for a second signal, what
 * the cluster may hold and how to undo it.
 */
export function listenForInterrupts(
  ctx: CommandContext,
  leftBehind: () => string,
  exit: (code: number) => void = (code) => process.exit(code),
): Interrupts {
  const controller = new AbortController();
  let stage: Stage = 'planning';
  let first: Signal | undefined;
  const handler = (signal: Signal) => {
    if (stage === 'planning') {
      ctx.note(`Interrupted (${signal}) before anything was written: nothing was written.`);
      exit(exitCodeOf(signal));
      return;
    }
    if (first) {
      ctx.note(`Interrupted again (${signal}): stopping at once. ${leftBehind()}`);
      exit(exitCodeOf(signal));
      return;
    }
    first = signal;
    ctx.note(
      stage === 'writing'
        ? `Interrupted (${signal}): the current write finishes, then what this run wrote is put back (${signal === 'SIGINT' ? 'Ctrl-C' : 'a signal'} again stops at once).`
        : `Interrupted (${signal}): no longer waiting.`,
    );
    controller.abort(signal);
  };
  for (const signal of SIGNALS) process.on(signal, handler);
  const release = claimSignals();
  // The event loop drained while the change still runs (a bug: nothing settles its work): say
  // where the change stands rather than end with exit code 0. Ahead of the command's own guard.
  const stuck = () => {
    const left = stage === 'planning' ? 'Nothing was written.' : leftBehind();
    ctx.note(
      `Internal error: the change stopped while ${STAGE_WORDS[stage]}, without finishing and ` +
        `without an error. ${left}`,
    );
    exit(ExitCode.internal);
  };
  process.prependListener('beforeExit', stuck);
  return {
    signal: controller.signal,
    received: () => first,
    enter: (next) => void (stage = next),
    check: (what) => {
      if (first) throw new InterruptedError(`interrupted (${first}) ${what}`, first);
    },
    dispose: () => {
      release();
      for (const signal of SIGNALS) process.off(signal, handler);
      process.off('beforeExit', stuck);
    },
  };
}
