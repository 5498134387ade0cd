// The last guard against a silent exit: Node ends a process whose event loop
// has drained even while a promise is pending, with exit code 0. A command
// still running then is the plugin's own failure (a request that never
// settled, a timer that was unref'd), and says so with its own exit code.
// A change registers, ahead of this, a guard that says where it stands.
import { ExitCode } from '../errors.ts';

/** Runs a command; if the process would end before it settles, says so and exits 70. */
export async function finishing<T>(
  work: Promise<T>,
  streams: { readonly stderr: NodeJS.WritableStream },
): Promise<T> {
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
  }
}
