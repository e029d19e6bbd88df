import type { Check } from '../check';
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

function ingressKeys(ctx: CheckContext): RouteKey[] {
  const out: RouteKey[] = [];
  for (const ing of ctx.ofKind('Ingress')) {
    // An nginx canary Ingress repeats the host and path of its main Ingress on purpose.
    if (annotation(ing, 'nginx.ingress.kubernetes.io/canary') === 'true') continue;
    const cls = ing.json?.spec?.ingressClassName ?? annotation(ing, 'kubernetes.io/ingress.class') ?? '';
    (ing.json?.spec?.rules ?? []).forEach((rule: any, r: number) => {
      const host = rule?.host ?? '';
      (rule?.http?.paths ?? []).forEach((p: any, i: number) => {
        const type = p?.pathType ?? 'ImplementationSpecific';
        const path = type === 'Prefix' ? normalizePrefix(p?.path ?? '/') : (p?.path ?? '');
        out.push({
          key: `ingress\u0000${cls}\u0000${host}\u0000${type}\u0000${path}`,
          text: `host ${host || '*'} path ${p?.path ?? ''} (${type}${cls ? `, class ${cls}` : ''})`,
          object: ing,
          field: `spec.rules[${r}].http.paths[${i}]`,
        });
      });
    });
  }
  return out;
}

function httpRouteKeys(ctx: CheckContext): RouteKey[] {
  const out: RouteKey[] = [];
  for (const route of ctx.ofKind('HTTPRoute')) {
    const ns = namespaceOf(route);
    const parents = (route.json?.spec?.parentRefs ?? []).map((p: any) =>
      `${p?.namespace ?? ns}/${p?.name}${p?.sectionName ? `#${p.sectionName}` : ''}${p?.port ? `:${p.port}` : ''}`);
    const hosts: string[] = route.json?.spec?.hostnames?.length ? route.json.spec.hostnames : [''];
    (route.json?.spec?.rules ?? []).forEach((rule: any, r: number) => {
      const matches: any[] = rule?.matches?.length ? rule.matches : [{}];
      matches.forEach((m, i) => {
        // Header, query and method matches make two rules on the same path distinct.
        if (m?.headers?.length || m?.queryParams?.length || m?.method) return;
        const type = m?.path?.type ?? 'PathPrefix';
        const value = m?.path?.value ?? '/';
        const path = type === 'PathPrefix' ? normalizePrefix(value) : value;
        for (const parent of parents) {
          for (const host of hosts) {
            out.push({
              key: `httproute\u0000${parent}\u0000${host}\u0000${type}\u0000${path}`,
              text: `host ${host || '*'} path ${value} (${type}, parent ${parent})`,
              object: route,
              field: `spec.rules[${r}].matches[${i}]`,
            });
          }
        }
      });
    });
  }
  return out;
}

/** The same host and path routed twice, across the app's Ingresses (or HTTPRoutes on one parent). */
export const duplicateRoute: Check = {
  name: 'duplicate-route',
  severity: 'error',
  description: 'A host and path (and path type) must be routed once per ingress class (or per Gateway listener): the controller would pick one of ' +
    'the duplicates silently. nginx canary Ingresses are exempt.',
  equivalents: ['kube-score ingress (duplicate paths)', 'ingress-nginx admission webhook (host/path conflicts)'],
  run(ctx) {
    const out: Problem[] = [];
    const byKey = new Map<string, RouteKey[]>();
    for (const k of [...ingressKeys(ctx), ...httpRouteKeys(ctx)]) {
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
