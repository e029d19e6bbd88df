/**
 * Clients outside the cluster of a NodePort or LoadBalancer Service in a zero-trust namespace:
 * - `external-service-unreachable`: default-deny drops them unless a flow from an IP block admits them;
 * - `external-client-snat`: with `externalTrafficPolicy: Cluster` they reach the pods from a node
 *   address, so flows from their IP blocks admit them only if the nodes are admitted too;
 * - `external-client-lb-snat`: an AWS NLB that targets the pods by IP (AWS Load Balancer Controller)
 *   bypasses kube-proxy, and unless client IP preservation is on the pods see the NLB's own private
 *   addresses, so flows from the clients' IP blocks admit them only if the NLB's subnets are admitted.
 */
import { getOrCreate } from '../evaluator/util';
import type { CheckContext } from './context';
import type { ReachabilityEdge } from '../evaluator';
import type { GroupInfo } from './group-info';
import { groupsByObject, selectedGroups } from './group-info';
import type { DeclaredFlow } from './declared';
import type { Finding } from './finding';
import { problem } from './finding';
import { namespaceOf, refOf } from './objects';
import type { NetworkView } from './verify';
import { cidrId } from './verify';
import { PRIVATE_RANGES, rangesReached } from '../util/validation';

/** Check name of an external Service whose pods admit no client from outside the cluster. */
export const EXTERNAL_SERVICE_UNREACHABLE = 'external-service-unreachable';
/** Check name of an external Service whose clients' flows SNAT to node addresses makes dead. */
export const EXTERNAL_CLIENT_SNAT = 'external-client-snat';

/** Check name of an external Service whose load balancer, targeting pods by IP, hides the clients' addresses. */
export const EXTERNAL_CLIENT_LB_SNAT = 'external-client-lb-snat';

/** Check name of an external Service through whose node ports every pod of the cluster reaches the pods as a node. */
export const EXTERNAL_SERVICE_POD_CLIENTS = 'external-service-pod-clients';

/** The AWS Load Balancer Controller's annotations (docs/guide/service/annotations.md). */
const AWS_LB = 'service.beta.kubernetes.io/aws-load-balancer-';

/** Source ids that are the nodes whatever the CNI: Cilium's entities for them. */
const NODE_ENTITIES = ['entity:host', 'entity:remote-node'];
/** IP blocks that cover every address, the nodes' included. */
const EVERY_ADDRESS = new Set(['cidr:0.0.0.0/0', 'cidr:::/0']);

/**
 * The checks: every NodePort/LoadBalancer Service of a zero-trust namespace needs a flow from an IP
 * block, and with `externalTrafficPolicy: Cluster` (the default) one from the nodes too.
 */
