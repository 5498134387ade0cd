// Reading the files a user names on the command line: one sentence when a
// file is missing or unreadable, naming the flag it was given with.
import { readFileSync, existsSync } from 'node:fs';
import { InputError, errorCode } from '../errors.ts';
import { Sensitive } from '../sensitive.ts';

/**
 * The bytes of a file the user named; an InputError, naming the flag, when it is missing or
 * unreadable.
 */
export function readInput(path: string, flag: string): Buffer {
  if (!existsSync(path))
    throw new InputError(`the file ${path} given with ${flag} does not exist.`);
  try {
    return readFileSync(path);
  } catch (error) {
    const code = errorCode(error) ?? 'unreadable';
    throw new InputError(`cannot read ${path} given with ${flag} (${code}).`);
  }
}

/** PEM text, byte for byte (latin1 keeps every byte, whatever the file's encoding). */
export const readPem = (path: string, flag: string) => readInput(path, flag).toString('latin1');

/** A passphrase file: UTF-8 text without its final newline. */
export const readPassphrase = (path: string, flag = '--key-passphrase-file') =>
  new Sensitive(
    readInput(path, flag)
      .toString('utf8')
      .replace(/\r?\n$/, ''),
  );

/** A private key file, kept out of every message and log. */
export const readKeyPem = (path: string, flag: string) => new Sensitive(readPem(path, flag));
