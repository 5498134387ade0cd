// Base64 fields of Kubernetes objects (Secret data, caBundles) as text.
export const decodeBase64 = (b64?: string) =>
  b64 ? Buffer.from(b64, 'base64').toString('utf8') : undefined;
