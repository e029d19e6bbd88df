import { CNI_NO_ENFORCEMENT, CNI_UNSUPPORTED_FEATURE, HOST_NETWORK_SOURCE_UNKNOWN } from '../checks/cni';
import type { Finding } from '../checks/finding';
import { CniKind } from '../cni';
import type { NetworkModel } from '../model/network-model';
import { Protocol } from '../port';
import { cidrContains } from '../util/validation';

/** Private and shared ranges: where nodes and pods live, and where Cilium's ipBlock does not see them. */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];

/** Whether a block reaches into a private range that its exceptions do not take out (`Peer.internet()` does not). */
function overlapsPrivate(block: { readonly cidr: string; readonly except?: readonly string[] }): boolean {
  return PRIVATE_RANGES.some((r) => (cidrContains(r, block.cidr) || cidrContains(block.cidr, r))
    && !(block.except ?? []).some((e) => cidrContains(e, r) || cidrContains(e, block.cidr)));
}

/**
 * Warnings about what the chosen CNI will not enforce as declared (after `prepare()`): Flannel
 * enforces nothing; Cilium drops SCTP unless enabled and does not match pod or node IPs with an
 * ipBlock; a host-network controller with no known node source cannot be allowed on a generic CNI.
 */
export function cniFindings(model: NetworkModel): Finding[] {
  const cni = model.cni;
  const out: Finding[] = [];
  const finding = (check: string, message: string, fix: string): Finding => ({ check, severity: 'warning', related: [], message, fix });
  if (cni.kind === CniKind.FLANNEL && model.zeroTrustNamespaces.length > 0) {
    out.push(finding(CNI_NO_ENFORCEMENT, `${model.node.path}: NetworkModel.configure() cni ${cni} is invalid for zero-trust namespaces: `
      + `Flannel enforces no NetworkPolicy, so ${model.zeroTrustNamespaces.map((n) => n.name).join(', ')} would be open to every pod`,
    'run a policy engine next to Flannel (Canal, i.e. Calico for policy) and choose Cni.generic(), or move to Cilium or Calico'));
  }
  for (const flow of model._renderedFlows) {
    const where = flow.declaredBy.join(', ');
    if (cni.kind === CniKind.CILIUM && !cni.sctpEnabled && flow.ports.some((p) => p.protocol === Protocol.SCTP)) {
      const sctp = flow.ports.filter((p) => p.protocol === Protocol.SCTP).join(', ');
      out.push(finding(CNI_UNSUPPORTED_FEATURE, `${where}: flow ${flow.from.name} -> ${flow.to.name} port ${sctp} `
        + 'is invalid on Cilium: SCTP is disabled by default and its packets are dropped',
      'enable SCTP in the Cilium agent (Helm sctp.enabled=true) and say so with Cni.cilium({ sctpEnabled: true })'));
    }
    if (cni.kind === CniKind.CILIUM && flow.kind === 'app') {
      const blocks = [...(flow.from.ipBlocks ?? []), ...(flow.to.ipBlocks ?? [])].filter(overlapsPrivate).map((b) => b.cidr);
      if (blocks.length) {
        out.push(finding(CNI_UNSUPPORTED_FEATURE, `${where}: flow ${flow.from.name} -> ${flow.to.name} ipBlock ${blocks.join(', ')} `
          + 'may not match as declared on Cilium: an ipBlock never matches pods, nor nodes unless the agent runs with policy-cidr-match-mode=nodes',
        'for pods use Peer.pods() or Peer.namespace(), for nodes Peer.nodes(), for the API server Peer.kubeApiServer(); '
          + 'keep Peer.cidr() for addresses outside the cluster'));
      }
    }
  }
  const nodeLocalDns = new Set(model._graph.flows.filter((f) => f.kind === 'dns' && f.to.ipBlocks?.length).map((f) => f.from.namespace));
  for (const flow of model._renderedFlows.filter((f) => f.to.fqdns?.length && nodeLocalDns.has(f.from.namespace))) {
    out.push(finding(CNI_UNSUPPORTED_FEATURE, `${flow.declaredBy.join(', ')}: flow ${flow.from.name} -> ${flow.to.fqdns!.join(', ')} `
      + `may not match as declared on Cilium: namespace "${flow.from.namespace}" also sends DNS to addresses outside the pod network `
      + '(NodeLocal DNSCache), whose lookups Cilium\'s DNS proxy does not see, so the name\'s addresses may never be learned',
    'route NodeLocal DNSCache through a CiliumLocalRedirectPolicy to the node-local DNS pods, or drop dns.cidrs from the namespace'));
  }
  for (const u of model._unrenderedFlows) {
    out.push(finding(HOST_NETWORK_SOURCE_UNKNOWN, `${u.flow.declaredBy.join(', ')}: flow ${u.flow.from.name} -> ${u.flow.to.name} `
      + `is not rendered: ${u.reason}; `
      + 'a host-network controller sends from node addresses, so only pods on its own node can be reached',
    'give the controller nodeCidrs (the node subnets), or choose Cni.cilium(), which names the nodes by entity'));
  }
  return out;
}
