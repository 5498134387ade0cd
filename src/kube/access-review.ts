// What RBAC allows this client, asked without being refused: a
// SelfSubjectAccessReview, which every authenticated user may create.
import { collectionPath, resourceName, type Client, type ResourceKind } from './client.ts';
import type { RequestDescription } from './errors.ts';

const REVIEWS: ResourceKind = {
  group: 'authorization.k8s.io',
  version: 'v1',
  plural: 'selfsubjectaccessreviews',
};

/**
 * Whether the client may `verb` the collection of `kind` (in `namespace`); undefined when the
 * answer says neither. No denied request is sent to learn it.
 */
export async function allowed(
  client: Client,
  verb: string,
  kind: ResourceKind,
  namespace?: string,
): Promise<boolean | undefined> {
  const body = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: {
      resourceAttributes: {
        verb,
        group: kind.group,
        resource: kind.plural,
        ...(namespace ? { namespace } : {}),
      },
    },
  };
  const what: RequestDescription = { verb: 'create', resource: resourceName(REVIEWS) };
  const review = await client.call(what, () =>
    client.http.json<{ status?: { allowed?: boolean } }>('POST', collectionPath(REVIEWS), body),
  );
  const answer = review.status?.allowed;
  return typeof answer === 'boolean' ? answer : undefined;
}
