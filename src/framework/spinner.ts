// The spinner of a wait on a terminal (ora), in a module of its own: only a
// change that waits on a terminal loads it.
import ora from 'ora';
import type { Progress } from './progress.ts';

/** A spinner on `stderr` whose lines end with the time elapsed. */
export function startSpinner(stderr: NodeJS.WritableStream, elapsed: () => string): Progress {
  const spinner = ora({ stream: stderr, text: '' }).start();
  return {
    update: (text) => void (spinner.text = `${text} (${elapsed()})`),
    done: (text) => void spinner.succeed(`${text} (${elapsed()})`),
    fail: (text) => void spinner.fail(`${text} (${elapsed()})`),
  };
}
