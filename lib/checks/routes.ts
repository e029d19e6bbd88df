/**
 * The app's routes into the cluster, read once from its Ingresses and HTTPRoutes into one
 * normalised list: the route checks and the network report share it instead of each parsing the
 * two kinds. Plain JSON in, plain data out; what is missing keeps the API server's defaults
 * (Ingress `pathType` ImplementationSpecific, HTTPRoute match `PathPrefix /`).
 */
import type { ManifestObject } from './objects';
import { annotation, namespaceOf } from './objects';

/**
 * One Service (or Ingress `resource`) a route sends requests to.
 * @jsii ignore
 */
export interface RouteBackend {
  /** Where the reference is: `spec.rules[0].http.paths[1].backend.service`, `spec.rules[0].backendRefs[0]`. */
  readonly field: string;
  /** `Service`, or `resource` for an Ingress resource backend. */
  readonly kind: 'Service' | 'resource';
  /** The Service's namespace: the route's, unless a backendRef names another. */
  readonly namespace: string;
  /** The Service (or resource) name, when the reference has one. */
  readonly name?: string;
  /** The Service port, a number or a port name, when the reference has one. */
  readonly port?: number | string;
  /** The kind of an Ingress resource backend. */
  readonly resourceKind?: string;
}

/**
 * One path match of a route rule.
 * @jsii ignore
 */
export interface RouteMatch {
  /** Where it is: `spec.rules[0].http.paths[1]`, `spec.rules[0].matches[0]`, or `spec.defaultBackend`. */
  readonly field: string;
  /** The path as written; undefined for an Ingress default backend. */
  readonly path?: string;
  /** Ingress `Prefix`, `Exact`, `ImplementationSpecific`; HTTPRoute `PathPrefix`, `Exact`, `RegularExpression`. */
  readonly pathType: string;
  /** An HTTPRoute method match. */
  readonly method?: string;
  /** Whether an HTTPRoute match also needs headers. */
  readonly headers: boolean;
  /** Whether an HTTPRoute match also needs query parameters. */
  readonly queryParams: boolean;
  /** Where matching requests go. */
  readonly backends: readonly RouteBackend[];
}

/**
 * A Gateway an HTTPRoute attaches to.
 * @jsii ignore
 */
export interface RouteParent {
  /** Where the reference is: `spec.parentRefs[0]`. */
  readonly field: string;
  /** The referent's kind, when not a Gateway (`Service` for a mesh route). */
  readonly kind?: string;
  readonly namespace: string;
  readonly name: string;
  readonly sectionName?: string;
  readonly port?: number;
}

/**
 * One rule of an Ingress (or its default backend) or of an HTTPRoute.
 * @jsii ignore
 */
export interface RouteRule {
  /** The Ingress or HTTPRoute. */
  readonly object: ManifestObject;
  readonly kind: 'Ingress' | 'HTTPRoute';
  /** The route's namespace. */
  readonly namespace: string;
  /** Where the rule is: `spec.rules[0]`, or `spec.defaultBackend`. */
  readonly field: string;
  /** The hosts it serves; empty for any host. */
  readonly hosts: readonly string[];
  /** The ingress class (`spec.ingressClassName`, else the legacy annotation); Ingress only. */
  readonly className?: string;
  /** The Gateways it attaches to; HTTPRoute only. */
  readonly parents: readonly RouteParent[];
  /** Its path matches, in order. */
  readonly matches: readonly RouteMatch[];
  /** Every backend of the rule, in order (for an HTTPRoute, shared by its matches). */
  readonly backends: readonly RouteBackend[];
  /** An HTTPRoute RequestRedirect filter: the rule answers with a redirect instead of a backend. */
  readonly redirect?: { readonly scheme?: string; readonly hostname?: string; readonly port?: number };
}

/** Every rule of the Ingresses, then of the HTTPRoutes, in the order of the objects. */
export function routeRules(ingresses: readonly ManifestObject[], httpRoutes: readonly ManifestObject[]): RouteRule[] {
  return [...ingresses.flatMap(ingressRules), ...httpRoutes.flatMap(httpRouteRules)];
}

function ingressBackend(backend: any, field: string, namespace: string): RouteBackend {
  const svc = backend?.service;
  if (svc) {
    const port = svc.port?.number ?? svc.port?.name;
    return {
      field: `${field}.service`, kind: 'Service', namespace,
      ...(svc.name ? { name: String(svc.name) } : {}), ...(port !== undefined ? { port } : {}),
    };
  }
  const res = backend?.resource;
  return {
    field: `${field}.resource`, kind: 'resource', namespace,
    ...(res?.name ? { name: String(res.name) } : {}), ...(res?.kind ? { resourceKind: String(res.kind) } : {}),
  };
}

