import {
  CNI_NO_ENFORCEMENT, CNI_UNSUPPORTED_FEATURE, HOST_NETWORK_SOURCE_UNKNOWN, IPBLOCK_MAY_MATCH_PODS, KUBE_APISERVER_PORT, KUBE_APISERVER_SOURCE,
} from '../checks/cni';
import type { CheckContext } from '../checks/context';
import type { Finding } from '../checks/finding';
import { CniKind } from '../cni';
import { getOrCreate } from '../evaluator/util';
import { clusterNameVerdict } from '../model/flows/cluster-names';
import type { Flow } from '../model/flows/flow-graph';
import type { NetworkModel } from '../model/network-model';
import { Protocol } from '../port';
import type { CidrBlock } from '../util/validation';
import { PRIVATE_RANGES, rangesReached } from '../util/validation';

/** Global unicast IPv6, where pods of IPv6 and dual-stack clusters (EKS IPv6, GKE dual-stack) may take public addresses. */
const GLOBAL_UNICAST_V6 = '2000::/3';

/** Whether a block reaches into a private range that its exceptions do not take out (`Peer.internet()` does not). */
function overlapsPrivate(block: CidrBlock): boolean {
  return rangesReached(block, PRIVATE_RANGES).length > 0;
}

/**
 * Warnings about what the chosen CNI will not enforce as declared (after `prepare()`): Flannel
 * enforces nothing; Cilium drops SCTP unless enabled, does not match pod or node IPs with an
 * ipBlock, and ignores an egress rule whose port name the destination pods give different numbers;
 * a host-network controller with no known node source cannot be allowed on a generic CNI.
 * @param context the app's objects, for the destination pods' named ports (Cilium only)
 */
export function cniFindings(model: NetworkModel, context?: CheckContext): Finding[] {
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
  if (cni.kind === CniKind.CILIUM) out.push(...clusterPatternFindings(model));
  if (cni.kind === CniKind.CILIUM && context) out.push(...duplicateNamedPortFindings(model, context));
  if (cni.kind === CniKind.GENERIC) out.push(...ipBlockPodFindings(model, cni.podCidrs));
  out.push(...kubeApiServerFindings(model._graph.flows, cni.kind, (ns) => ns !== undefined && model.isZeroTrust(ns)));
  for (const u of model._unrenderedFlows) {
    out.push(finding(HOST_NETWORK_SOURCE_UNKNOWN, `${u.flow.declaredBy.join(', ')}: flow ${u.flow.from.name} -> ${u.flow.to.name} `
      + `is not rendered: ${u.reason}; `
      + 'a host-network controller sends from node addresses, so only pods on its own node can be reached',
    'give the controller nodeCidrs (the node subnets), or choose Cni.cilium(), which names the nodes by entity'));
  }
  return out;
}

/**
 * On Cilium, a DNS name or pattern that may name the cluster's Services and pods as well as names
 * outside it: a pattern that may match names under the cluster domain (`**.local`), or a short
 * `Peer.fqdn` name that the pods' search path may complete to a Service the app does not know
 * (`postgres.legacy`). toFQDNs never matches the cluster's Services and pods, so the flow to those is
 * dead. A name or pattern that only matches the cluster's names is refused when the flows are rendered.
 */
function clusterPatternFindings(model: NetworkModel): Finding[] {
  const names = model._clusterNames;
  return model._graph.flows.flatMap((flow) => {
    const wk = flow.to.wellKnown?.kind === 'fqdn' ? flow.to.wellKnown : undefined;
    return (wk?.names ?? []).flatMap((n): Finding[] => {
      const verdict = clusterNameVerdict(n, wk?.searchPath === true, names);
      if (!verdict || verdict.certain) return [];
      if (verdict.service) return [searchPathFinding(flow, n, verdict.reason, verdict.service)];
      return [clusterPatternFinding(flow, n, verdict.reason)];
    });
  });
}

