// Shell completion (src/cli/completion/): the __complete answers (cobra's
// protocol), the scripts and the kubectl helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { complete, Directive, type ValueSources } from '../../../src/cli/completion/complete.ts';
import { COMMANDS } from '../../../src/cli/completion/spec.ts';
import {
  COMPLETION_SCRIPTS,
  KUBECTL_HELPER_UNIX,
  KUBECTL_HELPER_WINDOWS,
} from '../../../src/commands/completion/scripts.ts';
import { contextNames } from '../../../src/cli/completion/command-line.ts';
import { kubeconfigFiles } from '../../../src/kube/kubeconfig-files.ts';
import { runCli } from '../../support/context.ts';

const run = runCli;

/** The candidates' values (descriptions cut) and the directive of `__complete ARGS`. */
async function answer(...args: string[]) {
  const result = await run(['__complete', ...args]);
  assert.equal(result.status, 0, result.stderr);
  const lines = result.stdout.trimEnd().split('\n');
  const last = lines.pop() ?? '';
  assert.match(last, /^:\d+$/, 'the last line is the directive');
  return { values: lines.map((l) => l.split('\t')[0]), lines, directive: Number(last.slice(1)) };
}

const noSources: ValueSources = { contexts: async () => [], namespaces: async () => [] };

test('an empty word completes the commands, with descriptions, and no files', async () => {
  const { values, lines, directive } = await answer('');
  assert.deepEqual(values, [
    'status',
    'verify',
    'import',
    'mode',
    'rotate',
    'restore',
    'generate',
    'audit',
    'exporter',
    'version',
    'completion',
  ]);
  assert.match(lines[0] ?? '', /^status\tShow the certificate mode/);
  assert.equal(directive, Directive.noFileComp);
  assert.deepEqual((await answer('ve')).values, ['verify', 'version']);
});

test('every command the help lists is completed, and nothing else', async () => {
  // yargs prints help with console.log, so this runs the CLI from source.
  const entry = fileURLToPath(new URL('../../../cmd/kubectl-antrea_certs.ts', import.meta.url));
  const help = spawnSync(process.execPath, ['--import', 'tsx', entry, '--help'], {
    encoding: 'utf8',
  });
  assert.equal(help.status, 0, help.stderr);
  const listed = [...help.stdout.matchAll(/^ {2}kubectl antrea-certs (\w+)/gm)].map((m) => m[1]);
  assert.deepEqual(listed.sort(), COMMANDS.map((c) => c.name).sort());
});

test("flags: the global ones and the command's own, by prefix, without those already given", async () => {
  const verify = await answer('verify', '--');
  for (const flag of [
    '--warn-within',
    '--fail-within',
    '--strict',
    '--kubeconfig',
    '--context',
    '--output',
    '--no-color',
  ])
    assert.ok(verify.values.includes(flag), flag);
  assert.ok(!verify.values.includes('--ca-cert'), "rotate's flag is not verify's");
  assert.deepEqual((await answer('rotate', '--ca-')).values, ['--ca-cert', '--ca-key']);
  assert.ok(!(await answer('verify', '--strict', '--s')).values.includes('--strict'));
  assert.ok((await answer('status', '-')).values.includes('-n'));
  assert.equal(verify.directive, Directive.noFileComp);
});

test('flag values: choices, --flag=value, files, directories and free text', async () => {
  assert.deepEqual((await answer('status', '-o', '')).values, [
    'table',
    'wide',
    'json',
    'yaml',
    'prometheus',
    'junit',
  ]);
  assert.deepEqual((await answer('status', '--output', 'y')).values, ['yaml']);
  assert.deepEqual((await answer('status', '--output=js')).values, ['--output=json']);
  assert.deepEqual((await answer('rotate', '--key-algorithm', 'rsa')).values, [
    'rsa-2048',
    'rsa-3072',
    'rsa-4096',
  ]);
  assert.deepEqual((await answer('generate', '--issuer-kind', '')).values, [
    'Issuer',
    'ClusterIssuer',
  ]);
  assert.deepEqual((await answer('import', '--dry-run', '')).values, ['none', 'client', 'server']);
  const file = await answer('import', '--cert', '');
  assert.deepEqual(
    [file.values, file.directive],
    [[], Directive.default],
    'the shell completes file names',
  );
  assert.equal((await answer('import', '--from-dir', '')).directive, Directive.filterDirs);
  assert.deepEqual(await answer('verify', '--warn-within', ''), {
    values: [],
    lines: [],
    directive: Directive.noFileComp,
  });
  // A flag value is not a command: `-n status` leaves the command to come.
  assert.ok((await answer('-n', 'status', '')).values.includes('verify'));
});

test('positionals: mode targets, completion shells, restore takes a file', async () => {
  assert.deepEqual((await answer('mode', '')).values, ['self-signed', 'user-provided']);
  assert.deepEqual((await answer('mode', '--yes', 'u')).values, ['user-provided']);
  assert.deepEqual((await answer('completion', '')).values, ['bash', 'zsh', 'fish', 'powershell']);
  assert.equal((await answer('restore', '')).directive, Directive.default);
  assert.deepEqual((await answer('mode', 'self-signed', '')).values, [], 'one target only');
});

