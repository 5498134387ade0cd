// The write step of every change: a conflict is re-read and re-checked, never overwritten blindly.
import { test } from 'node:test';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { carryOut } from '../../../src/change/carry-out.ts';
import type { Change } from '../../../src/change/change.ts';
import { ConflictError, AbortedError, ConnectionError } from '../../../src/errors.ts';
import type { Client } from '../../../src/kube/client.ts';
import { installation } from '../../support/installation.ts';
import { clientFor, testContext, withLeaseInMemory } from '../../support/context.ts';

const { ctx, notes } = testContext();
const inst = installation('');
/** A client that cannot read: putting a backup back fails with it; its change Lease is in memory. */
const noClient = withLeaseInMemory({ journal: [] } as unknown as Client);
/** What a change's first write leaves in the journal, when a later step then fails. */
const secretWritten = {
  verb: 'update',
  resource: 'secrets',
  name: 'antrea-controller-tls',
  resourceVersion: '7',
} as const;
const options = {
  yes: true,
  dryRun: 'none' as const,
  wait: false,
  timeoutMs: 1000,
  rollbackOnFailure: true,
  failWithin: 0,
  forceUnlock: false,
};

function change(
  name: string,
  log: string[],
  failures: number,
  replan?: () => Promise<Change>,
): Change {
  let left = failures;
  return {
    lines: [name],
    restarts: false,
    goal: {},
    apply: async () => {
      log.push(name);
      if (left-- > 0)
        throw new ConflictError(
          `Secret antrea-controller-tls changed while the plugin was working; nothing was overwritten`,
        );
    },
    ...(replan ? { replan } : {}),
  };
}

test('a conflicting write is planned again from a fresh read and applied', async () => {
  const log: string[] = [];
  const second = change('second', log, 0);
  const first = change('first', log, 1, async () => second);
  assert.equal((await carryOut(ctx, noClient, inst, first, options)).exitCode, 0);
  assert.deepEqual(log, ['first', 'second']);
  assert.ok(
    notes().some((n) =>
      /changed while the plugin was working: reading it again and re-checking/.test(n),
    ),
  );
});

test('after three conflicts, or without a way to re-plan, the conflict is reported; nothing written, nothing put back', async () => {
  const log: string[] = [];
  const always: Change = change('again', log, 99, async () => always);
  const reported =
    /^CliError: writing failed \(Secret antrea-controller-tls changed while the plugin was working.*\); nothing had been written\.$/;
  await assert.rejects(carryOut(ctx, noClient, inst, always, options), reported);
  assert.equal(log.length, 3);
  await assert.rejects(carryOut(ctx, noClient, inst, change('once', [], 1), options), reported);
});

test('a step that fails after a first write puts back what was written; when that fails too, it points at restore', async () => {
  const failing: Change = {
    lines: ['two steps'],
    restarts: false,
    goal: {},
    apply: async () => {
      noClient.journal.push(secretWritten);
      throw new ConflictError('ConfigMap antrea-config changed while the plugin was working');
    },
  };
  // This client cannot read, so putting the backup back fails too: the message then points at restore.
  await assert.rejects(
    carryOut(ctx, noClient, inst, failing, options),
    /writing failed \(ConfigMap antrea-config changed .*\) and putting the old objects back failed too; restore them with kubectl antrea-certs restore/,
  );
});

test('a change that restarts the controller needs --yes without a terminal, and writes nothing', async () => {
  const log: string[] = [];
  const restarting = { ...change('restart', log, 0), restarts: true };
  await assert.rejects(
    carryOut(ctx, noClient, inst, restarting, { ...options, yes: false }),
    AbortedError,
  );
  assert.deepEqual(log, []);
});

test('the API server going away while writing: the message says the state may be partial and gives both ways forward', async () => {
  const gone = new ConnectionError(
    'cannot reach the API server at https://127.0.0.1:6443 (ECONNREFUSED); check that the cluster is up',
  );
  const failing: Change = {
    lines: ['x'],
    restarts: false,
    goal: {},
    apply: async () => {
      unreachable.journal.push(secretWritten);
      throw gone;
    },
  };
  // The put-back re-reads through a client whose API server is gone as well.
  const unreachable = withLeaseInMemory(await clientFor('https://127.0.0.1:1'));
  await assert.rejects(
    carryOut(ctx, unreachable, inst, failing, { ...options, backupDir: undefined }),
    /^CliError: the API server went away while writing \(cannot reach the API server at https:\/\/127\.0\.0\.1:6443 \(ECONNREFUSED\)\); the cluster holds the old objects or part of the change\. Once it answers, run kubectl antrea-certs verify, then the same command again to complete the change, or kubectl antrea-certs restore FILE to go back\.$/,
  );
});

