// Reading the files a user names on the command line: one sentence when a
// file is missing, unreadable, too large or a pipe nothing comes from, naming
// the flag it was given with. Nothing is read past the size limit, so
// /dev/zero or a huge file is refused at once, not read into memory.
import { closeSync, constants, openSync, readSync, statSync, type Stats } from 'node:fs';
import { InputError, errorCode } from '../errors.ts';
import { Sensitive } from '../sensitive.ts';

/** Certificates, keys and CA bundles are kilobytes; every public root CA together is under 1 MiB. */
export const MAX_INPUT_BYTES = 4 * 1024 * 1024;
/** How long a pipe (process substitution, a FIFO) may take to deliver its first bytes. */
export const PIPE_DEADLINE_MS = 1000;

const CHUNK_BYTES = 64 * 1024;
const NOT_A_KEY_FILE = 'it is not a certificate or key file';
const GIVE_A_FILE = 'give a file, or a pipe something writes to';

/** The errors of reading a named file, each one sentence naming the file and its flag. */
const fail = {
  missing: (path: string, flag: string) =>
    new InputError(`the file ${path} given with ${flag} does not exist.`),
  unreadable: (path: string, flag: string, error: unknown) =>
    new InputError(`cannot read ${path} given with ${flag} (${errorCode(error) ?? 'unreadable'}).`),
  tooLarge: (path: string, flag: string) =>
    new InputError(
      `${path} given with ${flag} is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB: ${NOT_A_KEY_FILE}.`,
    ),
  silent: (path: string, flag: string, received: number) => {
    const what = received === 0 ? 'nothing came' : `nothing more came after ${received} bytes`;
    const within = `within ${PIPE_DEADLINE_MS / 1000} s`;
    return new InputError(`${what} from ${path} given with ${flag} ${within}; ${GIVE_A_FILE}.`);
  },
};

function statOf(path: string, flag: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    throw errorCode(error) === 'ENOENT'
      ? fail.missing(path, flag)
      : fail.unreadable(path, flag, error);
  }
}

/** Blocks this thread for a few milliseconds: the reads here are synchronous. */
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * The bytes of a file the user named, at most MAX_INPUT_BYTES; an InputError, naming the flag,
 * when it is missing, unreadable, larger, or a pipe that gives nothing within PIPE_DEADLINE_MS.
 */
export function readInput(path: string, flag: string): Buffer {
  const stats = statOf(path, flag);
  if (stats.isDirectory())
    throw new InputError(`${path} given with ${flag} is a directory, not a file.`);
  if (stats.isFile() && stats.size > MAX_INPUT_BYTES) throw fail.tooLarge(path, flag);
  // A pipe or a device is read without blocking: one that never writes must not hang the plugin.
  const stream = !stats.isFile();
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (stream ? constants.O_NONBLOCK : 0));
  } catch (error) {
    throw fail.unreadable(path, flag, error);
  }
  try {
    return readBounded(fd, stream, path, flag);
  } finally {
    closeSync(fd);
  }
}

function readBounded(fd: number, stream: boolean, path: string, flag: string): Buffer {
  const chunks: Buffer[] = [];
  const chunk = Buffer.alloc(CHUNK_BYTES);
  let lastData = Date.now();
  let total = 0;
  for (;;) {
    let count: number;
    try {
      count = readSync(fd, chunk, 0, CHUNK_BYTES, null);
    } catch (error) {
      if (errorCode(error) !== 'EAGAIN') throw fail.unreadable(path, flag, error);
      count = -1;
    }
    if (count > 0) {
      total += count;
      if (total > MAX_INPUT_BYTES) throw fail.tooLarge(path, flag);
      chunks.push(Buffer.from(chunk.subarray(0, count)));
      lastData = Date.now();
      continue;
    }
    // The end of a file; for a pipe, also the end once something came (before, no writer yet).
    if (count === 0 && (!stream || total > 0)) return Buffer.concat(chunks);
    if (Date.now() - lastData > PIPE_DEADLINE_MS) throw fail.silent(path, flag, total);
    pause(10);
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
