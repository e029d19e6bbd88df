/**
 * Clients outside the cluster of a NodePort or LoadBalancer Service in a zero-trust namespace:
 * - `external-service-unreachable`: default-deny drops them unless a flow from an IP block admits them;
 * - `external-client-snat`: with `externalTrafficPolicy: Cluster` they reach the pods from a node
 *   address, so flows from their IP blocks admit them only if the nodes are admitted too.
 */
import { getOrCreate } from '../evaluator/util';
import type { CheckContext } from './context';
import { groupsByObject, selectedGroups } from './group-info';
import type { DeclaredFlow } from './declared';
import type { Finding } from './finding';
import { problem } from './finding';
import { namespaceOf, refOf } from './objects';
import type { NetworkView } from './verify';
import { cidrId } from './verify';

/** Check name of an external Service whose pods admit no client from outside the cluster. */
export const EXTERNAL_SERVICE_UNREACHABLE = 'external-service-unreachable';
/** Check name of an external Service whose clients' flows SNAT to node addresses makes dead. */
export const EXTERNAL_CLIENT_SNAT = 'external-client-snat';

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
    const policy = svc.json?.spec?.externalTrafficPolicy;
    if (policy === 'Local' || ids.some((id) => nodesReach.has(id))) continue;
    out.push({
      ...problem(refOf(svc), 'spec.externalTrafficPolicy', policy ?? 'Cluster (the default)',
        'makes kube-proxy rewrite the source of every connection through the Service\'s node ports to a node address, and no flow '
          + `admits the nodes to ${ids.join(', ')}: the flows from ${clients.map((c) => c.slice('cidr:'.length)).join(', ')} admit `
          + 'those clients only if the ranges include the nodes\' addresses, and default-deny drops them otherwise',
        `set externalTrafficPolicy: Local on the app ${name} (its pods then see the client's own address), or admit the nodes: `
          + `allowIngressFrom(Peer.nodes(['<node CIDR>'])) on the app ${name}`,
        related),
      check: EXTERNAL_CLIENT_SNAT,
      severity: 'warning',
    });
  }
  return out;
}