/** A pattern that may match names under a cluster domain. */
function clusterPatternFinding(flow: Flow, n: string, reason: string): Finding {
  return {
    check: CNI_UNSUPPORTED_FEATURE, severity: 'warning', related: [],
    message: `${flow.declaredBy.join(', ')}: flow ${flow.from.name} -> ${n} may not match as declared on Cilium: the pattern ${reason}, `
      + 'names of Services and pods of the cluster, and toFQDNs selects only peers outside the cluster (it never matches pods, which '
      + 'the traffic reaches once a Service\'s ClusterIP is translated), so the flow to those names is dead',
    fix: `narrow the pattern to names outside the cluster domain (say "**.example.com" rather than "**.com"); for pods of the cluster `
      + 'declare the flow to them: the WebApp (allowTo(app)), Peer.workload(...) or Peer.pods({ namespace, labels })',
  };
}

/** A `<name>.<namespace>` name that the pods' search path may complete to a Service the app does not know. */
function searchPathFinding(flow: Flow, n: string, reason: string, service: { namespace: string; name: string }): Finding {
  return {
    check: CNI_UNSUPPORTED_FEATURE, severity: 'warning', related: [],
    message: `${flow.declaredBy.join(', ')}: flow ${flow.from.name} -> ${n} may not match as declared on Cilium: ${reason}, and toFQDNs `
      + 'selects only peers outside the cluster (it never matches pods, which the traffic reaches once a Service\'s ClusterIP is translated), '
      + 'so the flow would be dead',
    fix: `if it names a Service of the cluster, declare the flow to its pods: Peer.pods({ namespace: '${service.namespace}', labels }) or `
      + 'Peer.workload(...); if it names a host outside the cluster, give its full name in the DNS (ending in a top-level domain), which '
      + 'no Service\'s name can be',
  };
}

/**
 * On Cilium, a flow from a zero-trust pod on a port name (`Port.named()`) towards the app's pods that
 * give that name different numbers: the egress rule keeps the name (no one number stands for it), and
 * Cilium resolves an egress port name over the pods it may reach (over every pod of the cluster before
 * cilium/cilium#44429) and ignores the rule when they disagree (cilium/cilium#12567; issues #24779,
 * #30003), so the flow is dead. Fixed by cilium/cilium#44429 and #45760, merged to main in 2026 after
 * 1.19.0. Only towards namespaces whose every pod the app defines: elsewhere `flow-port-unverified` says
 * the numbers are unknown.
 */
function duplicateNamedPortFindings(model: NetworkModel, context: CheckContext): Finding[] {
  const out: Finding[] = [];
  for (const flow of model._renderedFlows) {
    const { from, to } = flow;
    if (from.namespace === undefined || !model.isZeroTrust(from.namespace)) continue; // no egress rule rendered
    if (to.namespace === undefined || !context.ownedNamespaces.has(to.namespace)) continue;
    const ns = to.namespace;
    const templates = to.podLabels ? context.selectTemplatesByLabels(ns, to.podLabels) : context.templates.filter((t) => t.namespace === ns);
    for (const port of flow.ports.filter((p) => p.isNamed)) {
      const byNumber = new Map<number, Set<string>>();
      for (const t of templates) {
        for (const c of t.ports.filter((x) => x.name === port.number && (x.protocol ?? 'TCP') === port.protocol)) {
          getOrCreate(byNumber, c.containerPort, () => new Set<string>()).add(`${t.namespace}/${String(t.object.json?.metadata?.name)}`);
        }
      }
      if (byNumber.size < 2) continue;
      const numbers = [...byNumber.keys()].sort((a, b) => a - b);
      const mapping = numbers.map((n) => `${port.protocol} ${n} on ${[...byNumber.get(n)!].sort().join(', ')}`).join('; ');
      out.push({
        check: CNI_UNSUPPORTED_FEATURE, severity: 'warning', related: [],
        message: `${flow.declaredBy.join(', ')}: flow ${from.name} -> ${to.name} port ${port} may not match as declared on Cilium: the `
          + `destination pods give "${port.number}" different numbers (${mapping}), so the egress rule names the port, and Cilium 1.19 `
          + 'and earlier ignore an egress rule whose port name maps to more than one number, so the flow is dead there '
          + '(cilium/cilium#24779, #30003; fixed by #44429 and #45760, merged after 1.19.0)',
        fix: `give each destination its own flow with a port number (${numbers.map((n) => `Port.${port.protocol.toLowerCase()}(${n})`).join(', ')}), `
          + `or one number for the name "${port.number}" on every destination pod`,
      });
    }
  }
  return out;
}

