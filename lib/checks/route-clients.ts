/**
 * `route-backend-unreachable`: an Ingress or HTTPRoute sends requests to a Service whose pods sit in
 * a zero-trust namespace, and nothing outside that namespace may connect to them on the port the
 * Service forwards to. The controller serving the route (ingress-nginx, a Gateway's proxy) runs in
 * a namespace of its own, so the route is dead. An `ApiGateway` declares its controller's flow; a
 * route written by hand needs the flow declared. When the route is an `ApiGateway`'s, the gateway
 * declared the flow on the container port its backend gives (`Backend.service(..., { containerPort })`),
 * which is not the port the Service forwards to: the message says so, and the fix is that port.
 */
import type { ReachabilityEdge } from '../evaluator';
import { getOrCreate } from '../evaluator/util';
import type { CheckContext } from './context';
import type { DeclaredFlow, DeclaredPort } from './declared';
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

/** The TCP port numbers (or ranges) a declared port stands for on a group's pods; none for a name they do not have. */
function tcpRange(p: DeclaredPort, group: GroupInfo): [number, number] | undefined {
  if (p.protocol !== 'TCP') return undefined;
  if (typeof p.number === 'number') return [p.number, p.endPort ?? p.number];
  const n = group.group.ports?.find((c) => c.name === p.number && (c.protocol ?? 'TCP') === 'TCP')?.containerPort;
  return n === undefined ? undefined : [n, n];
}

/**
 * The flows an ApiGateway declared for route `routePath` (its objects sit under the gateway's
 * construct path) from its controller to the pods of `group`.
 */
function gatewayFlowsTo(flows: readonly DeclaredFlow[], routePath: string, namespace: string, group: GroupInfo): DeclaredFlow[] {
  return flows.filter((f) => f.kind === 'gateway' && f.to.namespace === namespace && f.to.podLabels !== undefined
    && Object.entries(f.to.podLabels).every(([k, v]) => group.group.labels[k] === v)
    && f.declaredBy.some((p) => routePath === p || routePath.startsWith(`${p}/`)));
}

/** A name or number as TypeScript source. */
const source = (v: string | number): string => (typeof v === 'number' ? String(v) : `'${v}'`);

/** A label map as TypeScript source: `{ app: 'api', 'app.kubernetes.io/name': 'api' }`. */
function labelsSource(labels: Readonly<Record<string, string>>): string {
  const entries = Object.entries(labels).map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : source(k)}: ${source(v)}`);
  return `{ ${entries.join(', ')} }`;
}

/** The check: every routed Service in a zero-trust namespace admits someone from outside the namespace on its target port. */
export function routeBackendClients(
  context: CheckContext, view: NetworkView, zeroTrust: ReadonlySet<string>, flows: readonly DeclaredFlow[] = [],
): Finding[] {
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
      const gateway = gatewayFlowsTo(flows, route.path, ref.namespace, g);
      const opened = gateway.flatMap((f) => f.ports.map((p) => tcpRange(p, g))).filter((r): r is [number, number] => r !== undefined);
      if (opened.length > 0 && !opened.some(([from, to]) => from <= port && port <= to)) {
        // An ApiGateway's route: the gateway opened the backend's containerPort, not the Service's target port.
        const shown = [...new Set(opened.map(([from, to]) => (from === to ? `TCP ${from}` : `TCP ${from}-${to}`)))].join(', ');
        const servicePortName = servicePort.name !== undefined ? `"${servicePort.name}" (${servicePort.port})` : String(servicePort.port);
        const declared = gateway[0];
        const backend = declared.to.workload === undefined
          ? `Backend.service(${source(ref.name)}, ${source(ref.port ?? servicePort.port)}, `
            + `{ podLabels: ${labelsSource(declared.to.podLabels!)}, containerPort: ${port} })`
          : `a backend whose containerPort is ${port}`;
        out.push({
          ...problem(route, `${ref.field}.name`, ref.name,
            `its pods (${g.group.id}) are in zero-trust namespace "${ref.namespace}" and admit no connection from outside it on TCP ${port}, `
              + `where Service port ${servicePortName} forwards; the ApiGateway ${declared.declaredBy.join(', ')} opened ${shown} to its `
              + 'controller instead, the containerPort its backend gives, so the controller cannot reach the pods and the route fails',
            `give the backend the container port Service port ${servicePortName} forwards to: ${backend}`, [refOf(svc), refOf(g.object!)]),
          check: ROUTE_BACKEND_UNREACHABLE,
          severity: 'warning',
        });
        continue;
      }
      out.push({
        ...problem(route, `${ref.field}.name`, ref.name,
          `its pods (${g.group.id}) are in zero-trust namespace "${ref.namespace}" and admit no connection from outside it on TCP ${port}, `
            + 'so the controller serving this route, which runs in a namespace of its own, cannot reach them and the route fails',
          `declare the controller's flow, e.g. allowIngressFrom(Peer.pods({ namespace: 'ingress-nginx', labels: `
            + `{ 'app.kubernetes.io/name': 'ingress-nginx' } }), Port.tcp(${port})) on the app ${g.name}`
            + (gateway.length > 0 ? '' : ', or route through an ApiGateway, which declares it'),
          [refOf(svc), refOf(g.object!)]),
        check: ROUTE_BACKEND_UNREACHABLE,
        severity: 'warning',
      });
    }
  }
  return out;
}