export function externalServiceClients(
  context: CheckContext, view: NetworkView, zeroTrust: ReadonlySet<string>, flows: readonly DeclaredFlow[] = [],
): Finding[] {
  const out: Finding[] = [];
  const byObject = groupsByObject(view.groups);
  const fromOutside = new Map<string, string[]>();
  for (const e of view.edges) if (e.from.startsWith('cidr:')) getOrCreate(fromOutside, e.to, () => []).push(e.from);
  const nodeIds = new Set([...NODE_ENTITIES, ...flows.flatMap((f) => (f.from.nodes ? (f.from.ipBlocks ?? []).map(cidrId) : []))]);
  const nodesReach = new Set(view.edges.filter((e) => nodeIds.has(e.from) || EVERY_ADDRESS.has(e.from)).map((e) => e.to));
  const nodeEdges = view.edges.filter((e) => nodeIds.has(e.from));
  for (const svc of context.ofKind('Service')) {
    const type = svc.json?.spec?.type;
    const ns = namespaceOf(svc);
    if ((type !== 'NodePort' && type !== 'LoadBalancer') || !zeroTrust.has(ns)) continue;
    const selector = svc.json?.spec?.selector ?? {};
    if (Object.keys(selector).length === 0) continue;
    const groups = selectedGroups(context.selectTemplatesByLabels(ns, selector), byObject);
    if (groups.length === 0) continue;
    const ids = groups.map((g) => g.group.id);
    const related = groups.map((g) => refOf(g.object!));
    const name = String(svc.json?.metadata?.name);
    const clients = [...new Set(ids.flatMap((id) => (fromOutside.get(id) ?? []).filter((c) => !nodeIds.has(c))))].sort();
    if (svc.json?.spec?.externalTrafficPolicy !== 'Local') {
      const viaNodes = nodePortsAdmitted(svc.json, groups, nodeEdges);
      if (viaNodes.length) {
        out.push({
          ...problem(refOf(svc), 'spec.externalTrafficPolicy', svc.json?.spec?.externalTrafficPolicy ?? 'Cluster (the default)',
            'makes kube-proxy masquerade every connection to the Service\'s node ports and load-balancer address to a node address, '
              + 'a pod\'s included, and flows admit the nodes to '
              + `${viaNodes.map((v) => `${v.id} on ${v.ports.join(', ')}`).join('; ')}: every pod of the cluster, in any namespace, `
              + 'reaches them that way as a node, which no flow declares',
            `set externalTrafficPolicy: Local on the app ${name} (a pod's connection then keeps its own address and default-deny judges it; `
              + 'clients outside the cluster keep theirs, so declare their CIDRs), or admit the nodes only on ports the Service does not forward',
            related),
          check: EXTERNAL_SERVICE_POD_CLIENTS,
          severity: 'warning',
        });
      }
    }
    if (clients.length === 0) {
      if (ids.some((id) => fromOutside.has(id))) continue;
      out.push({
        ...problem(refOf(svc), 'spec.type', type,
          `default-deny in zero-trust namespace "${ns}" drops every client outside the cluster, `
            + `and no flow from an IP block admits one to ${ids.join(', ')}`,
          `declare where the clients come from: allowIngressFrom(Peer.cidr('<client CIDR>')) on the app ${name}; `
            + 'with externalTrafficPolicy Cluster the source is SNATed to a node address, so allow the node CIDRs; '
            + 'with Local, loadBalancerSourceRanges are declared for you; or put the app behind an ApiGateway',
          related),
        check: EXTERNAL_SERVICE_UNREACHABLE,
        severity: 'warning',
      });
      continue;
    }
    // Only a LoadBalancer Service gets an NLB; a NodePort one keeps kube-proxy on the path.
    const ipTargets = type === 'LoadBalancer' ? awsIpTargets(svc.json?.metadata?.annotations ?? {}) : undefined;
    if (ipTargets) {
      // The NLB sends straight to the pod IPs: kube-proxy and externalTrafficPolicy play no part.
      const hidden = portsWithoutClientIp(svc.json);
      const sources = [...new Set(ids.flatMap((id) => fromOutside.get(id) ?? []))];
      if (hidden.length === 0 || sources.some(mayAdmitLoadBalancer)) continue;
      out.push({
        ...problem(refOf(svc), `metadata.annotations["${ipTargets.annotation}"]`, ipTargets.value,
          `makes the AWS Load Balancer Controller's NLB send to the pod IPs of ${ids.join(', ')} without client IP preservation `
            + `(off by default for IP targets over TCP) on ${hidden.length > 1 ? 'ports' : 'port'} ${hidden.join(', ')}: `
            + 'the pods see the NLB\'s private addresses in its subnets, not the clients\', so the flows from '
            + `${clients.map((c) => c.slice('cidr:'.length)).join(', ')} admit none of those clients, `
            + 'no flow admits a private range the subnets could be in, and default-deny drops them '
            + '(proxy protocol v2 hands the client address to the application, not to NetworkPolicies)',
          `admit the NLB's subnets: allowIngressFrom(Peer.cidr('<VPC subnet CIDR>')) on the app ${name} for each subnet the NLB is in; `
            + `or keep the clients' addresses: annotate Service ${ns}/${name} with ${AWS_LB}target-group-attributes: preserve_client_ip.enabled=true`,
          related),
        check: EXTERNAL_CLIENT_LB_SNAT,
        severity: 'warning',
      });
      continue;
    }
    const policy = svc.json?.spec?.externalTrafficPolicy;
    if (policy === 'Local' || ids.some((id) => nodesReach.has(id))) continue;
    out.push({
      ...problem(refOf(svc), 'spec.externalTrafficPolicy', policy ?? 'Cluster (the default)',
        'makes kube-proxy rewrite the source of every connection through the Service\'s node ports to a node address, and no flow '
          + `admits the nodes to ${ids.join(', ')}: the flows from ${clients.map((c) => c.slice('cidr:'.length)).join(', ')} admit `
          + 'those clients only if the ranges include the nodes\' addresses, and default-deny drops them otherwise',
        `set externalTrafficPolicy: Local on the app ${name} (its pods then see the client's own address), or admit the nodes: `
          + `allowIngressFrom(Peer.nodes(['<node CIDR>'])) on the app ${name}, which admits every pod of the cluster too, `
          + 'through the node ports',
        related),
      check: EXTERNAL_CLIENT_SNAT,
      severity: 'warning',
    });
  }
  return out;
}

