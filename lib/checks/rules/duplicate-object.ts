import { apiGroupOf } from '../../evaluator/workloads';
import type { ICheck } from '../check';
import type { Problem} from '../finding';
import { problem } from '../finding';
import type { ManifestObject} from '../objects';
import { compare, refOf } from '../objects';
import { scopeReader } from '../scope';


/**
 * Two objects with the same kind (and API group), namespace and name: at apply one silently
 * replaces the other (a plain Namespace next to a ZeroTrustNamespace loses its Pod Security labels,
 * a plain Service next to a WebApp's loses its selector).
 */
export const duplicateObject: ICheck = {
  name: 'duplicate-object',
  severity: 'error',
  description: 'No two objects of the app may have the same kind, namespace and name: the one applied last replaces the other.',
  equivalents: ['kustomize ("may not add resource with an already registered id")'],
  run(ctx) {
    const byKey = new Map<string, ManifestObject[]>();
    const scopeOf = scopeReader(ctx.objects);
    for (const obj of ctx.objects) {
      const kind = String(obj.json?.kind ?? '');
      const name = obj.json?.metadata?.name;
      if (!kind || typeof name !== 'string') continue;
      // A kind of unknown scope is keyed as namespaced: two objects in different namespaces are told apart.
      const ns = scopeOf(obj) === 'Cluster' ? '' : String(obj.json?.metadata?.namespace || 'default');
      const key = `${apiGroupOf(obj.json?.apiVersion) ?? ''}|${kind}|${ns}|${name}`;
      const list = byKey.get(key) ?? [];
      list.push(obj);
      byKey.set(key, list);
    }
    const out: Problem[] = [];
    for (const list of byKey.values()) {
      if (list.length < 2) continue;
      const [first, ...rest] = [...list].sort((a, b) => compare(a.path, b.path));
      for (const dup of rest) {
        out.push(problem(refOf(dup), 'metadata.name', refOf(dup).name,
          `the app already has this ${refOf(dup).kind} at ${first.path}; `
            + 'two objects with the same kind, namespace and name replace each other at apply',
          `remove one of them (${first.path} or ${dup.path}), or rename one`, [refOf(first)]));
      }
    }
    return out;
  },
};
