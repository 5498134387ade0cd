// Compression for the archives: libdeflate at its strongest level (12), about
// 7 % smaller than zlib's best on the executables, deterministic for a given
// libdeflate version (Debian bookworm's libdeflate-tools 1.14). Its gzip output
// is taken apart to its raw deflate stream: the zip entries need that, and the
// tar.gz gets a fixed header of ours (no name, no time) and the trailer.
import { execFile, spawn } from 'node:child_process';
import { crc32 } from 'node:zlib';
import type { Compress } from './archive.ts';

const PROGRAM = 'libdeflate-gzip';
const MISSING =
  'libdeflate-gzip is not installed; it compresses the archives (Debian: apt-get install libdeflate-tools).';

/** gzip's header for a stream without a name, a time or a comment, made on Unix. */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3]);
const FLAG = { extra: 4, name: 8, comment: 16, headerCrc: 2 } as const;

/** The version line of libdeflate-gzip: part of what the archives are made of. */
export function compressorVersion(): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(PROGRAM, ['-V'], (error, stdout) => {
      if (error)
        reject(
          new Error((error as { code?: unknown }).code === 'ENOENT' ? MISSING : String(error)),
        );
      else resolve(stdout.split('\n')[0] ?? '');
    }),
  );
}

function gzipWithLibdeflate(data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROGRAM, ['-12', '-c'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error(MISSING) : error),
    );
    child.on('close', (code) =>
      code === 0
        ? resolve(Buffer.concat(out))
        : reject(new Error(`${PROGRAM} failed (exit ${code})`)),
    );
    child.stdin.end(data);
  });
}

/** The raw deflate stream inside a gzip member (RFC 1952). */
export function deflateStreamOf(gz: Buffer): Buffer {
  if (gz[0] !== 0x1f || gz[1] !== 0x8b || gz[2] !== 8) throw new Error('not a gzip stream');
  const flags = gz[3] ?? 0;
  let at = 10;
  const skipString = () => {
    at = gz.indexOf(0, at) + 1;
  };
  if (flags & FLAG.extra) at += 2 + gz.readUInt16LE(at);
  if (flags & FLAG.name) skipString();
  if (flags & FLAG.comment) skipString();
  if (flags & FLAG.headerCrc) at += 2;
  return gz.subarray(at, gz.length - 8);
}

/** Compresses as the archives need: a gzip member, or a raw deflate stream for a zip entry. */
export const libdeflateCompress: Compress = async (data, format) => {
  const raw = deflateStreamOf(await gzipWithLibdeflate(data));
  if (format === 'deflate-raw') return raw;
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data), 0);
  trailer.writeUInt32LE(data.length % 2 ** 32, 4);
  return Buffer.concat([GZIP_HEADER, raw, trailer]);
};
