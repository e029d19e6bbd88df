import type { IngressRewrite } from './controllers/controller';
import type { BoundTls } from './tls';
import type { ResolvedBackend } from './backend';
import { PathType } from './rules';

/**
 * Pure rendering of a gateway's routes into Ingress and Gateway API specs. Everything with no
 * meaningful order (hosts, routes of a host, Services of a ReferenceGrant) is sorted, so the output
 * does not depend on the order of `addRoute` calls.
 */

/** A validated route. @internal */
export interface Route {
  readonly host: string;
  readonly path: string;
  readonly pathType: PathType;
  readonly backend: ResolvedBackend;
  readonly rewriteTarget?: string;
  /** Where it was declared (`addRoute`, `routes[2]`), for errors. */
  readonly field: string;
}

const TYPE_ORDER: Record<PathType, number> = { [PathType.EXACT]: 0, [PathType.PREFIX]: 1, [PathType.IMPLEMENTATION_SPECIFIC]: 2 };

/** Most specific first: longest path, then Exact before Prefix, then by text. @internal */
export function compareRoutes(a: Route, b: Route): number {
  return b.path.length - a.path.length || TYPE_ORDER[a.pathType] - TYPE_ORDER[b.pathType] || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

/** The hosts of the routes, sorted and unique. @internal */
export function hostsOf(routes: readonly Route[]): string[] {
  return [...new Set(routes.map((r) => r.host))].sort();
}

/** A host as a name fragment: `*.example.com` -> `wildcard.example.com`. @internal */
export function hostFragment(host: string): string {
  return host.replace(/^\*/, 'wildcard');
}

/** The Ingress spec. @internal */
export function ingressSpec(
  className: string, routes: readonly Route[], tls: BoundTls, rewrite: IngressRewrite | undefined,
): Record<string, unknown> {
  const hosts = hostsOf(routes);
  return {
    ingressClassName: className,
    rules: hosts.map((host) => ({
      host,
      http: {
        paths: routes.filter((r) => r.host === host).sort(compareRoutes).map((r) => {
          const p = r.rewriteTarget !== undefined && rewrite ? rewrite.path(r.path, r.pathType) : { path: r.path, pathType: r.pathType };
          return {
            path: p.path,
            pathType: p.pathType,
            backend: {
              service: {
                name: r.backend.serviceName,
                port: typeof r.backend.port === 'number' ? { number: r.backend.port } : { name: r.backend.port },
              },
            },
          };
        }),
      },
    })),
    ...(tls.mode === 'none' ? {} : { tls: [{ hosts, ...(tls.secretName ? { secretName: tls.secretName } : {}) }] }),
  };
}

/** One HTTPRoute rule: the routes that share a backend and need no filter, or one rewritten route. */
interface RuleGroup {
  readonly routes: Route[];
}

/** The most matches one HTTPRoute rule may have (Gateway API `maxItems`). */
const MAX_RULE_MATCHES = 8;

/**
 * Groups a host's routes into HTTPRoute rules: routes to the same backend without a rewrite share a
 * rule (one match each, a new rule every 8 matches: the API's limit); a rewritten route has its own
 * rule, since `ReplacePrefixMatch` needs exactly one `PathPrefix` match. Splitting a rule changes
 * nothing: Gateway API ranks matches by path across the rules of a route. @internal
 */
export function ruleGroups(routes: readonly Route[]): RuleGroup[] {
  const groups = new Map<string, RuleGroup[]>();
  for (const r of [...routes].sort(compareRoutes)) {
    const key = r.rewriteTarget !== undefined ? `rewrite:${r.pathType}:${r.path}` : `backend:${r.backend.key}`;
    if (!groups.has(key)) groups.set(key, [{ routes: [] }]);
    const chunks = groups.get(key)!;
    if (chunks[chunks.length - 1].routes.length === MAX_RULE_MATCHES) chunks.push({ routes: [] });
    chunks[chunks.length - 1].routes.push(r);
  }
  // Map insertion order follows the sorted routes: the most specific rule first.
  return [...groups.values()].flat();
}

/** The HTTPRoute rules of one host. @internal */
export function httpRouteRules(routes: readonly Route[], routeNamespace: string): Record<string, unknown>[] {
  return ruleGroups(routes).map(({ routes: rs }) => {
    const b = rs[0].backend;
    const rewrite = rs[0].rewriteTarget;
    return {
      matches: rs.map((r) => ({ path: { type: r.pathType === PathType.EXACT ? 'Exact' : 'PathPrefix', value: r.path } })),
      ...(rewrite !== undefined ? {
        filters: [{
          type: 'URLRewrite',
          urlRewrite: {
            path: rs[0].pathType === PathType.EXACT
              ? { type: 'ReplaceFullPath', replaceFullPath: rewrite }
              : { type: 'ReplacePrefixMatch', replacePrefixMatch: rewrite },
          },
        }],
      } : {}),
      backendRefs: [{
        name: b.serviceName,
        ...(b.namespace !== routeNamespace ? { namespace: b.namespace } : {}),
        port: b.port as number,
      }],
    };
  });
}
