// The agents' API server certificates, from the apiCABundle each agent
// publishes in its AntreaAgentInfo (v1.13+): self-signed, made when the agent
// starts and never rotated, so an agent that runs long enough serves an
// expired one. Pure.
import { tryParse } from '../certs/try-parse.ts';
import type * as k8s from '../kube/objects.ts';
import { decodeBase64 } from '../base64.ts';
import { certificateReport, type CertificateReport } from './certificate-report.ts';

/** An agent's API certificate and the Node it runs on. */
export interface AgentApiCertificate extends CertificateReport {
  readonly node: string;
}

/** The certificate each AntreaAgentInfo publishes; agents that publish none are left out. */
export function agentApiCertificates(
  infos: readonly k8s.AntreaAgentInfo[],
  now: Date,
): AgentApiCertificate[] {
  return infos
    .flatMap((info) => {
      const node = info.nodeRef?.name ?? info.metadata?.name ?? '';
      // A []byte field of the Go type: base64 of the PEM.
      const pem = decodeBase64(info.apiCABundle);
      const [cert] = tryParse(pem, `AntreaAgentInfo ${node}`).certs;
      return cert ? [{ ...certificateReport(cert, now), node }] : [];
    })
    .sort((a, b) => a.node.localeCompare(b.node));
}
