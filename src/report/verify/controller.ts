// verify's checks of the controller itself: a Pod is ready, and there is only
// one where each Pod would make its own self-signed CA.
import { CONTROLLER } from '../../antrea/names.ts';
import { modeOf } from '../../antrea/mode.ts';
import type { Installation } from '../../antrea/installation.ts';
import { notReadyDetail } from '../pods.ts';
import { check, type Check } from '../check.ts';

/** controller-ready: a controller Pod is ready (or, when Pods may not be listed, a replica). */
export function controllerReadyCheck(inst: Installation): Check {
  const ns = inst.namespace;
  const deployment = inst.deployment;
  if (inst.refusedDetails?.includes('Pods')) {
    const enough = deployment.readyReplicas > 0;
    const replicas = `${deployment.readyReplicas} of ${deployment.replicas} replicas`;
    return check(
      'controller-ready',
      enough ? 'pass' : 'fail',
      `Deployment ${deployment.name} has ${replicas} ready (its Pods may not be listed)`,
      enough ? undefined : `kubectl -n ${ns} describe deployment ${deployment.name}`,
    );
  }
  const ready = inst.pods.filter((p) => p.ready && !p.deleting);
  if (ready.length)
    return check(
      'controller-ready',
      'pass',
      `controller Pod ${ready.map((p) => p.name).join(', ')} is ready`,
    );
  const pod = inst.pods.find((p) => !p.deleting);
  return check(
    'controller-ready',
    'fail',
    pod
      ? `controller Pod ${pod.name} is not ready${notReadyDetail(pod)}`
      : 'no antrea-controller Pod exists',
    `kubectl -n ${ns} describe pod -l ${CONTROLLER.selector}`,
  );
}

/**
 * controller-count: several controllers of a release that keeps its pair in the Pod each make their
 * own CA; none when there is one, or the pair is shared.
 */
export function controllerCountChecks(inst: Installation): Check[] {
  const deployment = inst.deployment;
  const running = inst.pods.filter(
    (p) => !p.deleting && (p.phase === 'Running' || p.phase === 'Pending'),
  );
  const controllers = Math.max(running.length, deployment.replicas);
  if (controllers <= 1 || modeOf(inst).pairStorage !== 'pod') return [];
  return [
    check(
      'controller-count',
      'fail',
      `${controllers} antrea-controller Pods each make their own self-signed CA in this release ` +
        "(the pair lives in the Pod) and overwrite each other's caBundles",
      `kubectl -n ${inst.namespace} scale deployment/${deployment.name} --replicas=1`,
    ),
  ];
}
