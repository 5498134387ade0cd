// How a controller Pod that is not ready is described in every report.
import type { ControllerPod } from '../antrea/installation.ts';

/** " (CrashLoopBackOff: the last line it logged)", or nothing when the Pod gives no reason. */
export const notReadyDetail = (pod: ControllerPod) =>
  pod.reason ? ` (${pod.reason}${pod.message ? `: ${pod.message}` : ''})` : '';

/** Reasons a container gives while it cannot start: it does not get past them by itself. */
const CANNOT_START = new Set([
  'CrashLoopBackOff',
  'Error',
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

/**
 * "Pod NAME (CrashLoopBackOff: the last line it logged)" for a Pod that cannot start: it says so,
 * or it has exited before and is not ready again (caught between two restarts).
 */
export function podThatCannotStart(pods: readonly ControllerPod[]): string | undefined {
  const failing = (p: ControllerPod) =>
    CANNOT_START.has(p.reason ?? '') || (p.restarts > 0 && p.message !== undefined);
  const pod = pods.find((p) => !p.deleting && !p.ready && failing(p));
  return pod ? `Pod ${pod.name}${notReadyDetail(pod)}` : undefined;
}