/**
 * On a CNI other than Cilium an ipBlock matches pod addresses too (Kubernetes leaves it to the
 * CNI; Calico, Antrea and the EKS VPC CNI match them), so a flow between a zero-trust pod and a
 * block that covers pod addresses admits (or reaches) pods that no flow declares. With the pod CIDRs
 * (`Cni.generic({ podCidrs })`) the finding names the ones a block covers; without them, every block
 * reaching into a private range may, and so may every block over global unicast IPv6 (2000::/3,
 * `Peer.internet()`'s IPv6 half among them): pods of IPv6 clusters may take public addresses there (EKS
 * IPv6 clusters from the subnets' IPv6 CIDRs, GKE dual-stack on subnets with external IPv6), and the
 * library cannot tell such a cluster from an IPv4-only one. The flow's own endpoints are what it declares: the kube-apiserver
 * endpoint's addresses and the cluster DNS flows are not pod addresses, and are left out.
 */
function ipBlockPodFindings(model: NetworkModel, podCidrs: readonly string[] | undefined): Finding[] {
  const out: Finding[] = [];
  const zeroTrust = (ns: string | undefined) => ns !== undefined && model.isZeroTrust(ns);
  for (const flow of model._graph.flows) {
    if (flow.kind === 'dns') continue;
    for (const [ep, pod] of [[flow.from, flow.to], [flow.to, flow.from]] as const) {
      if (!zeroTrust(pod.namespace)) continue;
      // Peer.kubeApiServer()'s addresses are the API server's, never a pod's: only Peer.nodes() among the well-known peers.
      const blocks: readonly CidrBlock[] = ep.ipBlocks
        ?? (ep.wellKnown?.kind === 'nodes' ? (ep.wellKnown.cidrs ?? []).map((c) => ({ cidr: c })) : []);
      const hits = blocks.map((b) => ({ block: b, pods: rangesReached(b, podCidrs ?? [...PRIVATE_RANGES, GLOBAL_UNICAST_V6]) }))
        .filter((h) => h.pods.length > 0);
      if (hits.length === 0) continue;
      const verb = ep === flow.from ? 'admits' : 'reaches';
      const text = hits.map((h) => h.block.cidr + (h.block.except?.length ? ` except ${h.block.except.join(',')}` : '')).join(', ');
      const where = `${flow.declaredBy.join(', ')}: flow ${flow.from.name} -> ${flow.to.name} ipBlock ${text}`;
      const covered = [...new Set(hits.flatMap((h) => h.pods))];
      const inside = covered.join(', ');
      const privateCovered = covered.filter((r) => r !== GLOBAL_UNICAST_V6);
      const publicV6 = covered.length > privateCovered.length;
      const privateText = `${privateCovered.join(', ')}, ${privateCovered.length === 1 ? 'a private range' : 'private ranges'}`;
      const overlapsText = [
        ...(privateCovered.length ? [`it overlaps ${privateText} where pods usually live`] : []),
        ...(publicV6
          ? [`it ${privateCovered.length ? 'also covers' : 'covers'} ${GLOBAL_UNICAST_V6}, global unicast IPv6, where pods of IPv6 and `
            + 'dual-stack clusters may take public addresses (EKS IPv6 clusters, GKE dual-stack on subnets with external IPv6), and the '
            + 'library does not know whether this cluster\'s pods have public IPv6 addresses']
          : []),
      ].join('; ');
      out.push({
        check: IPBLOCK_MAY_MATCH_PODS,
        severity: 'warning',
        related: [],
        message: podCidrs
          ? `${where} ${verb} the pods in ${inside} as well (the pod CIDRs of Cni.generic({ podCidrs })): on a CNI other than Cilium `
            + 'an ipBlock matches pod addresses too, and no flow declares those pods'
          : `${where} may ${verb === 'admits' ? 'admit' : 'reach'} pods as well: ${overlapsText}, `
            + 'and on a CNI other than Cilium an ipBlock matches pod addresses too; the library does not know this cluster\'s pod CIDRs',
        fix: `${podCidrs ? '' : `give the pod CIDRs with Cni.generic({ podCidrs: [...] }) to have synth check them exactly${publicV6
          ? ' (on an IPv4-only cluster its IPv4 pod CIDRs alone, which no IPv6 block covers)' : ''}; `}`
          + 'narrow the block to the addresses meant (a load balancer\'s own subnets, say) or take the pod CIDRs out of it '
          + '(Peer.cidr(block, [podCidr])); for pods use Peer.pods() or Peer.namespace()',
      });
    }
  }
  return out;
}

