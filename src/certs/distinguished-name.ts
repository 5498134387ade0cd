// Distinguished names as text: "CN=antrea, O=Example", attribute by
// attribute in the order of the certificate, RFC 4514 escaping, short names
// for the usual attributes and the OID for the others.
import { DerError, Tag, child, children, readOid, readString, type Element } from './der.ts';

const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'E',
  '2.5.4.42': 'G',
  '2.5.4.43': 'I',
  '2.5.4.4': 'SN',
  '2.5.4.12': 'T',
};

const hexOf = (char: string) => `\\${Buffer.from(char, 'utf8').toString('hex').toUpperCase()}`;

/** RFC 4514 escaping; a control character (the first one) as hex. */
const escape = (value: string) =>
  value
    .replace(/([,+"\\<>;])/g, '\\$1')
    .replace(/^([ #])/, '\\$1')
    .replace(/([ ]$)/, '\\$1')
    .replace(/([\r\n\t])/, hexOf);

function attribute(element: Element): string {
  if (element.tag !== Tag.sequence) throw new DerError('not an attribute');
  const type = readOid(child(element, 0));
  const valueElement = child(element, 1);
  const text = readString(valueElement);
  const value = text === undefined ? `#${valueElement.encoded.toString('hex')}` : escape(text);
  return `${SHORT_NAMES[type] ?? type}=${value}`;
}

/** The text of a Name (a SEQUENCE of SETs of attributes). */
export function formatName(name: Element): string {
  if (name.tag !== Tag.sequence) throw new DerError('not a name');
  return children(name)
    .map((rdn) => {
      if (rdn.tag !== Tag.set) throw new DerError('not a relative distinguished name');
      return children(rdn).map(attribute).join('+');
    })
    .join(', ');
}
