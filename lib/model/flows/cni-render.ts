import type { Cni } from '../../cni';
import { ValidationError } from '../../util/errors';
import type { ClusterNames } from './cluster-names';
import { clusterNameVerdict } from './cluster-names';
import type { Endpoint } from './endpoint';
import { ipBlockEndpoint } from './endpoint';
import type { Flow } from './flow-graph';
import { declaredAs } from './flow-graph';

/** A declared flow the chosen CNI cannot render, and why; reported as a finding at synth. @internal */
export interface UnrenderedFlow {
  readonly flow: Flow;
  readonly reason: string;
}

/** The flow graph resolved for a CNI. @internal */
export interface CniFlows {
  /** Flows whose ends are pods or IP blocks: rendered as standard NetworkPolicies. */
  readonly standard: Flow[];
  /** Flows with an end that only a CiliumNetworkPolicy can name (DNS names, entities). */
  readonly cilium: Flow[];
  /** Flows the CNI cannot render, with no error (a host-network controller without node CIDRs). */
  readonly unrendered: UnrenderedFlow[];
}

const INSTEAD = 'NetworkModel.of(app).configure({ cni: Cni.cilium() }) if the cluster runs Cilium';

/**
 * Resolves every flow's well-known peers for the CNI: ipBlocks on a generic CNI, FQDN selectors and
 * entities on Cilium. Every flow the CNI cannot render is refused in one error, a line per flow that
 * says what to use instead, so a program with several is fixed in one pass.
 * @internal
 */
export function resolveForCni(flows: readonly Flow[], cni: Cni, names?: ClusterNames): CniFlows {
  const out: CniFlows = { standard: [], cilium: [], unrendered: [] };
  const refused: string[] = [];
  for (const flow of flows) {
    try {
      if (names) refuseClusterNames(flow, names);
      resolveFlow(flow, cni, out);
    } catch (e) {
      if (!ValidationError.isValidationError(e)) throw e;
      refused.push(e.message);
    }
  }
  if (refused.length) throw new ValidationError(refused.join('\n'));
  return out;
}

/**
 * Refuses a flow to a DNS name of the cluster itself, on any CNI: Cilium's `toFQDNs` selects only
 * peers outside the cluster (see cluster-names.ts), and a standard NetworkPolicy matches no names.
 * A pattern that only may match such names is a warning at synth (lib/synth/cni-findings.ts).
 */
function refuseClusterNames(flow: Flow, names: ClusterNames): void {
  const wk = flow.to.wellKnown?.kind === 'fqdn' ? flow.to.wellKnown : undefined;
  if (!wk) return;
  const found = (wk.names ?? []).map((n) => clusterNameVerdict(n, wk.searchPath === true, names)).find((v) => v?.certain);
  if (!found) return;
  throw new ValidationError(`${declaredAs(flow)} ${wk.subject ?? wk.description} is invalid: it ${found.reason}; a DNS-name rule `
    + '(Cilium\'s toFQDNs) selects only peers outside the cluster and never matches pods, which the traffic reaches once the Service\'s '
    + 'ClusterIP is translated, and a standard NetworkPolicy '
    + 'matches no names, so the flow would be dead on any CNI; '
    + (found.instead ?? 'declare the flow to the pods themselves: the WebApp (allowTo(app)), Peer.workload(...) or '
      + 'Peer.pods({ namespace, labels })'));
}

