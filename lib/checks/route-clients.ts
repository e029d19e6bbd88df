/**
 * `route-backend-unreachable`: an Ingress or HTTPRoute sends requests to a Service whose pods sit in
 * a zero-trust namespace, and nothing outside that namespace may connect to them on the port the
 * Service forwards to. The controller serving the route (ingress-nginx, a Gateway's proxy) runs in
 * a namespace of its own, so the route is dead. An `ApiGateway` declares its controller's flow; a
 * route written by hand needs the flow declared.
 */
import type { ReachabilityEdge } from '../evaluator';
import { getOrCreate } from '../evaluator/util';
import type { CheckContext } from './context';
import type { GroupInfo } from './group-info';
import { groupsByObject, selectedGroups } from './group-info';
import type { Finding } from './finding';
import { problem } from './finding';
import type { ManifestObject } from './objects';
import { refOf } from './objects';
import { backendRefs } from './rules/ingress-targets-service';
import type { NetworkView } from './verify';

/** Check name of a route whose backend pods admit no connection from outside their zero-trust namespace. */
export const ROUTE_BACKEND_UNREACHABLE = 'route-backend-unreachable';

/** The container port a Service port forwards to on a group's pods, if it can be told. */
function targetPort(servicePort: any, group: GroupInfo): number | undefined {
  const target = servicePort?.targetPort ?? servicePort?.port;
  if (typeof target === 'number') return target;
  return group.group.ports?.find((p) => p.name === target && (p.protocol ?? 'TCP') === 'TCP')?.containerPort;
}

/** The Service port a backend reference names (by number or name), or its only port. */
function servicePortOf(svc: ManifestObject, port: number | string | undefined): any {
  const ports: any[] = svc.json?.spec?.ports ?? [];
  if (port === undefined) return ports.length === 1 ? ports[0] : undefined;
  return ports.find((p) => (typeof port === 'number' ? p?.port === port : p?.name === port));
}

/** The check: every routed Service in a zero-trust namespace admits someone from outside the namespace on its target port. */
export function routeBackendClients(context: CheckContext, view: NetworkView, zeroTrust: ReadonlySet<string>): Finding[] {
  const out: Finding[] = [];
  const byObject = groupsByObject(view.groups);
  const reported = new Set<string>();
  const byGroup = new Map<string, ReachabilityEdge[]>();
  for (const e of view.edges) getOrCreate(byGroup, e.to, () => []).push(e);
  const namespaceOfId = (id: string) => view.groupById.get(id)?.group.namespace;
  for (const ref of backendRefs(context)) {
    if (!zeroTrust.has(ref.namespace)) continue;
    const svc = context.service(ref.namespace, ref.name);
    const selector = svc?.json?.spec?.selector;
    if (!svc || !selector || Object.keys(selector).length === 0) continue;
    const servicePort = servicePortOf(svc, ref.port);
    if (!servicePort || (servicePort.protocol ?? 'TCP') !== 'TCP') continue;
    const groups = selectedGroups(context.selectTemplatesByLabels(ref.namespace, selector), byObject);
    const route = refOf(ref.route);
    for (const g of groups) {
      const port = targetPort(servicePort, g);
      const key = `${route.path} ${g.group.id} ${port}`;
      if (port === undefined || reported.has(key)) continue;
      const admitted = (byGroup.get(g.group.id) ?? []).some((e) => namespaceOfId(e.from) !== ref.namespace
        && e.ports.some((r) => r.protocol === 'TCP' && r.from <= port && port <= r.to));
      if (admitted) continue;
      reported.add(key);
      out.push({
        ...problem(route, `${ref.field}.name`, ref.name,
          `its pods (${g.group.id}) are in zero-trust namespace "${ref.namespace}" and admit no connection from outside it on TCP ${port}, `
            + 'so the controller serving this route, which runs in a namespace of its own, cannot reach them and the route fails',
          `declare the controller's flow, e.g. allowIngressFrom(Peer.pods({ namespace: 'ingress-nginx', labels: `
            + `{ 'app.kubernetes.io/name': 'ingress-nginx' } }), Port.tcp(${port})) on the app ${g.name}, or route through an ApiGateway, `
            + 'which declares it', [refOf(svc), refOf(g.object!)]),
        check: ROUTE_BACKEND_UNREACHABLE,
        severity: 'warning',
      });
    }
  }
  return out;
}