test('a change planned again after a conflict is backed up as it then reads: the file holds what it overwrites', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-replan-'));
  const first = installation('', {
    config: {
      name: 'antrea-config',
      text: 'selfSignedCert: true # first read\n',
      resourceVersion: '1',
    },
  });
  const fresh = installation('', {
    config: {
      name: 'antrea-config',
      text: 'selfSignedCert: true # changed meanwhile\n',
      resourceVersion: '2',
    },
  });
  const log: string[] = [];
  const second = { ...change('second', log, 0), basis: fresh };
  const conflicting = { ...change('first', log, 1, async () => second), basis: first };
  const result = await carryOut(ctx, noClient, first, conflicting, { ...options, backupDir: dir });
  assert.equal(result.exitCode, 0);
  assert.deepEqual(log, ['first', 'second']);
  const [file] = readdirSync(dir);
  const saved = JSON.parse(readFileSync(join(dir, file ?? ''), 'utf8')) as {
    configMap: { text: string };
  };
  assert.equal(saved.configMap.text, 'selfSignedCert: true # changed meanwhile\n');
  assert.equal(statSync(join(dir, file ?? '')).mode & 0o777, 0o600);
});

test('after a re-plan, an object this run already wrote keeps its original backup', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-replan-own-'));
  const config = (text: string, resourceVersion: string) => ({
    config: { name: 'antrea-config', text, resourceVersion },
  });
  const first = installation('', config('selfSignedCert: true # before\n', '1'));
  const fresh = installation('', config('selfSignedCert: false # this run wrote it\n', '2'));
  const log: string[] = [];
  const second = { ...change('second', log, 0), basis: fresh };
  let tries = 0;
  const conflicting: Change = {
    ...change('first', log, 0, async () => second),
    basis: first,
    apply: async () => {
      // The config was written, then the Secret conflicted.
      noClient.journal.push({ verb: 'update', resource: 'configmaps', name: 'antrea-config' });
      if (tries++ === 0)
        throw new ConflictError(
          'Secret antrea-controller-tls changed while the plugin was working',
        );
    },
  };
  assert.equal(
    (await carryOut(ctx, noClient, first, conflicting, { ...options, backupDir: dir })).exitCode,
    0,
  );
  const [file] = readdirSync(dir);
  const saved = JSON.parse(readFileSync(join(dir, file ?? ''), 'utf8')) as {
    configMap: { text: string };
  };
  assert.equal(saved.configMap.text, 'selfSignedCert: true # before\n');
});

test('-o json: a change planned again after a conflict is planned as data before it is written', async () => {
  const json = testContext({ overrides: { output: 'json' } });
  const client = withLeaseInMemory({
    journal: [],
    intended: [],
    contextName: 'c',
  } as unknown as Client);
  const log: string[] = [];
  const step = (name: string, conflicts: number, replan?: () => Promise<Change>): Change => {
    let left = conflicts;
    return {
      lines: [name],
      restarts: false,
      goal: {},
      apply: async (dryRun) => {
        log.push(`${name}:${dryRun}`);
        if (dryRun === 'none' && left-- > 0) throw new ConflictError('Secret changed meanwhile');
      },
      ...(replan ? { replan } : {}),
    };
  };
  const second = step('second', 0);
  const first = step('first', 1, async () => second);
  const result = await carryOut(json.ctx, client, inst, first, options);
  assert.equal(result.exitCode, 0);
  assert.deepEqual(log, ['first:client', 'first:none', 'second:client', 'second:none']);
  const document = JSON.parse(json.stdout()) as { plan: { lines: string[] }; outcome: string };
  assert.deepEqual(document.plan.lines, ['second']);
  assert.equal(document.outcome, 'written');
});
