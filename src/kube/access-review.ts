// What RBAC allows, asked without being refused: a SelfSubjectAccessReview for this
// client, and the TokenReview and SubjectAccessReview that authorise scrapes of the exporter.
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

/** Who a bearer token belongs to, as the API server's TokenReview says; undefined: not authenticated. */
export interface TokenUser {
  readonly username: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

const TOKEN_REVIEWS: ResourceKind = {
  group: 'authentication.k8s.io',
  version: 'v1',
  plural: 'tokenreviews',
};
const SUBJECT_REVIEWS: ResourceKind = {
  group: 'authorization.k8s.io',
  version: 'v1',
  plural: 'subjectaccessreviews',
};

/** The user a token authenticates as (a TokenReview), or undefined when it authenticates no one. */
export async function tokenUser(client: Client, token: string): Promise<TokenUser | undefined> {
  const body = {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenReview',
    spec: { token },
  };
  const what: RequestDescription = { verb: 'create', resource: resourceName(TOKEN_REVIEWS) };
  const review = await client.call(what, () =>
    client.http.json<{ status?: { authenticated?: boolean; user?: TokenUser } }>(
      'POST',
      collectionPath(TOKEN_REVIEWS),
      body,
    ),
  );
  const user = review.status?.user;
  return review.status?.authenticated === true && user?.username ? user : undefined;
}

/** Whether `user` may `verb` the non-resource URL `path` (a SubjectAccessReview). */
export async function userMay(
  client: Client,
  user: TokenUser,
  verb: string,
  path: string,
): Promise<boolean> {
  const body = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: {
      user: user.username,
      ...(user.uid ? { uid: user.uid } : {}),
      ...(user.groups ? { groups: user.groups } : {}),
      ...(user.extra ? { extra: user.extra } : {}),
      nonResourceAttributes: { path, verb },
    },
  };
  const what: RequestDescription = { verb: 'create', resource: resourceName(SUBJECT_REVIEWS) };
  const review = await client.call(what, () =>
    client.http.json<{ status?: { allowed?: boolean } }>(
      'POST',
      collectionPath(SUBJECT_REVIEWS),
      body,
    ),
  );
  return review.status?.allowed === true;
}
