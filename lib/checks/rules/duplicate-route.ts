import type { ICheck } from '../check';
import type { CheckContext } from '../context';
import type { Problem } from '../finding';
import { problem } from '../finding';
import type { ManifestObject } from '../objects';
import { annotation, compare, namespaceOf, refOf } from '../objects';

interface RouteKey {
  readonly key: string;
  /** For messages: `host path (type)`. */
  readonly text: string;
  readonly object: ManifestObject;
  readonly field: string;
}

/** Prefix paths `/foo` and `/foo/` match the same requests. */
function normalizePrefix(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
}

/** One key per host and path of each Ingress rule and each HTTPRoute match on each parent. */
function routeKeys(ctx: CheckContext): RouteKey[] {
  const out: RouteKey[] = [];
  for (const rule of ctx.routes) {
    if (rule.kind === 'Ingress') {
      // An nginx canary Ingress repeats the host and path of its main Ingress on purpose.
      if (annotation(rule.object, 'nginx.ingress.kubernetes.io/canary') === 'true') continue;
      const cls = rule.className ?? '';
      const host = rule.hosts[0] ?? '';
      for (const m of rule.matches) {
        if (m.path === undefined) continue; // the default backend
        const path = m.pathType === 'Prefix' ? normalizePrefix(m.path || '/') : m.path;
        out.push({
          key: `ingress\u0000${cls}\u0000${host}\u0000${m.pathType}\u0000${path}`,
          text: `host ${host || '*'} path ${m.path} (${m.pathType}${cls ? `, class ${cls}` : ''})`,
          object: rule.object,
          field: m.field,
        });
      }
      continue;
    }
    const parents = rule.parents.map((p) => `${p.namespace}/${p.name}${p.sectionName ? `#${p.sectionName}` : ''}${p.port ? `:${p.port}` : ''}`);
    const hosts = rule.hosts.length ? rule.hosts : [''];
    for (const m of rule.matches) {
      // Header, query and method matches make two rules on the same path distinct.
      if (m.headers || m.queryParams || m.method) continue;
      const path = m.pathType === 'PathPrefix' ? normalizePrefix(m.path!) : m.path!;
      for (const parent of parents) {
        for (const host of hosts) {
          out.push({
            key: `httproute\u0000${parent}\u0000${host}\u0000${m.pathType}\u0000${path}`,
            text: `host ${host || '*'} path ${m.path} (${m.pathType}, parent ${parent})`,
            object: rule.object,
            field: m.field,
          });
        }
      }
    }
  }
  return out;
}

/** The same host and path routed twice, across the app's Ingresses (or HTTPRoutes on one parent). */
export const duplicateRoute: ICheck = {
  name: 'duplicate-route',
  severity: 'error',
  description: 'A host and path (and path type) must be routed once per ingress class (or per Gateway listener): the controller would pick one of ' +
    'the duplicates silently. nginx canary Ingresses are exempt.',
  equivalents: ['kube-score ingress (duplicate paths)', 'ingress-nginx admission webhook (host/path conflicts)'],
  run(ctx) {
    const out: Problem[] = [];
    const byKey = new Map<string, RouteKey[]>();
    for (const k of routeKeys(ctx)) {
      const list = byKey.get(k.key);
      if (list) list.push(k);
      else byKey.set(k.key, [k]);
    }
    for (const list of byKey.values()) {
      if (list.length < 2) continue;
      const sorted = [...list].sort((a, b) => compare(a.object.path, b.object.path) || compare(a.field, b.field));
      const [first, ...rest] = sorted;
      for (const dup of rest) {
        const same = dup.object === first.object;
        out.push(problem(refOf(dup.object), dup.field, dup.text,
          `${same ? `it repeats ${first.field} of the same object` : `${describeRoute(first.object)} routes it already`}; `
            + 'the controller serves only one of them',
          'route each host and path once: remove one route or change its host or path',
          same ? [] : [refOf(first.object)]));
      }
    }
    return out;
  },
};

function describeRoute(route: ManifestObject): string {
  return `${refOf(route).kind} ${namespaceOf(route)}/${refOf(route).name} (${route.path})`;
}
