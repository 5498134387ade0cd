// The fields antrea-controller writes and a GitOps tool must leave alone: the
// caBundle of every CA consumer and antrea-ca's ca.crt. Argo CD's
// ignoreDifferences for them (README: GitOps also gives kapp's rebaseRules).
import { CA_CONFIGMAP } from './names.ts';

/** The field manager of the controller's writes (client-go names it after the binary). */
export const CONTROLLER_FIELD_MANAGER = 'antrea-controller';

/** Where each consumer kind keeps its caBundle, as Argo CD's ignoreDifferences names it. */
const IGNORE: Record<string, string> = {
  APIService: `  - group: apiregistration.k8s.io
    kind: APIService
    jsonPointers: [/spec/caBundle]`,
  ValidatingWebhookConfiguration: `  - group: admissionregistration.k8s.io
    kind: ValidatingWebhookConfiguration
    jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle']`,
  MutatingWebhookConfiguration: `  - group: admissionregistration.k8s.io
    kind: MutatingWebhookConfiguration
    jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle']`,
  CustomResourceDefinition: `  - group: apiextensions.k8s.io
    kind: CustomResourceDefinition
    jsonPointers: [/spec/conversion/webhook/clientConfig/caBundle]`,
  ConfigMap: `  - kind: ConfigMap
    name: ${CA_CONFIGMAP}
    jsonPointers: [/data]`,
};

/** The ignoreDifferences of an Argo CD Application for these kinds (ConfigMap: antrea-ca), as lines. */
export function argoIgnoreDifferences(kinds: readonly string[]): string[] {
  const entries = [...new Set(kinds)].flatMap((kind) => (IGNORE[kind] ? [IGNORE[kind]] : []));
  return ['spec:', '  ignoreDifferences:', ...entries].join('\n').split('\n');
}
