// Who owns a field, read from managedFields as the API server writes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CA_BUNDLE_PATHS, ownersOf } from '../../../src/kube/field-owners.ts';
import type { ObjectMeta } from '../../../src/kube/objects.ts';

test('the managers whose fieldsV1 reach the caBundle of an APIService or of one webhook', () => {
  const meta: ObjectMeta = {
    managedFields: [
      {
        manager: 'kubectl-client-side-apply',
        operation: 'Update',
        fieldsV1: { 'f:spec': { 'f:group': {} } },
      },
      {
        manager: 'antrea-controller',
        operation: 'Update',
        fieldsV1: { 'f:spec': { 'f:caBundle': {} } },
      },
      {
        manager: 'argocd-controller',
        operation: 'Apply',
        fieldsV1: {
          'f:spec': { 'f:caBundle': {} },
          'f:webhooks': { 'k:{"name":"a.antrea.io"}': { 'f:clientConfig': { 'f:caBundle': {} } } },
        },
      },
    ],
  };
  assert.deepEqual(ownersOf(meta, CA_BUNDLE_PATHS.apiService), [
    'antrea-controller',
    'argocd-controller',
  ]);
  assert.deepEqual(ownersOf(meta, CA_BUNDLE_PATHS.webhook('a.antrea.io')), ['argocd-controller']);
  assert.deepEqual(ownersOf(meta, CA_BUNDLE_PATHS.webhook('b.antrea.io')), []);
  assert.deepEqual(ownersOf({}, CA_BUNDLE_PATHS.crd), []);
});
