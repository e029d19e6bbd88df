/**
 * `external-service-unreachable`: a NodePort or LoadBalancer Service exists to be reached from
 * outside the cluster, but in a zero-trust namespace default-deny drops those clients unless a flow
 * from an IP block admits them.
 */
import type { CheckContext } from './context';
import type { Finding } from './finding';
import { problem } from './finding';
import { namespaceOf, refOf } from './objects';
import type { NetworkView } from './verify';

/** Check name of an external Service whose pods admit no client from outside the cluster. */
export const EXTERNAL_SERVICE_UNREACHABLE = 'external-service-unreachable';

/** The check: every NodePort/LoadBalancer Service of a zero-trust namespace needs a flow from an IP block. */
export function externalServiceClients(context: CheckContext, view: NetworkView, zeroTrust: ReadonlySet<string>): Finding[] {
  const out: Finding[] = [];
  const fromOutside = new Set(view.edges.filter((e) => e.from.startsWith('cidr:')).map((e) => e.to));
  for (const svc of context.ofKind('Service')) {
    const type = svc.json?.spec?.type;
    const ns = namespaceOf(svc);
    if ((type !== 'NodePort' && type !== 'LoadBalancer') || !zeroTrust.has(ns)) continue;
    const selector = svc.json?.spec?.selector ?? {};
    if (Object.keys(selector).length === 0) continue;
    const templates = new Set(context.selectTemplatesByLabels(ns, selector).map((t) => t.object));
    const groups = view.groups.filter((g) => g.object !== undefined && templates.has(g.object));
    if (groups.length === 0 || groups.some((g) => fromOutside.has(g.group.id))) continue;
    const name = String(svc.json?.metadata?.name);
    out.push({
      ...problem(refOf(svc), 'spec.type', type,
        `default-deny in zero-trust namespace "${ns}" drops every client outside the cluster, `
          + `and no flow from an IP block admits one to ${groups.map((g) => g.group.id).join(', ')}`,
        `declare where the clients come from: allowIngressFrom(Peer.cidr('<client CIDR>')) on the app ${name}; `
          + 'with externalTrafficPolicy Cluster the source is SNATed to a node address, so allow the node CIDRs; '
          + 'with Local, loadBalancerSourceRanges are declared for you; or put the app behind an ApiGateway',
        groups.map((g) => refOf(g.object!))),
      check: EXTERNAL_SERVICE_UNREACHABLE,
      severity: 'warning',
    });
  }
  return out;
}
