// Byte-reproducible archives: a tar (ustar) and a zip writer whose output
// depends only on the entries (sorted, fixed mtime, uid/gid 0, no names or
// times in the gzip header), and readers that list what an archive holds.
import { crc32, gunzipSync, inflateRawSync } from 'node:zlib';

export interface Entry {
  readonly name: string;
  readonly data: Buffer;
  /** Unix permission bits: 0o755 for executables, 0o644 otherwise. */
  readonly mode: number;
}

/** Compression is injected so that one pinned zlib (see compress.ts) makes the bytes. */
export type Compress = (data: Buffer, format: 'gzip' | 'deflate-raw') => Promise<Buffer>;

const BLOCK = 512;
const RECORD = 10_240;

const byName = (a: Entry, b: Entry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function tarHeader(entry: Entry, mtime: number): Buffer {
  if (Buffer.byteLength(entry.name) > 100)
    throw new Error(`archive entry name too long: ${entry.name}`);
  const header = Buffer.alloc(BLOCK);
  header.write(entry.name, 0, 100, 'utf8');
  header.write(octal(entry.mode, 8), 100, 'ascii');
  header.write(octal(0, 8), 108, 'ascii'); // uid
  header.write(octal(0, 8), 116, 'ascii'); // gid
  header.write(octal(entry.data.length, 12), 124, 'ascii');
  header.write(octal(mtime, 12), 136, 'ascii');
  header.write('        ', 148, 'ascii'); // checksum placeholder: eight spaces
  header.write('0', 156, 'ascii'); // regular file
  header.write('ustar\0', 257, 'ascii');
  header.write('00', 263, 'ascii');
  header.write('root', 265, 'ascii');
  header.write('root', 297, 'ascii');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return header;
}

export function tar(entries: readonly Entry[], mtime: number): Buffer {
  const parts: Buffer[] = [];
  for (const entry of [...entries].sort(byName)) {
    parts.push(tarHeader(entry, mtime), entry.data);
    const pad = (BLOCK - (entry.data.length % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  const size = parts.reduce((n, p) => n + p.length, 0);
  parts.push(Buffer.alloc((RECORD - (size % RECORD)) % RECORD));
  return Buffer.concat(parts);
}

export async function tarGz(
  entries: readonly Entry[],
  mtime: number,
  compress: Compress,
): Promise<Buffer> {
  const gz = await compress(tar(entries, mtime), 'gzip');
  // The header's MTIME is 0 already; its OS byte depends on where zlib was built, so it is fixed to Unix.
  gz[9] = 3;
  return gz;
}

/** MS-DOS date and time of a Unix time, in UTC (zip has no time zone). */
function dosDateTime(unixSeconds: number): { date: number; time: number } {
  const d = new Date(Math.max(unixSeconds, 315_532_800) * 1000);
  return {
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
  };
}

export async function zip(
  entries: readonly Entry[],
  mtime: number,
  compress: Compress,
): Promise<Buffer> {
  const { date, time } = dosDateTime(mtime);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of [...entries].sort(byName)) {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = await compress(entry.data, 'deflate-raw');
    const crc = crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the mode below counts
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((0o100000 | entry.mode) << 16) >>> 0, 38); // regular file and its mode
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

export interface ListedEntry {
  readonly name: string;
  readonly mode: number;
  readonly data: Buffer;
}

/** The regular files of a tar (ustar or GNU; pax headers skipped). */
export function untar(archive: Buffer): ListedEntry[] {
  const files: ListedEntry[] = [];
  let at = 0;
  while (at + BLOCK <= archive.length) {
    const header = archive.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const prefix = field(257, 6).startsWith('ustar') ? field(345, 155) : '';
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const data = archive.subarray(at + BLOCK, at + BLOCK + size);
    if (type === '0') files.push({ name, mode: parseInt(field(100, 8).trim() || '0', 8), data });
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return files;
}

export const listTarGz = (archive: Buffer): ListedEntry[] => untar(gunzipSync(archive));

/** The files of a zip, read through its central directory. */
export function unzip(archive: Buffer): ListedEntry[] {
  const endAt = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endAt < 0) throw new Error('not a zip archive: no end of central directory');
  const count = archive.readUInt16LE(endAt + 10);
  let at = archive.readUInt32LE(endAt + 16);
  const files: ListedEntry[] = [];
  for (let i = 0; i < count; i++) {
    const method = archive.readUInt16LE(at + 10);
    const compressedSize = archive.readUInt32LE(at + 20);
    const nameLength = archive.readUInt16LE(at + 28);
    const extraLength = archive.readUInt16LE(at + 30);
    const commentLength = archive.readUInt16LE(at + 32);
    const mode = (archive.readUInt32LE(at + 38) >>> 16) & 0o7777;
    const localAt = archive.readUInt32LE(at + 42);
    const name = archive.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const dataAt =
      localAt + 30 + archive.readUInt16LE(localAt + 26) + archive.readUInt16LE(localAt + 28);
    const raw = archive.subarray(dataAt, dataAt + compressedSize);
    files.push({ name, mode, data: method === 8 ? inflateRawSync(raw) : Buffer.from(raw) });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

export const listArchive = (file: string, archive: Buffer): ListedEntry[] =>
  file.endsWith('.zip') ? unzip(archive) : listTarGz(archive);
