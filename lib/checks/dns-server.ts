/**
 * `dns-server-isolated`: the cluster DNS pods of a zero-trust namespace (a `ZeroTrustNamespace` named
 * as another's `dns.namespace`) are isolated for egress by its default-deny. Unless something lets
 * them out, they reach neither the Kubernetes API server, which CoreDNS's kubernetes plugin watches
 * for the cluster's names, nor an upstream resolver (its forward plugin), so the lookups the DNS flows
 * admit fail and every flow that names its peer by a DNS name is dead while its policies allow it.
 */
import type { DeclaredFlow } from './declared';
import type { Finding } from './finding';
import type { NetworkView } from './verify';

/** Check name of DNS pods in a zero-trust namespace that no policy lets reach anything but themselves. */
export const DNS_SERVER_ISOLATED = 'dns-server-isolated';

/** The warnings: one per DNS namespace whose DNS pods have no egress past themselves. */
export function dnsServerIsolated(view: NetworkView, zeroTrust: ReadonlySet<string>, flows: readonly DeclaredFlow[]): Finding[] {
  const out: Finding[] = [];
  const byNamespace = new Map<string, { labels: Readonly<Record<string, string>>; declaredBy: string[] }>();
  for (const f of flows) {
    const to = f.to;
    if (f.kind !== 'dns' || !to.podLabels || to.namespace === undefined || !zeroTrust.has(to.namespace)) continue;
    const entry = byNamespace.get(to.namespace) ?? { labels: to.podLabels, declaredBy: [] };
    entry.declaredBy.push(...f.declaredBy);
    byNamespace.set(to.namespace, entry);
  }
  for (const [ns, { labels, declaredBy }] of byNamespace) {
    const servers = view.groups.filter((g) => g.group.namespace === ns
      && Object.entries(labels).every(([k, v]) => g.group.labels[k] === v));
    if (servers.length === 0) continue;
    const ids = new Set(servers.map((g) => g.group.id));
    if (view.edges.some((e) => ids.has(e.from) && !ids.has(e.to))) continue;
    const paths = [...new Set(declaredBy)].sort();
    out.push({
      check: DNS_SERVER_ISOLATED, severity: 'warning', related: [],
      message: `${paths.join(', ')}: dns.namespace "${ns}" is invalid: it is a zero-trust namespace, whose default-deny isolates the `
        + `DNS pods there (${[...ids].sort().join(', ')}) for egress, and no policy lets them reach anything but themselves: not the `
        + 'Kubernetes API server, which CoreDNS watches for the cluster\'s names, nor an upstream resolver for any other name. The lookups '
        + 'the DNS flows admit then fail, so every flow that names its peer by a DNS name (a Service name, Peer.fqdn()) is dead, though '
        + 'its policies allow it',
      fix: `keep the DNS server's namespace out of the zero-trust namespaces, or let its pods out with a NetworkPolicy of your own in "${ns}" `
        + '(egress to the API server\'s endpoints on 443/6443 and to the upstream resolvers on 53), accepted with the skip annotation '
        + '(cdk8s-networking.io/skip-checks: undeclared-flow)',
    });
  }
  return out;
}
