// Takes a testbed down when the process that brought it up is gone, so that
// no process outlives a test run, however it ended.
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from './processes.ts';
import { down, readState } from './testbed.ts';

const [dir, owner] = process.argv.slice(2);
if (!dir || !owner) {
  console.error('usage: watchdog.ts DIR OWNER_PID');
  process.exit(2);
}
while (isAlive(Number(owner)) && readState(dir)) await sleep(500);
if (readState(dir)) await down(dir);