/**
 * What a policy cannot know about the API server: which endpoint port the cluster uses (443 on EKS,
 * GKE and AKS, 6443 on kubeadm, k3s and kind), and where its calls into the cluster (admission
 * webhooks, aggregated APIs) come from: Cilium's `kube-apiserver` entity does not match them on
 * EKS, GKE and AKS (Cilium's entity documentation; cilium/cilium#31711), and GKE and AKS tunnel
 * them through the konnectivity-agent pods, whose addresses the endpoint ipBlock does not match.
 */
function kubeApiServerFindings(flows: readonly Flow[], kind: CniKind, isolated: (namespace: string | undefined) => boolean): Finding[] {
  const out: Finding[] = [];
  for (const flow of flows) {
    const where = flow.declaredBy.join(', ');
    // Ports given explicitly were chosen; the defaults of Peer.kubeApiServer() without endpointPort were not.
    // Only a zero-trust namespace renders the pod end's policy: elsewhere every connection is allowed anyway.
    if (flow.to.wellKnown?.kind === 'kube-apiserver' && flow.portsDefaulted && isolated(flow.from.namespace)) {
      const tcp = new Set(flow.ports.filter((p) => (p.protocol ?? Protocol.TCP) === Protocol.TCP).map((p) => p.number));
      if (tcp.has(443) && tcp.has(6443)) {
        out.push({
          check: KUBE_APISERVER_PORT, severity: 'warning', related: [],
          message: `${where}: flow ${flow.from.name} -> ${flow.to.wellKnown.description} opens both TCP 443 and TCP 6443: policies see the `
            + 'connection at the API server\'s endpoint, which listens on 443 on EKS, GKE and AKS and on 6443 on kubeadm, k3s and kind, '
            + 'so without endpointPort both are opened and one of them is open for nothing',
          fix: 'give the port of your cluster (the ports of `kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes`), '
            + 'e.g. Peer.kubeApiServer({ endpointPort: 6443 })',
        });
      }
    }
    if (flow.from.wellKnown?.kind === 'kube-apiserver' && isolated(flow.to.namespace) && !tunnelDeclared(flows, flow)) {
      const calls = 'the API server\'s calls into the cluster (admission webhooks, aggregated APIs)';
      const why = kind === CniKind.CILIUM
        ? ` on Cilium: the kube-apiserver entity matches ${calls} only where it runs on a node of the cluster (kubeadm, k3s, kind); `
          + 'on EKS, GKE and AKS Cilium does not identify them as the API server (it sees the nodes, remote-node, on AKS and the '
          + 'konnectivity-agent pods on GKE), and drops them'
        : `: the ipBlock matches ${calls} only when they leave from its endpoint addresses (as on kubeadm, k3s, kind); on GKE and AKS `
          + 'they are tunnelled through the konnectivity-agent pods and come from pod addresses, and an overlay network may send them '
          + 'from a node\'s tunnel address';
      out.push({
        check: KUBE_APISERVER_SOURCE, severity: 'warning', related: [],
        message: `${where}: flow ${flow.from.wellKnown.description} -> ${flow.to.name} may not match as declared${why}`,
        fix: 'on a managed cluster also declare where the calls arrive from: the konnectivity agents (allowIngressFrom(Peer.pods({ namespace: '
          + '\'kube-system\', labels: { \'k8s-app\': \'konnectivity-agent\' } })) on GKE, app: konnectivity-agent on AKS) or the nodes '
          + '(Peer.nodes()), which clears this warning; where the API server calls pods as itself, accept it with '
          + 'configure({ skipChecks: [\'kube-apiserver-source\'] })',
      });
    }
  }
  return out;
}

/**
 * Whether the pods a flow from the API server reaches also admit where managed clusters tunnel its
 * calls from: the nodes, or the konnectivity-agent pods of kube-system (`k8s-app` on GKE, `app` on AKS).
 */
function tunnelDeclared(flows: readonly Flow[], fromApiServer: Flow): boolean {
  return flows.some((f) => f.to.key === fromApiServer.to.key && (f.from.wellKnown?.kind === 'nodes'
    || (f.from.namespace === 'kube-system' && Object.values(f.from.podLabels ?? {}).includes('konnectivity-agent'))));
}