/**
 * The pod groups of an external Service that flows from the nodes admit on a port the Service
 * forwards to (its `targetPort`, by number or by the name the group's containers give it; the port
 * itself when omitted), with those ports (`TCP/8443`).
 */
function nodePortsAdmitted(
  service: any, groups: readonly GroupInfo[], nodeEdges: readonly ReachabilityEdge[],
): { id: string; ports: string[] }[] {
  const ports: any[] = Array.isArray(service?.spec?.ports) ? service.spec.ports : [];
  const out: { id: string; ports: string[] }[] = [];
  for (const g of groups) {
    const forwarded = ports.flatMap((p) => {
      const protocol = p?.protocol ?? 'TCP';
      const target = p?.targetPort ?? p?.port;
      const number = typeof target === 'number' ? target
        : (g.group.ports ?? []).find((c) => c.name === target && (c.protocol ?? 'TCP') === protocol)?.containerPort;
      return number === undefined ? [] : [{ protocol, number }];
    });
    const edges = nodeEdges.filter((e) => e.to === g.group.id);
    const admitted = forwarded.filter((f) => edges.some((e) => e.ports.some((r) =>
      r.protocol === f.protocol && r.from <= f.number && f.number <= r.to)));
    const labels = [...new Set(admitted.map((a) => `${a.protocol}/${a.number}`))];
    if (labels.length) out.push({ id: g.group.id, ports: labels });
  }
  return out;
}

/**
 * The annotation that makes the AWS Load Balancer Controller register the pods by IP: the target type
 * `ip`, or the legacy load balancer type `nlb-ip` (docs/guide/service/annotations.md "lb-type",
 * "nlb-target-type"; pkg/service/model_build_target_group.go buildTargetType).
 */
function awsIpTargets(annotations: Record<string, unknown>): { annotation: string; value: string } | undefined {
  const targetType = `${AWS_LB}nlb-target-type`;
  if (annotations[targetType] === 'ip') return { annotation: targetType, value: 'ip' };
  const lbType = `${AWS_LB}type`;
  if (annotations[lbType] === 'nlb-ip') return { annotation: lbType, value: 'nlb-ip' };
  return undefined;
}

/** `key=value,key=value`, the controller's stringMap annotation format. */
function attributes(text: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof text !== 'string') return out;
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    if (at > 0) out.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  return out;
}

/**
 * The Service's TCP ports (`443/TCP`) whose target group does not preserve the client address: for
 * IP targets `preserve_client_ip.enabled` is false unless the target group attributes say true, a
 * port's own annotation (`...target-group-attributes.<port>`, when not empty) over the Service's;
 * UDP always keeps it (pkg/service/model_build_target_group.go buildPreserveClientIPFlag).
 */
function portsWithoutClientIp(service: any): string[] {
  const annotations = service?.metadata?.annotations ?? {};
  const key = 'preserve_client_ip.enabled';
  const base = attributes(annotations[`${AWS_LB}target-group-attributes`]).get(key);
  const ports: any[] = Array.isArray(service?.spec?.ports) ? service.spec.ports : [];
  return ports.filter((p) => (p?.protocol ?? 'TCP') === 'TCP').filter((p) => {
    const own = attributes(annotations[`${AWS_LB}target-group-attributes.${p?.port}`]).get(key);
    const value = own || base;
    return !['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value ?? '');
  }).map((p) => `${p?.port}/TCP`);
}

/** Whether the source id of an IP block (`cidr:<cidr>[ except a,b]`) may admit an NLB's private addresses. */
function mayAdmitLoadBalancer(id: string): boolean {
  const [cidr, except = ''] = id.slice('cidr:'.length).split(' except ');
  return rangesReached({ cidr, except: except ? except.split(',') : [] }, PRIVATE_RANGES).length > 0;
}
