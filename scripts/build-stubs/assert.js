// yargs asks node:assert for two checks only; loading the module costs a few
// milliseconds at every start (it pulls in Node's inspection and diffing).
export function notStrictEqual(actual, expected, message) {
  if (Object.is(actual, expected)) {
    throw new Error(message ?? `Expected "actual" to be strictly unequal to: ${String(expected)}`);
  }
}

export function strictEqual(actual, expected, message) {
  if (!Object.is(actual, expected)) {
    throw new Error(message ?? 'Expected values to be strictly equal');
  }
}
