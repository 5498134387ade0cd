// Progress while waiting: a spinner on a terminal (spinner.ts, loaded only then),
// plain lines with elapsed time otherwise. Always on stderr.
import { terminalSafe } from '../terminal-safe.ts';

/** What a wait shows while it runs, and how it ends. */
export interface Progress {
  update(text: string): void;
  done(text: string): void;
  fail(text: string): void;
}

type Stream = NodeJS.WritableStream & { isTTY?: boolean };

/**
 * A spinner when `useSpinner` and stderr is a terminal, else a line per change of text; both show
 * the time elapsed.
 */
export async function createProgress(stderr: Stream, useSpinner: boolean): Promise<Progress> {
  const shown = await withSafeText(await showProgress(stderr, useSpinner));
  return shown;
}

/** What a wait waits for names objects and Pod messages of the cluster: escaped, one line each. */
const withSafeText = async (p: Progress): Promise<Progress> => ({
  update: (text) => p.update(terminalSafe(text)),
  done: (text) => p.done(terminalSafe(text)),
  fail: (text) => p.fail(terminalSafe(text)),
});

async function showProgress(stderr: Stream, useSpinner: boolean): Promise<Progress> {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;
  if (useSpinner && stderr.isTTY) {
    const { startSpinner } = await import('./spinner.ts');
    return startSpinner(stderr, elapsed);
  }
  let last = '';
  return {
    update: (text) => {
      if (text !== last) stderr.write(`${elapsed().padStart(5)}  ${text}\n`);
      last = text;
    },
    done: (text) => void stderr.write(`${elapsed().padStart(5)}  ${text}\n`),
    fail: (text) => void stderr.write(`${elapsed().padStart(5)}  ${text}\n`),
  };
}