function ingressRules(ing: ManifestObject): RouteRule[] {
  const namespace = namespaceOf(ing);
  const spec = ing.json?.spec ?? {};
  const cls = spec.ingressClassName ?? annotation(ing, 'kubernetes.io/ingress.class');
  const base = { object: ing, kind: 'Ingress' as const, namespace, ...(cls !== undefined ? { className: String(cls) } : {}), parents: [] };
  const out: RouteRule[] = [];
  if (spec.defaultBackend) {
    const backends = [ingressBackend(spec.defaultBackend, 'spec.defaultBackend', namespace)];
    const match: RouteMatch = { field: 'spec.defaultBackend', pathType: 'ImplementationSpecific', headers: false, queryParams: false, backends };
    out.push({ ...base, field: 'spec.defaultBackend', hosts: [], matches: [match], backends });
  }
  (spec.rules ?? []).forEach((rule: any, r: number) => {
    const field = `spec.rules[${r}]`;
    const matches: RouteMatch[] = (rule?.http?.paths ?? []).map((p: any, i: number) => ({
      field: `${field}.http.paths[${i}]`,
      path: String(p?.path ?? ''),
      pathType: String(p?.pathType ?? 'ImplementationSpecific'),
      headers: false,
      queryParams: false,
      backends: [ingressBackend(p?.backend, `${field}.http.paths[${i}].backend`, namespace)],
    }));
    const host = rule?.host;
    out.push({ ...base, field, hosts: typeof host === 'string' && host !== '' ? [host] : [], matches, backends: matches.flatMap((m) => m.backends) });
  });
  return out;
}

/** The parents an HTTPRoute names (`spec.parentRefs`), with the API's defaults: a Gateway in the route's namespace. */
export function routeParents(route: ManifestObject): RouteParent[] {
  const namespace = namespaceOf(route);
  return (route.json?.spec?.parentRefs ?? []).map((p: any, i: number) => {
    const gateway = (p?.group ?? 'gateway.networking.k8s.io') === 'gateway.networking.k8s.io' && (p?.kind ?? 'Gateway') === 'Gateway';
    return {
      field: `spec.parentRefs[${i}]`,
      ...(gateway ? {} : { kind: String(p?.kind ?? 'Gateway') }),
      namespace: String(p?.namespace ?? namespace),
      name: String(p?.name),
      ...(p?.sectionName ? { sectionName: String(p.sectionName) } : {}),
      ...(p?.port ? { port: p.port } : {}),
    };
  });
}

function httpRouteRules(route: ManifestObject): RouteRule[] {
  const namespace = namespaceOf(route);
  const spec = route.json?.spec ?? {};
  const parents = routeParents(route);
  const hosts: string[] = (spec.hostnames ?? []).map(String);
  return (spec.rules ?? []).map((rule: any, r: number): RouteRule => {
    const field = `spec.rules[${r}]`;
    const backends: RouteBackend[] = [];
    (rule?.backendRefs ?? []).forEach((ref: any, i: number) => {
      if ((ref?.group ?? '') !== '' || (ref?.kind ?? 'Service') !== 'Service') return;
      backends.push({
        field: `${field}.backendRefs[${i}]`, kind: 'Service', namespace: String(ref?.namespace ?? namespace),
        ...(ref?.name ? { name: String(ref.name) } : {}), ...(ref?.port !== undefined ? { port: ref.port } : {}),
      });
    });
    // A rule without matches matches every path: PathPrefix "/".
    const raw: any[] = rule?.matches?.length ? rule.matches : [{}];
    const matches: RouteMatch[] = raw.map((m, i) => ({
      field: `${field}.matches[${i}]`,
      path: String(m?.path?.value ?? '/'),
      pathType: String(m?.path?.type ?? 'PathPrefix'),
      ...(m?.method ? { method: String(m.method) } : {}),
      headers: Boolean(m?.headers?.length),
      queryParams: Boolean(m?.queryParams?.length),
      backends,
    }));
    const redirect = (rule?.filters ?? []).find((f: any) => f?.type === 'RequestRedirect')?.requestRedirect;
    return { object: route, kind: 'HTTPRoute', namespace, field, hosts, parents, matches, backends, ...(redirect ? { redirect } : {}) };
  });
}

/** Whether a TLS host (maybe `*.example.com`) covers a rule host, with Ingress wildcard semantics. */
export function tlsHostCovers(tlsHost: string, host: string): boolean {
  if (tlsHost === host) return true;
  if (!tlsHost.startsWith('*.')) return false;
  const dot = host.indexOf('.');
  // `*` is exactly one label: *.foo.com covers bar.foo.com, not foo.com nor a.bar.foo.com.
  return dot > 0 && host.slice(dot + 1) === tlsHost.slice(2) && !host.startsWith('*.');
}
