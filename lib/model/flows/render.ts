import type { Endpoint } from './endpoint';
import { nameFrom, sortedLabels } from './endpoint';
import type { Flow } from './flow-graph';
import type { Port } from '../../port';

/** The label every namespace carries with its own name (set by the API server). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * One NetworkPolicy to emit for one side of a flow.
 * @internal
 */
export interface PolicySide {
  readonly namespace: string;
  readonly name: string;
  readonly direction: 'Ingress' | 'Egress';
  readonly spec: Record<string, unknown>;
  readonly flow: Flow;
}

/**
 * The policies a flow needs: an ingress policy selecting the destination pods and an egress
 * policy selecting the source pods, each only where that end lives in a zero-trust namespace
 * (elsewhere pods are not isolated, and a policy would isolate them and break everything else).
 * @internal
 */
export function policySides(
  flow: Flow, isZeroTrust: (namespace: string) => boolean,
  egressPorts: (to: Endpoint, ports: readonly Port[]) => readonly Port[] = (_, ports) => ports,
): PolicySide[] {
  const sides: PolicySide[] = [];
  const ports = flow.ports.map((p) => p._toKube());
  const { from, to } = flow;
  if (to.namespace !== undefined && isZeroTrust(to.namespace)) {
    sides.push({
      namespace: to.namespace,
      name: flow.ingressPolicyName ?? `allow-${nameFrom(from, to.namespace)}-to-${to.name}`,
      direction: 'Ingress',
      flow,
      spec: {
        podSelector: podSelector(to),
        policyTypes: ['Ingress'],
        ingress: [{ from: toPeers(from, to.namespace), ...(ports.length ? { ports } : {}) }],
      },
    });
  }
  if (from.namespace !== undefined && isZeroTrust(from.namespace)) {
    const toPorts = egressPorts(to, flow.ports).map((p) => p._toKube());
    sides.push({
      namespace: from.namespace,
      name: flow.egressPolicyName ?? `allow-${from.name}-egress-to-${nameFrom(to, from.namespace)}`,
      direction: 'Egress',
      flow,
      spec: {
        podSelector: podSelector(from),
        policyTypes: ['Egress'],
        egress: [{ to: toPeers(to, from.namespace), ...(toPorts.length ? { ports: toPorts } : {}) }],
      },
    });
  }
  return sides;
}

function podSelector(ep: Endpoint): Record<string, unknown> {
  return ep.podLabels ? { matchLabels: sortedLabels(ep.podLabels) } : {};
}

/**
 * NetworkPolicy peers for an endpoint as seen from a policy in `policyNamespace`. A cross-namespace
 * pod endpoint is ONE peer with namespaceSelector AND podSelector: two entries would mean OR and
 * open the destination to every pod of the other namespace.
 * @internal
 */
export function toPeers(ep: Endpoint, policyNamespace: string): Record<string, unknown>[] {
  const peers: Record<string, unknown>[] = [];
  if (ep.namespace === policyNamespace) {
    peers.push({ podSelector: podSelector(ep) });
  } else if (ep.namespace !== undefined) {
    const namespaceSelector = { matchLabels: { [NAMESPACE_NAME_LABEL]: ep.namespace } };
    peers.push(ep.podLabels ? { namespaceSelector, podSelector: podSelector(ep) } : { namespaceSelector });
  }
  for (const b of ep.ipBlocks ?? []) {
    peers.push({ ipBlock: { cidr: b.cidr, ...(b.except?.length ? { except: [...b.except] } : {}) } });
  }
  return peers;
}
