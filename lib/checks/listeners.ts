/**
 * Which listeners of a Gateway an HTTPRoute attaches to, read from the Gateway when the app has it,
 * and from that whether each host of the route is served with TLS. Gateway API
 * (`apis/v1/shared_types.go` ParentReference, `apis/v1/gateway_types.go` Listener and
 * AllowedRoutes, `apis/v1/httproute_types.go` Hostnames):
 *
 * - an empty `sectionName` references the whole Gateway, a set one the listener of that name;
 *   `port` narrows to the listeners on that port (both set: both must match);
 * - a listener takes the route only if its `allowedRoutes` admit the route's namespace
 *   (`from: Same`, the default; `All`; `Selector` on the namespace's labels) and kind (the
 *   protocol's Route kinds unless `kinds` lists them: HTTP and HTTPS take HTTPRoutes, TLS, TCP and
 *   UDP do not), and its `hostname`, when set, intersects one of the route's (wildcards are a
 *   suffix match: `*.example.com` takes `a.example.com` and `a.b.example.com`, not `example.com`);
 * - the route is attached if one listener takes it, detached if none does.
 *
 * TLS terminates on the listener: a host attached to an `HTTPS` listener only is served with TLS.
 * A host attached to a plain `HTTP` listener is served without TLS, even when an HTTP->HTTPS
 * redirect route (the `ApiGateway`'s) sits on that listener for the same host: across routes the
 * more precise hostname, then the more precise match (Exact, longest prefix, method, headers,
 * query parameters) wins, and a redirect that matches every request the route matches (`PathPrefix /`)
 * is never more precise than it; on a tie the oldest route wins, which the manifests do not say.
 */
import type { Labels } from '../evaluator/selector';
import { matchesSelector, parseSelector } from '../evaluator/selector';
import type { CheckContext } from './context';
import type { ManifestObject } from './objects';
import { namespaceOf } from './objects';
import type { RouteParent } from './routes';

/** The label the API server puts on every namespace, with its name. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/**
 * One listener of a Gateway the app has.
 * @jsii ignore
 */
export interface GatewayListener {
  /** The Gateway, `namespace/name`. */
  readonly gateway: string;
  readonly name: string;
  readonly port?: number;
  readonly protocol: string;
  /** The listener's hostname; undefined for every host. */
  readonly hostname?: string;
  /** The first certificate Secret of an HTTPS listener. */
  readonly secret?: string;
  /** The raw `allowedRoutes`. */
  readonly allowedRoutes?: any;
}

/**
 * Whether a listener takes a route: `yes`, `no` with why, or `unknown` with why.
 * @jsii ignore
 */
export type ListenerVerdict = { readonly takes: 'yes' } | { readonly takes: 'no' | 'unknown'; readonly why: string };

/** `production/public#http (HTTP 80)`. */
export function describeListener(l: GatewayListener): string {
  return `${l.gateway}#${l.name} (${l.protocol}${l.port !== undefined ? ` ${l.port}` : ''})`;
}

/** The listeners of a Gateway object. */
export function listenersOf(gateway: ManifestObject): GatewayListener[] {
  const id = `${namespaceOf(gateway)}/${gateway.json?.metadata?.name}`;
  return (gateway.json?.spec?.listeners ?? []).map((l: any) => {
    const secret = l?.tls?.certificateRefs?.[0]?.name;
    return {
      gateway: id,
      name: String(l?.name),
      ...(typeof l?.port === 'number' ? { port: l.port } : {}),
      protocol: String(l?.protocol ?? ''),
      ...(l?.hostname ? { hostname: String(l.hostname) } : {}),
      ...(secret ? { secret: String(secret) } : {}),
      ...(l?.allowedRoutes ? { allowedRoutes: l.allowedRoutes } : {}),
    };
  });
}

/**
 * Whether a route hostname and a listener hostname intersect (Gateway API: a wildcard is a suffix
 * match of one label or more). Two wildcards intersect when one's suffix ends with the other's.
 */
export function hostnamesIntersect(listener: string, route: string): boolean {
  const suffix = (h: string) => h.slice(1); // `*.example.com` -> `.example.com`
  const lw = listener.startsWith('*.');
  const rw = route.startsWith('*.');
  if (!lw && !rw) return listener === route;
  if (lw && !rw) return route.endsWith(suffix(listener));
  if (!lw && rw) return listener.endsWith(suffix(route));
  return suffix(route).endsWith(suffix(listener)) || suffix(listener).endsWith(suffix(route));
}

/** The labels a namespace is known to carry, and whether they are all of them (its Namespace is in the app). */
function namespaceLabels(ctx: CheckContext, namespace: string): { labels: Labels; complete: boolean } {
  const ns = ctx.ofKind('Namespace').find((n) => n.json?.metadata?.name === namespace);
  const own: Record<string, string> = {};
  for (const [k, v] of Object.entries(ns?.json?.metadata?.labels ?? {})) own[k] = String(v);
  return { labels: { ...own, [NAMESPACE_NAME_LABEL]: namespace }, complete: ns !== undefined };
}

