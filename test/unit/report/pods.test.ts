// Whether a controller Pod cannot start (src/report/pods.ts): what a change
// says when its wait runs out, instead of "the controller finishes by itself".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podThatCannotStart } from '../../../src/report/pods.ts';
import type { ControllerPod } from '../../../src/antrea/installation.ts';

const pod = (fields: Partial<ControllerPod>): ControllerPod => ({
  name: 'antrea-controller-1',
  phase: 'Running',
  ready: false,
  restarts: 0,
  deleting: false,
  ...fields,
});

test('a crash loop, an image that cannot be pulled, a Pod caught between restarts: cannot start', () => {
  const message = 'error loading the serving certificate: key values mismatch';
  assert.equal(
    podThatCannotStart([pod({ reason: 'CrashLoopBackOff', restarts: 3, message })]),
    `Pod antrea-controller-1 (CrashLoopBackOff: ${message})`,
  );
  assert.equal(
    podThatCannotStart([pod({ reason: 'ImagePullBackOff' })]),
    'Pod antrea-controller-1 (ImagePullBackOff)',
  );
  assert.match(
    podThatCannotStart([pod({ reason: 'NotReady', restarts: 2, message })]) ?? '',
    /\(NotReady: error loading/,
  );
});

test('a Pod starting for the first time, a ready one, a deleted one: not stuck', () => {
  assert.equal(podThatCannotStart([pod({ reason: 'ContainerCreating' })]), undefined);
  assert.equal(podThatCannotStart([pod({ reason: 'NotReady' })]), undefined);
  assert.equal(podThatCannotStart([pod({ ready: true, restarts: 4 })]), undefined);
  assert.equal(
    podThatCannotStart([pod({ reason: 'CrashLoopBackOff', deleting: true })]),
    undefined,
  );
  assert.equal(podThatCannotStart([]), undefined);
});