test('--context completes the contexts of the kubeconfig given on the command line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-completion-'));
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  writeFileSync(
    a,
    'apiVersion: v1\nkind: Config\ncontexts:\n- name: prod\n  context: {cluster: c, user: u}\n- name: staging\n  context: {cluster: c, user: u}\n',
  );
  writeFileSync(b, 'contexts:\n- name: prod\n- name: lab\n');
  assert.deepEqual((await answer('--kubeconfig', a, 'status', '--context', '')).values, [
    'prod',
    'staging',
  ]);
  assert.deepEqual((await answer(`--kubeconfig=${a}`, '--context=s')).values, [
    '--context=staging',
  ]);
  assert.deepEqual(contextNames([a, b, join(dir, 'missing')]), ['prod', 'staging', 'lab']);
  assert.deepEqual(kubeconfigFiles({}, { KUBECONFIG: `${a}:${b}` }), [a, b]);
  assert.deepEqual(kubeconfigFiles({ kubeconfig: b }, { KUBECONFIG: a }), [b]);
  assert.deepEqual(kubeconfigFiles({}, { HOME: dir }), [join(dir, '.kube', 'config')]);
});

test('a value source that fails completes nothing instead of failing', async () => {
  const failing: ValueSources = {
    contexts: async () => {
      throw new Error('unreadable');
    },
    namespaces: async () => {
      throw new Error('no cluster');
    },
  };
  assert.deepEqual(await complete(['-n', ''], failing), {
    candidates: [],
    directive: Directive.noFileComp,
  });
  assert.deepEqual(
    await complete(['--namespace', 'k'], {
      ...noSources,
      namespaces: async () => ['kube-system', 'default'],
    }),
    { candidates: ['kube-system'], directive: Directive.noFileComp },
  );
});

test('completion SHELL prints each script; an unknown shell is a usage error', async () => {
  for (const shell of ['bash', 'zsh', 'fish', 'powershell']) {
    const result = await run(['completion', shell]);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /kubectl-antrea_certs/, shell);
    assert.match(result.stdout, / __complete /, shell);
  }
  const bad = await run(['completion', 'tcsh']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /Choices: "bash", "zsh", "fish", "powershell"/);
});

test('the bash script turns the answers into COMPREPLY, cutting descriptions and honouring the directive', () => {
  const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-bash-'));
  const stub = join(dir, 'kubectl-antrea_certs');
  // Answers as the plugin would: commands for the first word, nothing and "files" for --cert, --output=json after =.
  writeFileSync(
    stub,
    `#!/bin/sh
case "$*" in
  "__complete st") printf 'status\\tShow it\\n:4\\n' ;;
  "__complete import --cert ") printf ':0\\n' ;;
  "__complete status --output=j") printf -- '--output=json\\n:4\\n' ;;
  *) printf ':1\\n' ;;
esac
`,
  );
  chmodSync(stub, 0o755);
  writeFileSync(join(dir, 'cert.pem'), '');
  const complete = (line: string) => {
    const script = `${COMPLETION_SCRIPTS.bash}\ncd "${dir}"; COMP_LINE=${JSON.stringify(line)}; COMP_POINT=\${#COMP_LINE}; COMPREPLY=(); _kubectl_antrea_certs; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const result = spawnSync('bash', ['-c', script], {
      encoding: 'utf8',
      env: { PATH: `${dir}:${process.env.PATH ?? ''}` },
    });
    assert.equal(result.status, 0, result.stderr);
    return result.stdout.split('\n').filter(Boolean);
  };
  assert.deepEqual(complete('kubectl-antrea_certs st'), ['status']);
  assert.ok(
    complete('kubectl-antrea_certs import --cert ').includes('cert.pem'),
    'the default directive completes file names',
  );
  assert.deepEqual(
    complete('kubectl-antrea_certs status --output=j'),
    ['json'],
    'bash replaces only the part after =',
  );
  assert.deepEqual(
    complete('kubectl-antrea_certs nope'),
    [],
    'the error directive completes nothing',
  );
});

test('the kubectl helpers pass the words on to __complete', () => {
  assert.match(KUBECTL_HELPER_UNIX, /^#!\/bin\/sh\n/);
  assert.match(KUBECTL_HELPER_UNIX, /^exec kubectl-antrea_certs __complete "\$@"$/m);
  assert.match(KUBECTL_HELPER_WINDOWS, /"%~dp0kubectl-antrea_certs\.exe" __complete %\*\r\n$/);
  const dir = mkdtempSync(join(tmpdir(), 'antrea-certs-helper-'));
  writeFileSync(join(dir, 'kubectl_complete-antrea_certs'), KUBECTL_HELPER_UNIX, { mode: 0o755 });
  writeFileSync(join(dir, 'kubectl-antrea_certs'), '#!/bin/sh\nprintf "%s|" "$@"\n', {
    mode: 0o755,
  });
  const result = spawnSync(join(dir, 'kubectl_complete-antrea_certs'), ['status', ''], {
    encoding: 'utf8',
    env: { PATH: dir },
  });
  assert.equal(result.stdout, '__complete|status||');
});
