// The last guard against a silent exit: Node ends a process whose event loop
// has drained even while a promise is pending, with exit code 0. A command
// still running then is the plugin's own failure (a request that never
// settled, a timer that was unref'd), and says so with its own exit code.
// A change registers, ahead of this, a guard that says where it stands.
import { ExitCode } from '../errors.ts';
import { signalsClaimed } from '../signals.ts';

const SIGNALS = { SIGINT: ExitCode.interrupted, SIGTERM: ExitCode.terminated } as const;

/**
 * Runs a command; if the process would end before it settles, says so and exits 70. Ctrl-C and
 * SIGTERM exit 130 and 143 with a sentence, unless a change listens to them (it then says where
 * it stands): nothing is written outside a change.
 */
export async function finishing<T>(
  work: Promise<T>,
  streams: { readonly stderr: NodeJS.WritableStream },
): Promise<T> {
  const interrupted = (signal: keyof typeof SIGNALS) => {
    if (signalsClaimed()) return;
    streams.stderr.write(`Interrupted (${signal}): nothing was written.\n`);
    process.exit(SIGNALS[signal]);
  };
  for (const signal of Object.keys(SIGNALS) as (keyof typeof SIGNALS)[])
    process.on(signal, interrupted);
  const stuck = () => {
    streams.stderr.write(
      'internal error: the command stopped before it finished, with nothing left to wait for; ' +
        'run it again with -v and report the log.\n',
    );
    process.exit(ExitCode.internal);
  };
  process.once('beforeExit', stuck);
  try {
    return await work;
  } finally {
    process.off('beforeExit', stuck);
    for (const signal of Object.keys(SIGNALS)) process.off(signal, interrupted);
  }
}
