// The width tables are cut to: a terminal's, never a pipe's or -o wide's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createContext } from '../../../src/framework/context.ts';
import type { GlobalFlags } from '../../../src/framework/global-flags.ts';

const flags = (output: GlobalFlags['output']) =>
  ({ output, color: false, verbose: 0, 'request-timeout': '0' }) as GlobalFlags;
const stdout = (tty: { isTTY: boolean; columns?: number } | undefined) =>
  Object.assign(new PassThrough(), tty ?? {});
const widthOf = (output: GlobalFlags['output'], tty?: { isTTY: boolean; columns?: number }) =>
  createContext(flags(output), { stdout: stdout(tty), stderr: new PassThrough(), env: {} })
    .textOptions.width;

test('a 200-column terminal gets 200 columns; a pipe and -o wide are never cut', () => {
  assert.equal(widthOf('table', { isTTY: true, columns: 200 }), 200);
  assert.equal(widthOf('table', { isTTY: true, columns: 60 }), 60);
  assert.equal(widthOf('table'), Number.MAX_SAFE_INTEGER);
  assert.equal(widthOf('wide', { isTTY: true, columns: 80 }), Number.MAX_SAFE_INTEGER);
});