/** Why a listener's `allowedRoutes` refuse routes of `namespace`, `unknown:` when the labels to decide are not known. */
function namespaceRefusal(ctx: CheckContext, l: GatewayListener, namespace: string): ListenerVerdict {
  const gatewayNamespace = l.gateway.split('/')[0];
  const from = l.allowedRoutes?.namespaces?.from ?? 'Same';
  if (from === 'All') return { takes: 'yes' };
  if (from === 'Same') {
    return namespace === gatewayNamespace ? { takes: 'yes' } : { takes: 'no', why: `it takes routes from namespace ${gatewayNamespace} only` };
  }
  if (from !== 'Selector') return { takes: 'unknown', why: `its allowedRoutes.namespaces.from ${JSON.stringify(from)} is not Same, All or Selector` };
  let selector;
  try {
    selector = parseSelector(l.allowedRoutes?.namespaces?.selector ?? {}, 'allowedRoutes.namespaces.selector');
  } catch {
    return { takes: 'unknown', why: 'its allowedRoutes.namespaces.selector cannot be read' };
  }
  const { labels, complete } = namespaceLabels(ctx, namespace);
  const keys = [...selector.matchLabels.map(([k]) => k), ...selector.matchExpressions.map((r) => r.key)];
  if (!complete && keys.some((k) => k !== NAMESPACE_NAME_LABEL)) {
    const why = `its allowedRoutes.namespaces.selector names labels of namespace ${namespace}, whose Namespace is not in the app`;
    return { takes: 'unknown', why };
  }
  return matchesSelector(selector, labels)
    ? { takes: 'yes' } : { takes: 'no', why: `its allowedRoutes.namespaces.selector does not select namespace ${namespace}` };
}

/**
 * Whether listener `l` takes an HTTPRoute of `namespace` through `parent`, for `hosts` (the route's
 * hostnames, or one of them; empty: every host).
 */
export function listenerVerdict(
  ctx: CheckContext, l: GatewayListener, parent: RouteParent, namespace: string, hosts: readonly string[],
): ListenerVerdict {
  if (parent.sectionName !== undefined && parent.sectionName !== l.name) return { takes: 'no', why: `sectionName is ${parent.sectionName}` };
  const port = `it listens on port ${l.port ?? '(none)'}, not ${parent.port}`;
  if (parent.port !== undefined && parent.port !== l.port) return { takes: 'no', why: port };
  const kinds: any[] = l.allowedRoutes?.kinds ?? [];
  if (kinds.length > 0) {
    if (!kinds.some((k) => (k?.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && k?.kind === 'HTTPRoute')) {
      return { takes: 'no', why: 'its allowedRoutes.kinds do not list HTTPRoute' };
    }
  } else if (['TLS', 'TCP', 'UDP'].includes(l.protocol)) {
    return { takes: 'no', why: `protocol ${l.protocol} takes no HTTPRoute` };
  }
  if (l.protocol !== 'HTTP' && l.protocol !== 'HTTPS') {
    return { takes: 'unknown', why: `its protocol ${JSON.stringify(l.protocol)} is the implementation's` };
  }
  const ns = namespaceRefusal(ctx, l, namespace);
  if (ns.takes !== 'yes') return ns;
  if (l.hostname !== undefined && hosts.length > 0 && !hosts.some((h) => hostnamesIntersect(l.hostname!, h))) {
    return { takes: 'no', why: `its hostname ${l.hostname} does not intersect ${hosts.join(', ')}` };
  }
  return { takes: 'yes' };
}

/**
 * The TLS of one host of an HTTPRoute (or of every host, `undefined`).
 * @jsii ignore
 */
export interface RouteTls {
  readonly tls: 'on' | 'off' | 'unknown';
  /** The certificate Secret of the first HTTPS listener, when on. */
  readonly secret?: string;
  /** Why: the plain-HTTP listeners when off, what the library cannot see when unknown. */
  readonly note?: string;
}

/** The Gateways of the app, by `namespace/name`. */
export function gatewaysOf(ctx: CheckContext): Map<string, ManifestObject> {
  return new Map(ctx.ofKind('Gateway').filter((g) => String(g.json?.apiVersion ?? '').startsWith(`${GATEWAY_GROUP}/`))
    .map((g) => [`${namespaceOf(g)}/${g.json?.metadata?.name}`, g]));
}

/**
 * Whether `host` of an HTTPRoute of `namespace` with `parents` is served with TLS: `off` as soon as
 * one listener serving it is plain HTTP, `on` when every one is HTTPS, else `unknown` (a Gateway not
 * in the app, a listener whose admission the app does not say, or no listener at all, which the
 * `route-not-attached` check reports).
 */
export function routeTls(ctx: CheckContext, gateways: ReadonlyMap<string, ManifestObject>, namespace: string, parents: readonly RouteParent[],
  host: string | undefined): RouteTls {
  const plain: GatewayListener[] = [];
  const secure: GatewayListener[] = [];
  const unknown: string[] = [];
  for (const p of parents) {
    const id = `${p.namespace}/${p.name}`;
    if (p.kind !== undefined) {
      unknown.push(`its parent ${id} is a ${p.kind}, not a Gateway`);
      continue;
    }
    const gateway = gateways.get(id);
    if (!gateway) {
      unknown.push(`Gateway ${id} is not in the app, so the library cannot see its listeners`);
      continue;
    }
    for (const l of listenersOf(gateway)) {
      const v = listenerVerdict(ctx, l, p, namespace, host === undefined ? [] : [host]);
      if (v.takes === 'unknown') unknown.push(`whether listener ${describeListener(l)} takes it is unknown: ${v.why}`);
      else if (v.takes === 'yes') (l.protocol === 'HTTP' ? plain : secure).push(l);
    }
  }
  const served = `served by the plain-HTTP listener${plain.length > 1 ? 's' : ''} ${plain.map(describeListener).join(', ')}`;
  if (plain.length > 0) return { tls: 'off', note: served };
  if (unknown.length > 0) return { tls: 'unknown', note: unknown.join('; ') };
  if (secure.length === 0) return { tls: 'unknown', note: 'no listener of its Gateways takes it' };
  return { tls: 'on', ...(secure[0].secret ? { secret: secure[0].secret } : {}) };
}
