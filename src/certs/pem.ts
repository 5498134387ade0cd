// PEM bundles: splitting, and one clear sentence for everything that is not one.
import { InputError } from '../errors.ts';

export interface PemBlock {
  readonly label: string;
  readonly der: Buffer;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Splits PEM text into blocks; `source` names the input in messages (a file, a Secret key). */
export function pemBlocks(input: string | Buffer, source: string): PemBlock[] {
  const buffer = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  if (buffer.toString('utf8').trim() === '')
    throw new InputError(`${source} is empty; it should hold PEM data.`);
  if (buffer[0] === 0x30 && (buffer[1] ?? 0) >= 0x80) {
    throw new InputError(
      `${source} is DER (binary), not PEM; convert it first, e.g. openssl x509 -inform der -in FILE -out FILE.pem.`,
    );
  }
  const text = buffer.toString('utf8');
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const body = (match[2] ?? '').replace(/^[A-Za-z-]+:.*$/gm, '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length === 0) {
      throw new InputError(
        `${source}: the ${match[1]} block number ${blocks.length + 1} is not valid base64; the file may be corrupt or truncated.`,
      );
    }
    blocks.push({ label: match[1] ?? '', der: Buffer.from(body, 'base64') });
  }
  const begins = text.match(/-----BEGIN [A-Z0-9 ]+-----/g)?.length ?? 0;
  if (begins > blocks.length) {
    throw new InputError(
      `${source} is truncated: a "-----BEGIN" line has no matching "-----END" line.`,
    );
  }
  if (blocks.length === 0)
    throw new InputError(`${source} holds no PEM data (no "-----BEGIN ...-----" line).`);
  return blocks;
}

export function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}
