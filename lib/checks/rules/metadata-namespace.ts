import type { ICheck } from '../check';
import type { CheckContext } from '../context';
import type { Problem } from '../finding';
import { problem } from '../finding';
import type { ManifestObject } from '../objects';
import { refOf } from '../objects';
import type { Scope } from '../scope';
import { scopeReader } from '../scope';

/** Name of the warning for an object without `metadata.namespace` whose kind's scope the library does not know. */
export const METADATA_NAMESPACE_UNVERIFIED = 'metadata-namespace-unverified';

/** The objects without `metadata.namespace`, with the scope of their kind (a List, which kubectl unwraps, is no object of the API). */
function withoutNamespace(ctx: CheckContext): { obj: ManifestObject; scope: Scope | undefined }[] {
  const scopeOf = scopeReader(ctx.objects);
  return ctx.objects.filter((obj) => {
    const ns = obj.json?.metadata?.namespace;
    const kind = String(obj.json?.kind ?? '');
    return !(typeof ns === 'string' && ns !== '') && !(kind === 'List' || (kind.endsWith('List') && Array.isArray(obj.json?.items)));
  }).map((obj) => ({ obj, scope: scopeOf(obj) }));
}

/** A namespaced object without `metadata.namespace`. */
export const metadataNamespace: ICheck = {
  name: 'metadata-namespace',
  severity: 'error',
  description: 'Every namespaced object must set metadata.namespace; otherwise it lands in whatever namespace kubectl or Argo CD defaults to, and ' +
    'selectors and policies written for it miss.',
  equivalents: ['Checkov CKV_K8S_21', 'kube-linter use-namespace'],
  run(ctx) {
    const out: Problem[] = [];
    for (const { obj, scope } of withoutNamespace(ctx)) {
      if (scope !== 'Namespaced') continue;
      const kind = String(obj.json?.kind ?? '');
      out.push(problem(refOf(obj), 'metadata.namespace', obj.json?.metadata?.namespace,
        `a ${kind} is namespaced and must name its namespace`,
        'set the namespace on the object, or on its Chart (new Chart(app, id, { namespace })); WebApp and the other constructs of this library ' +
          'take a namespace prop'));
    }
    return out;
  },
};

/**
 * An object without `metadata.namespace` of a kind whose scope the library does not know (a custom
 * API's, with no CustomResourceDefinition in the app): if it is namespaced, it lands in the default
 * namespace or the Argo CD Application's, not where the user meant. The name says nothing: kinds
 * named `Cluster...` can be namespaced (CloudNativePG's and Cluster API's `Cluster`).
 */
export const metadataNamespaceUnverified: ICheck = {
  name: METADATA_NAMESPACE_UNVERIFIED,
  severity: 'warning',
  description: 'An object without metadata.namespace of a kind whose scope the library does not know (a custom API\'s, with no '
    + 'CustomResourceDefinition in the app) may be namespaced, and then lands in whatever namespace kubectl or Argo CD defaults to.',
  equivalents: ['kube-linter use-namespace (which judges every kind as namespaced)'],
  run(ctx) {
    const out: Problem[] = [];
    for (const { obj, scope } of withoutNamespace(ctx)) {
      if (scope !== undefined) continue;
      const kind = String(obj.json?.kind ?? '');
      const apiVersion = String(obj.json?.apiVersion ?? '');
      out.push(problem(refOf(obj), 'metadata.namespace', obj.json?.metadata?.namespace,
        `the library does not know whether a ${kind} of ${apiVersion} is namespaced (its CustomResourceDefinition is not in the app): if it is, `
          + 'kubectl puts it in the default namespace and Argo CD in its Application\'s destination namespace, not where its pods and '
          + 'policies are meant to be',
        `set the namespace on the object, or on its Chart (new Chart(app, id, { namespace })); if a ${kind} is cluster-scoped, accept it with `
          + 'the skip annotation'));
    }
    return out;
  },
};
