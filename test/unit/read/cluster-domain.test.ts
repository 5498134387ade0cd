// The cluster domain from the DNS server's own settings: CoreDNS's Corefile
// and kube-dns's --domain, as kubeadm, k3s and older clusters write them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clusterDomainOf,
  domainFromCorefile,
  domainFromKubeDnsArgs,
} from '../../../src/read/cluster-domain.ts';

test('the first forward zone of the kubernetes plugin line', () => {
  const kubeadm = `.:53 {
    errors
    health { lameduck 5s }
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
    }
    forward . /etc/resolv.conf
}`;
  assert.equal(domainFromCorefile(kubeadm), 'cluster.local');
  assert.equal(domainFromCorefile('  kubernetes corp.example. {\n}'), 'corp.example');
  // Reverse zones first, then the domain; a comment on the line is not a zone.
  assert.equal(
    domainFromCorefile('kubernetes in-addr.arpa ip6.arpa k8s.internal # the domain'),
    'k8s.internal',
  );
  assert.equal(domainFromCorefile('# kubernetes commented.out\nforward . 8.8.8.8'), undefined);
  assert.equal(domainFromCorefile('kubernetes {\n}'), undefined);
  assert.equal(domainFromCorefile('kubernetes {{ .ClusterDomain }}'), undefined);
  assert.equal(domainFromCorefile(''), undefined);
});

test("kube-dns's --domain, with or without the trailing dot", () => {
  assert.equal(
    domainFromKubeDnsArgs(['--dns-port=10053', '--domain=cluster.local.']),
    'cluster.local',
  );
  assert.equal(domainFromKubeDnsArgs(['--domain=corp.example']), 'corp.example');
  assert.equal(domainFromKubeDnsArgs(['--domain', 'x']), undefined);
  assert.equal(domainFromKubeDnsArgs([]), undefined);
});

test('no domain found: a Corefile without a kubernetes zone is named as such, not as unreadable', () => {
  assert.deepEqual(clusterDomainOf('.:53 {\n    forward . /etc/resolv.conf\n}\n', []), {
    why: 'the Corefile of ConfigMap kube-system/coredns has no kubernetes plugin line with a zone',
  });
  assert.deepEqual(clusterDomainOf(undefined, []), {
    why: 'no CoreDNS Corefile or kube-dns --domain is readable',
  });
  assert.deepEqual(clusterDomainOf('', ['--domain=corp.example.']), {
    domain: 'corp.example',
    source: 'Deployment kube-system/kube-dns (--domain)',
  });
});
