// The directory generate writes: created 0700 (or an empty one made 0700),
// certificates 0644, keys 0600, each file created new; on a failure part-way
// the files written are removed again.
import { chmodSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, messageOf } from '../../errors.ts';
import type { Sensitive } from '../../sensitive.ts';

/** One file: a certificate (public) or a key (Sensitive, written 0600). */
export interface OutFile {
  readonly name: string;
  readonly content: string | Sensitive;
}

/** Whether the path is absent, or an empty directory; anything else is refused. */
function checkTarget(dir: string): 'absent' | 'empty' {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'absent';
    if (code === 'ENOTDIR') throw new InputError(`--out ${dir} is a file; name a new directory.`);
    throw new InputError(`cannot use --out ${dir}: ${messageOf(error)}.`);
  }
  if (entries.length) {
    throw new InputError(
      `--out ${dir} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); ` +
        'name a new or empty directory, so no key is overwritten.',
    );
  }
  return 'empty';
}

/** Writes the files into a new or empty directory; returns nothing, throws an InputError. */
export function writeOutDir(dir: string, files: readonly OutFile[]): void {
  const state = checkTarget(dir);
  const written: string[] = [];
  try {
    if (state === 'absent') mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    for (const file of files) {
      const path = join(dir, file.name);
      const secret = typeof file.content !== 'string';
      const text = typeof file.content === 'string' ? file.content : file.content.reveal();
      writeFileSync(path, text, { mode: secret ? 0o600 : 0o644, flag: 'wx' });
      written.push(path);
    }
  } catch (error) {
    for (const path of written) rmSync(path, { force: true });
    throw new InputError(`cannot write into ${dir}: ${messageOf(error)}; nothing was left there.`);
  }
}
