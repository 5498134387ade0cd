// The version command (src/commands/version/, src/render/version.ts): its
// rendering, and what it needs of a cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderVersion } from '../../../src/render/version.ts';
import { runCli as run } from '../../support/context.ts';

test('version renders the plugin line, then where Antrea was found', () => {
  const plugin = { name: 'kubectl-antrea_certs', version: '1.2.3' };
  assert.equal(renderVersion({ plugin }), 'kubectl-antrea_certs v1.2.3\n');
  assert.equal(
    renderVersion({
      plugin,
      antrea: {
        version: 'v2.7.0',
        versionSource: 'AntreaControllerInfo',
        namespace: 'kube-system',
        namespaceSource: 'found',
      },
    }),
    'kubectl-antrea_certs v1.2.3\nAntrea v2.7.0 in namespace kube-system (from AntreaControllerInfo)\n',
  );
  assert.match(
    renderVersion({
      plugin,
      antrea: {
        version: null,
        versionSource: 'unknown',
        namespace: 'antrea',
        namespaceSource: 'flag',
      },
    }),
    /^Antrea \(version unknown.*\) in namespace antrea$/m,
  );
});

test('version --client needs no cluster; without it, an unreachable cluster fails after the plugin line', async () => {
  const client = await run(['version', '--client'], { KUBECONFIG: '/nonexistent/kubeconfig' });
  assert.deepEqual([client.status, client.stdout], [0, 'kubectl-antrea_certs v0.0.0-dev\n']);
  const json = await run(['version', '--client', '-o', 'json']);
  assert.deepEqual(JSON.parse(json.stdout), {
    plugin: { name: 'kubectl-antrea_certs', version: '0.0.0-dev' },
  });
  const server = await run(['version', '--kubeconfig', '/nonexistent/kubeconfig']);
  assert.equal(server.status, 1);
  assert.equal(server.stdout, 'kubectl-antrea_certs v0.0.0-dev\n');
  assert.match(
    server.stderr,
    /^error: the kubeconfig file \/nonexistent\/kubeconfig given with --kubeconfig does not exist\.$/m,
  );
});
