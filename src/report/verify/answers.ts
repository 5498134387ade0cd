// verify's check that the aggregation layer reaches the controller through
// each APIService's caBundle: discovery answers and the APIService is Available.
import type { Installation } from '../../antrea/installation.ts';
import { check, type Check } from '../check.ts';

/** How a group-version's discovery answered through the API server, as kube/probe.ts gives it. */
export interface Probe {
  readonly groupVersion: string;
  readonly status: number;
  readonly message?: string;
}

/** " (reason: message)" of an APIService's Available condition, if it gives a reason. */
const availability = (available: Installation['consumers'][number]['available']) =>
  available?.reason
    ? ` (${available.reason}${available.message ? `: ${available.message}` : ''})`
    : '';

/** answers: one check per APIService, from its Available condition and its discovery probe. */
export function answerChecks(inst: Installation, probes: readonly Probe[]): Check[] {
  return inst.consumers
    .filter((c) => c.kind === 'APIService')
    .map((consumer) => {
      const object = `APIService/${consumer.name}`;
      const probe = probes.find((p) => p.groupVersion === consumer.groupVersion);
      const available = consumer.available?.status === 'True';
      if (probe?.status === 200 && available)
        return check(
          `answers:${object}`,
          'pass',
          `${consumer.groupVersion} answers through the API server and ${consumer.name} is Available`,
          undefined,
          object,
        );
      const why = [
        available ? undefined : `not Available${availability(consumer.available)}`,
        probe && probe.status !== 200
          ? `GET /apis/${consumer.groupVersion} answered ${probe.status}${probe.message ? ` (${probe.message})` : ''}`
          : undefined,
      ].filter(Boolean);
      return check(
        `answers:${object}`,
        'fail',
        `${consumer.name} does not answer: ${why.join('; ')}`,
        'the caBundle must verify the certificate the controller serves, and the controller Pod must be ready',
        object,
      );
    });
}
