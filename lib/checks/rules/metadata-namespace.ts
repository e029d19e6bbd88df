import type { ICheck } from '../check';
import type { Problem } from '../finding';
import { problem } from '../finding';
import { CLUSTER_SCOPED_KINDS, refOf } from '../objects';

/** A namespaced object without `metadata.namespace`. */
export const metadataNamespace: ICheck = {
  name: 'metadata-namespace',
  severity: 'error',
  description: 'Every namespaced object must set metadata.namespace; otherwise it lands in whatever namespace kubectl or Argo CD defaults to, and ' +
    'selectors and policies written for it miss.',
  equivalents: ['Checkov CKV_K8S_21', 'kube-linter use-namespace'],
  run(ctx) {
    const clusterScopedCustomKinds = new Set(ctx.ofKind('CustomResourceDefinition')
      .filter((crd) => crd.json?.spec?.scope === 'Cluster')
      .map((crd) => String(crd.json?.spec?.names?.kind)));
    const out: Problem[] = [];
    for (const obj of ctx.objects) {
      const kind = String(obj.json?.kind ?? '');
      if (CLUSTER_SCOPED_KINDS.has(kind) || kind.startsWith('Cluster') || clusterScopedCustomKinds.has(kind)) continue;
      const ns = obj.json?.metadata?.namespace;
      if (typeof ns === 'string' && ns !== '') continue;
      out.push(problem(refOf(obj), 'metadata.namespace', ns,
        `a ${kind} is namespaced and must name its namespace`,
        'set the namespace on the object, or on its Chart (new Chart(app, id, { namespace })); WebApp and the other constructs of this library ' +
          'take a namespace prop'));
    }
    return out;
  },
};
