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
import { namespaceOf, refOf } from './objects';
import { backendRefs } from './rules/ingress-targets-service';
import { endpointObjects, podOfWorkload, podRangesOf, selectorless, SERVICE_NAME_LABEL, serviceEndpoints } from './service-endpoints';
import type { NetworkView } from './verify';

/** Check name of a route whose backend pods admit no connection from outside their zero-trust namespace. */
export const ROUTE_BACKEND_UNREACHABLE = 'route-backend-unreachable';

/** Check name of a route whose backend Service has no selector and endpoints the library cannot tie to pods of the app. */
export const ROUTE_BACKEND_UNVERIFIED = 'route-backend-unverified';

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

/** Pods a route's backend sends to, on which port, and the EndpointSlice (or Endpoints) that lists them, for a Service without a selector. */
interface Target {
  readonly group: GroupInfo;
  readonly port: number;
  readonly via?: ManifestObject;
}

/** The workload objects in `namespace` that can have made pod `pod`; the longest names win (`api-v2-x` is api-v2's, not api's). */
function workloadsOfPod(byObject: ReadonlyMap<ManifestObject, readonly GroupInfo[]>, namespace: string, pod: string): ManifestObject[] {
  const found = [...byObject.keys()].filter((o) => namespaceOf(o) === namespace && podOfWorkload(pod, o));
  const longest = Math.max(0, ...found.map((o) => String(o.json?.metadata?.name).length));
  return found.filter((o) => String(o.json?.metadata?.name).length === longest);
}

/**
 * The pods of the app a Service without a selector sends to, by its EndpointSlices' (or Endpoints')
 * `targetRef`s, and what the library cannot tie to a pod of the app: the Service has no endpoint
 * object in the app, an endpoint names a pod no workload of the app makes, an endpoint is only an
 * address inside the ranges pods may have.
 */
function endpointTargets(
  context: CheckContext, svc: ManifestObject, servicePort: any, byObject: ReadonlyMap<ManifestObject, readonly GroupInfo[]>,
  zeroTrust: ReadonlySet<string>, podCidrs: readonly string[] | undefined,
): { targets: Target[]; unknown: string[] } {
  const namespace = namespaceOf(svc);
  const name = String(svc.json?.metadata?.name);
  const objects = endpointObjects(context, namespace, name);
  if (objects.length === 0) {
    return {
      targets: [], unknown: [`the app writes no EndpointSlice labelled ${SERVICE_NAME_LABEL}: ${name} in namespace "${namespace}" (nor an Endpoints `
        + `"${name}"), so its endpoints are written outside the app`],
    };
  }
  const targets: Target[] = [];
  const unknown: string[] = [];
  for (const e of serviceEndpoints(objects, servicePort)) {
    const where = `${e.object.json?.kind} ${namespace}/${e.object.json?.metadata?.name} ${e.field}`;
    if (e.pod) {
      if (!zeroTrust.has(e.pod.namespace)) continue; // a pod no zero-trust policy isolates
      const workloads = workloadsOfPod(byObject, e.pod.namespace, e.pod.name);
      if (workloads.length === 0) {
        unknown.push(`${where} names pod ${e.pod.namespace}/${e.pod.name}, which no workload of the app makes (a controller names its pods `
          + '<workload>-...)');
      }
      for (const o of workloads) for (const group of byObject.get(o) ?? []) targets.push({ group, port: e.port, via: e.object });
      continue;
    }
    for (const address of e.addresses) {
      const ranges = podRangesOf(address, podCidrs);
      if (ranges.length === 0) continue; // not a pod: no NetworkPolicy of the app stands between the controller and it
      unknown.push(`${where} address ${address} is inside ${ranges.join(', ')}, `
        + `${podCidrs ? 'a pod CIDR of Cni.generic({ podCidrs })' : 'where pods may have addresses (the pod CIDRs are not given)'}, with no `
        + 'targetRef naming its pod');
    }
  }
  return { targets, unknown };
}

/**
 * The check: every routed Service in a zero-trust namespace admits someone from outside the namespace on its target port; for a
 * Service without a selector, every pod of a zero-trust namespace its endpoints name, and a warning for endpoints it cannot tie to pods.
 * @param podCidrs the cluster's pod CIDRs, when known (`Cni.generic({ podCidrs })`): an endpoint address outside them is not a pod
 */