/** Sorts one flow into `out`, or throws the ValidationError that refuses it. */
function resolveFlow(flow: Flow, cni: Cni, out: CniFlows): void {
  if (!flow.from.wellKnown && !flow.to.wellKnown) {
    out.standard.push(flow);
    return;
  }
  const where = declaredAs(flow);
  if (flow.from.wellKnown && flow.to.wellKnown) {
    throw new ValidationError(`${where} ${flow.from.wellKnown.description} -> ${flow.to.wellKnown.description} is invalid: `
      + 'one end of a flow must be pods');
  }
  if (flow.from.wellKnown?.kind === 'fqdn') {
    throw new ValidationError(`${where} ${flow.from.wellKnown.description} is invalid: a DNS name can only be a destination (egress); `
      + 'to admit traffic from outside, use Peer.cidr() with the sender\'s addresses');
  }
  const resolved = cni.rendersCiliumPolicies ? resolveCilium(flow) : resolveGeneric(flow, cni, where);
  if (resolved === undefined) {
    out.unrendered.push({
      flow,
      reason: `${flow.from.wellKnown?.description ?? flow.to.wellKnown?.description} has no addresses, and ${cni} renders nodes only as an ipBlock`,
    });
  } else if (resolved.from.fqdns || resolved.from.entities || resolved.to.fqdns || resolved.to.entities) {
    out.cilium.push(resolved);
  } else {
    out.standard.push(resolved);
  }
}

function resolveCilium(flow: Flow): Flow {
  const resolve = (ep: Endpoint): Endpoint => {
    const wk = ep.wellKnown;
    if (!wk) return ep;
    const base = { key: ep.key, name: ep.name, ports: ep.ports };
    if (wk.kind === 'fqdn') return { ...base, fqdns: [...wk.names!] };
    if (wk.kind === 'kube-apiserver') return { ...base, entities: ['kube-apiserver'] };
    if (wk.kind === 'cilium-ingress') return { ...base, entities: ['ingress'] };
    return { ...base, entities: ['host', 'remote-node'] };
  };
  return { ...flow, from: resolve(flow.from), to: resolve(flow.to) };
}

function resolveGeneric(flow: Flow, cni: Cni, where: string): Flow | undefined {
  const ep = (flow.from.wellKnown ? flow.from : flow.to);
  const wk = ep.wellKnown!;
  if (wk.kind === 'fqdn') {
    throw new ValidationError(`${where} ${wk.description} is invalid: a standard NetworkPolicy matches IP addresses, never DNS names `
      + `(the addresses behind a name change), and the chosen CNI (${cni}) enforces nothing else; `
      + `allow the service's published address ranges with Peer.cidr(), or ${INSTEAD}`);
  }
  if (wk.kind === 'cilium-ingress') {
    // Cilium's Envoy sends with the reserved identity `ingress` (Documentation/network/servicemesh/ingress.rst,
    // "Ingress and CiliumNetworkPolicy"): no podSelector, namespaceSelector or ipBlock matches it.
    throw new ValidationError(`${where} ${wk.description} is invalid: Cilium's Ingress and Gateway API proxy reaches the backends `
      + 'as Cilium\'s reserved identity "ingress", which no NetworkPolicy peer (pods, namespaces, ipBlocks) matches and only a '
      + `CiliumNetworkPolicy can admit (fromEntities: [ingress]), and the chosen CNI (${cni}) renders none; Cilium's Ingress runs only `
      + 'on Cilium: choose NetworkModel.of(app).configure({ cni: Cni.cilium() }), or the controller that serves the routes '
      + '(IngressController.nginx(), .traefik(), .custom())');
  }
  if (!wk.cidrs?.length) {
    if (wk.kind === 'nodes' && flow.kind === 'gateway') return undefined;
    const example = wk.kind === 'kube-apiserver'
      ? 'Peer.kubeApiServer({ endpoints: [\'10.0.0.10/32\'] }) with the addresses of '
        + '`kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes`'
      : 'Peer.nodes([\'10.0.0.0/16\']) with the node subnets';
    throw new ValidationError(`${where} ${wk.description} is invalid: `
      + `the chosen CNI (${cni}) renders it as an ipBlock `
      + `and no addresses were given; give them (${example}), or ${INSTEAD}`);
  }
  const blocks = ipBlockEndpoint(ep.name, wk.cidrs.map((c) => ({ cidr: c })));
  const rendered: Endpoint = { ...blocks, ports: ep.ports, ...(wk.kind === 'nodes' ? { nodes: true } : {}) };
  return flow.from.wellKnown ? { ...flow, from: rendered } : { ...flow, to: rendered };
}
