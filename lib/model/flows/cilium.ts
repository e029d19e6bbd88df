import type { Endpoint } from './endpoint';
import { nameFrom, sortedLabels } from './endpoint';
import type { Flow } from './flow-graph';
import { declaredAs } from './flow-graph';
import type { PolicySide } from './render';
import type { Port } from '../../port';
import { Protocol } from '../../port';
import { ValidationError } from '../../util/errors';

/** The label Cilium gives every endpoint with its pod's namespace. */
export const CILIUM_NAMESPACE_LABEL = 'k8s:io.kubernetes.pod.namespace';

/** The cluster DNS pods of a namespace, where its DNS egress goes. @internal */
export interface DnsTarget {
  readonly namespace: string;
  readonly podLabels?: Readonly<Record<string, string>>;
  /** The ports the DNS pods listen on (`dns.ports`), as `allow-dns-egress` opens them. */
  readonly ports: readonly Port[];
}

/**
 * The CiliumNetworkPolicies a flow to or from a Cilium-only peer needs: one selecting the pods
 * end, where it lives in a zero-trust namespace. An FQDN egress carries the DNS rule Cilium's DNS
 * proxy needs to learn the name's addresses: egress to the namespace's DNS pods on their ports
 * (`dns.ports`, 53 UDP and TCP by default: exactly what `allow-dns-egress` already allows, so it
 * widens nothing) with `rules.dns`. Cilium applies policy after a Service's translation, so the
 * pods' port is the one its DNS proxy must see (5353 behind OpenShift's dns-default Service).
 * @param dnsOf the DNS pods of a namespace, undefined when its DNS egress is off
 * @internal
 */
export function ciliumPolicySides(
  flow: Flow, isZeroTrust: (namespace: string) => boolean, dnsOf: (namespace: string) => DnsTarget | undefined,
): PolicySide[] {
  const { from, to } = flow;
  const toPorts = flow.ports.length ? [{ ports: flow.ports.map(ciliumPort) }] : undefined;
  if (isCiliumPeer(to) && from.namespace !== undefined && isZeroTrust(from.namespace)) {
    const egress: Record<string, unknown>[] = [{ ...peerFields(to, 'to'), ...(toPorts ? { toPorts } : {}) }];
    if (to.fqdns?.length) {
      const dns = dnsOf(from.namespace);
      if (!dns) {
        throw new ValidationError(`${declaredAs(flow)} ${to.fqdns.join(', ')} is invalid: Cilium learns a DNS name's addresses by `
          + `watching the pods' lookups, and namespace "${from.namespace}" allows no DNS egress; keep its allowDns on`);
      }
      egress.push(dnsRule(dns));
    }
    return [{
      namespace: from.namespace,
      name: flow.egressPolicyName ?? `allow-${from.name}-egress-to-${nameFrom(to, from.namespace)}`,
      direction: 'Egress',
      flow,
      spec: { endpointSelector: selector(from), egress },
    }];
  }
  if (isCiliumPeer(from) && to.namespace !== undefined && isZeroTrust(to.namespace)) {
    return [{
      namespace: to.namespace,
      name: flow.ingressPolicyName ?? `allow-${from.name}-to-${to.name}`,
      direction: 'Ingress',
      flow,
      spec: { endpointSelector: selector(to), ingress: [{ ...peerFields(from, 'from'), ...(toPorts ? { toPorts } : {}) }] },
    }];
  }
  return [];
}

/** Whether the endpoint is one only a CiliumNetworkPolicy can name. @internal */
export function isCiliumPeer(ep: Endpoint): boolean {
  return Boolean(ep.fqdns?.length || ep.entities?.length);
}

function peerFields(ep: Endpoint, dir: 'to' | 'from'): Record<string, unknown> {
  if (ep.fqdns?.length) return { toFQDNs: ep.fqdns.map((n) => (n.includes('*') ? { matchPattern: n } : { matchName: n })) };
  return { [dir === 'to' ? 'toEntities' : 'fromEntities']: [...ep.entities!] };
}

function selector(ep: Endpoint): Record<string, unknown> {
  return ep.podLabels ? { matchLabels: sortedLabels(ep.podLabels) } : {};
}

function dnsRule(dns: DnsTarget): Record<string, unknown> {
  return {
    toEndpoints: [{ matchLabels: { [CILIUM_NAMESPACE_LABEL]: dns.namespace, ...sortedLabels(dns.podLabels ?? {}) } }],
    toPorts: [{
      // UDP first, DNS's own transport (the order carries no meaning).
      ports: [...dns.ports].sort((a, b) => Number(a.protocol !== Protocol.UDP) - Number(b.protocol !== Protocol.UDP))
        .map((p) => ({ port: String(p.number), protocol: p.protocol })),
      rules: { dns: [{ matchPattern: '*' }] },
    }],
  };
}

/** A Cilium PortProtocol: the port as a string (a number or a container port name). */
function ciliumPort(p: Port): Record<string, unknown> {
  return {
    port: String(p.number),
    protocol: p.protocol ?? Protocol.TCP,
    ...(p.endPort !== undefined && p.endPort !== p.number ? { endPort: p.endPort } : {}),
  };
}