export function routeBackendClients(
  context: CheckContext, view: NetworkView, zeroTrust: ReadonlySet<string>, flows: readonly DeclaredFlow[] = [],
  podCidrs?: readonly string[],
): Finding[] {
  const out: Finding[] = [];
  const byObject = groupsByObject(view.groups);
  const reported = new Set<string>();
  const byGroup = new Map<string, ReachabilityEdge[]>();
  for (const e of view.edges) getOrCreate(byGroup, e.to, () => []).push(e);
  const namespaceOfId = (id: string) => view.groupById.get(id)?.group.namespace;
  for (const ref of backendRefs(context)) {
    const svc = context.service(ref.namespace, ref.name);
    if (!svc || svc.json?.spec?.type === 'ExternalName') continue;
    const servicePort = servicePortOf(svc, ref.port);
    if (!servicePort || (servicePort.protocol ?? 'TCP') !== 'TCP') continue;
    const route = refOf(ref.route);
    let targets: Target[];
    if (selectorless(svc)) {
      if (zeroTrust.size === 0) continue;
      const resolved = endpointTargets(context, svc, servicePort, byObject, zeroTrust, podCidrs);
      targets = resolved.targets;
      const key = `${route.path} ${ref.namespace}/${ref.name} ${servicePort.port}`;
      if (resolved.unknown.length > 0 && !reported.has(key)) {
        reported.add(key);
        const namespaces = [...zeroTrust].sort().map((n) => `"${n}"`).join(', ');
        out.push({
          ...problem(route, `${ref.field}.name`, ref.name,
            `Service ${ref.namespace}/${ref.name} has no selector, and the library cannot tell which pods its endpoints for port `
              + `${servicePort.port} are: ${resolved.unknown.join('; ')}. If they are pods of zero-trust namespace ${namespaces}, whose `
              + 'default-deny drops the controller serving this route unless a flow admits it, the route fails, and synth cannot verify it',
            `list the endpoints in an EndpointSlice of the app (label ${SERVICE_NAME_LABEL}: ${ref.name}) whose targetRef names each pod `
              + '(kind: Pod), so synth verifies them, or give the Service a selector; accept it if the endpoints are outside the pod network',
            [refOf(svc)]),
          check: ROUTE_BACKEND_UNVERIFIED,
          severity: 'warning',
        });
      }
    } else {
      // Pods outside the zero-trust namespaces are passed by below.
      const selector = svc.json?.spec?.selector;
      targets = selectedGroups(context.selectTemplatesByLabels(ref.namespace, selector), byObject)
        .map((group) => ({ group, port: targetPort(servicePort, group) }))
        .filter((t): t is Target => t.port !== undefined);
    }
    for (const { group: g, port, via } of targets) {
      const namespace = g.group.namespace;
      const key = `${route.path} ${g.group.id} ${port}`;
      if (!zeroTrust.has(namespace) || reported.has(key)) continue;
      const admitted = (byGroup.get(g.group.id) ?? []).some((e) => namespaceOfId(e.from) !== namespace
        && e.ports.some((r) => r.protocol === 'TCP' && r.from <= port && port <= r.to));
      if (admitted) continue;
      reported.add(key);
      const pods = `its pods (${g.group.id}${via ? `, listed by ${via.json?.kind} ${namespaceOf(via)}/${via.json?.metadata?.name}` : ''})`;
      const related = [refOf(svc), ...(via ? [refOf(via)] : []), refOf(g.object!)];
      const gateway = gatewayFlowsTo(flows, route.path, namespace, g);
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
            `${pods} are in zero-trust namespace "${namespace}" and admit no connection from outside it on TCP ${port}, `
              + `where Service port ${servicePortName} forwards; the ApiGateway ${declared.declaredBy.join(', ')} opened ${shown} to its `
              + 'controller instead, the containerPort its backend gives, so the controller cannot reach the pods and the route fails',
            `give the backend the container port Service port ${servicePortName} forwards to: ${backend}`, related),
          check: ROUTE_BACKEND_UNREACHABLE,
          severity: 'warning',
        });
        continue;
      }
      out.push({
        ...problem(route, `${ref.field}.name`, ref.name,
          `${pods} are in zero-trust namespace "${namespace}" and admit no connection from outside it on TCP ${port}, `
            + 'so the controller serving this route, which runs in a namespace of its own, cannot reach them and the route fails',
          `declare the controller's flow, e.g. allowIngressFrom(Peer.pods({ namespace: 'ingress-nginx', labels: `
            + `{ 'app.kubernetes.io/name': 'ingress-nginx' } }), Port.tcp(${port})) on the app ${g.name}`
            + (gateway.length > 0 ? '' : ', or route through an ApiGateway, which declares it'),
          related),
        check: ROUTE_BACKEND_UNREACHABLE,
        severity: 'warning',
      });
    }
  }
  return out;
}
