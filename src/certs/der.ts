// DER, the encoding of X.509: reading the elements of a certificate, and
// writing the few a new one needs. Only definite lengths, as DER requires;
// anything else is a DerError, never a crash or a hang.

/** A malformed encoding: the caller turns it into its own sentence. */
export class DerError extends Error {
  override readonly name = 'DerError';
}

/** Tags the plugin reads and writes. */
export const Tag = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  teletexString: 0x14,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  universalString: 0x1c,
  bmpString: 0x1e,
  sequence: 0x30,
  set: 0x31,
} as const;

/** One element: its tag byte, its content, and the whole encoding (tag, length, content). */
export interface Element {
  readonly tag: number;
  readonly content: Buffer;
  readonly encoded: Buffer;
}

const MAX_LENGTH_BYTES = 4;

/** The element at `offset` of `data`, and where the next one starts. */
function readElement(data: Buffer, offset: number): { element: Element; next: number } {
  if (offset + 2 > data.length) throw new DerError('truncated element');
  const tag = data[offset] ?? 0;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not used in certificates');
  let length = data[offset + 1] ?? 0;
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > MAX_LENGTH_BYTES) throw new DerError('unsupported length encoding');
    if (start + bytes > data.length) throw new DerError('truncated length');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (data[start + i] ?? 0);
    start += bytes;
  }
  const end = start + length;
  if (end > data.length) throw new DerError('element longer than its input');
  return {
    element: { tag, content: data.subarray(start, end), encoded: data.subarray(offset, end) },
    next: end,
  };
}

/** Parses exactly one element that fills `data`. */
export function parse(data: Buffer): Element {
  const { element, next } = readElement(data, 0);
  if (next !== data.length) throw new DerError('trailing data after the element');
  return element;
}

/** The elements inside a constructed element (SEQUENCE, SET, explicit tag). */
export function children(element: Element): Element[] {
  const items: Element[] = [];
  for (let offset = 0; offset < element.content.length;) {
    const { element: child, next } = readElement(element.content, offset);
    items.push(child);
    offset = next;
  }
  return items;
}

/** The child at `index`, which must have `tag`. */
export function child(element: Element, index: number, tag?: number): Element {
  const found = children(element)[index];
  if (!found) throw new DerError(`missing element ${index + 1}`);
  if (tag !== undefined && found.tag !== tag) throw new DerError(`unexpected tag ${found.tag}`);
  return found;
}

/** The dotted form of an OBJECT IDENTIFIER, such as 2.5.4.3. */
export function readOid(element: Element): string {
  if (element.tag !== Tag.oid || element.content.length === 0) throw new DerError('not an OID');
  const bytes = element.content;
  const first = bytes[0] ?? 0;
  const parts = [first < 80 ? Math.floor(first / 40) : 2, first < 80 ? first % 40 : first - 80];
  let value = 0;
  for (let i = 1; i < bytes.length; i++) {
    const byte = bytes[i] ?? 0;
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/** UTCTime or GeneralizedTime. */
export function readTime(element: Element): Date {
  const text = element.content.toString('latin1');
  const utc = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(text);
  const generalized = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(\.\d+)?Z$/.exec(text);
  let parts: (string | undefined)[];
  if (element.tag === Tag.utcTime && utc) {
    const year = Number(utc[1]);
    parts = [String(year >= 50 ? 1900 + year : 2000 + year), ...utc.slice(2)];
  } else if (element.tag === Tag.generalizedTime && generalized) {
    parts = generalized.slice(1, 7);
  } else {
    throw new DerError('not a time');
  }
  const [year, month, day, hour, minute, second] = parts.map((p) => Number(p ?? 0));
  const time = Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second);
  const fraction = generalized?.[7] ? Math.round(Number(generalized[7]) * 1000) : 0;
  return new Date(time + fraction);
}

/** The text of a directory string (PrintableString, UTF8String, BMPString, ...); undefined for other types. */
export function readString(element: Element): string | undefined {
  switch (element.tag) {
    case Tag.utf8String:
      return element.content.toString('utf8');
    case Tag.printableString:
    case Tag.ia5String:
    case Tag.teletexString:
      return element.content.toString('latin1');
    case Tag.bmpString:
      return Buffer.from(element.content).swap16().toString('utf16le');
    case Tag.universalString: {
      let text = '';
      for (let i = 0; i + 3 < element.content.length; i += 4) {
        text += String.fromCodePoint(element.content.readUInt32BE(i));
      }
      return text;
    }
    default:
      return undefined;
  }
}

// Writing.

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** An element from its tag and content. */
export const encode = (tag: number, content: Uint8Array): Buffer =>
  Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);

/** A SEQUENCE of the encoded items, in order. */
export const sequence = (...items: Uint8Array[]) => encode(Tag.sequence, Buffer.concat(items));
/** A SET of the encoded items, in the order given. */
export const set = (...items: Uint8Array[]) => encode(Tag.set, Buffer.concat(items));
/** An OCTET STRING, such as the value of an extension. */
export const octetString = (content: Uint8Array) => encode(Tag.octetString, content);
/** A BOOLEAN, encoded as DER requires (0xff for true). */
export const boolean = (value: boolean) => encode(Tag.boolean, Buffer.from([value ? 0xff : 0]));
/** The NULL that RSA's algorithm identifiers carry as parameters. */
export const nullValue = () => encode(Tag.null, Buffer.alloc(0));
/** An explicitly tagged element: [n] { inner }. */
export const explicit = (n: number, inner: Uint8Array) => encode(0xa0 | n, inner);
/** An implicitly tagged primitive: [n] content. */
export const implicit = (n: number, content: Uint8Array) => encode(0x80 | n, content);

/** A non-negative INTEGER from its big-endian bytes. */
export function integer(bytes: Uint8Array): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && ((bytes[start + 1] ?? 0) & 0x80) === 0) {
    start++;
  }
  const value = Buffer.from(bytes.subarray(start));
  return encode(
    Tag.integer,
    (value[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value,
  );
}

/** An INTEGER below 256, such as the version of a certificate. */
export const smallInteger = (value: number) => integer(Buffer.from([value]));

/** An OBJECT IDENTIFIER from its dotted form. */
export function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const part of rest) {
    const group = [part & 0x7f];
    for (let value = Math.floor(part / 128); value > 0; value = Math.floor(value / 128)) {
      group.unshift((value & 0x7f) | 0x80);
    }
    bytes.push(...group);
  }
  return encode(Tag.oid, Buffer.from(bytes));
}

/** A BIT STRING of whole bytes. */
export const bitString = (bytes: Uint8Array) =>
  encode(Tag.bitString, Buffer.concat([Buffer.from([0]), bytes]));

/** A named-bit BIT STRING (key usage): bit 0 is the first, trailing zero bits dropped. */
export function namedBits(bits: readonly number[]): Buffer {
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  const unused = 7 - (highest & 7);
  return encode(Tag.bitString, Buffer.concat([Buffer.from([unused]), bytes]));
}

/** UTCTime through 2049, GeneralizedTime after, as RFC 5280 says. */
export function time(date: Date): Buffer {
  const iso = date
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return date.getUTCFullYear() < 2050
    ? encode(Tag.utcTime, Buffer.from(iso.slice(2), 'latin1'))
    : encode(Tag.generalizedTime, Buffer.from(iso, 'latin1'));
}
