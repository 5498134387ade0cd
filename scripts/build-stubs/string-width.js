// Stands in for string-width in the bundle (yargs lays out --help with it,
// ora its spinner line). string-width compiles Unicode property regexes when
// it loads, 35 ms on every start; the plugin's text is ASCII nearly always,
// whose width is its length. Anything else goes to the real string-width,
// loaded only then.
import stripAnsi from 'strip-ansi';

let full;

export default function stringWidth(text, options = {}) {
  if (typeof text !== 'string' || text.length === 0) return 0;
  const plain = options.countAnsiEscapeCodes ? text : stripAnsi(text);
  if (/^[\x20-\x7e]*$/.test(plain)) return plain.length;
  full ??= require('string-width').default;
  return full(text, options);
}
