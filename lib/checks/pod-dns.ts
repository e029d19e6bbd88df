/**
 * `pod-dns-policy`: a workload in a zero-trust namespace whose `dnsPolicy` sends its lookups
 * elsewhere than the cluster DNS its namespace allows. Kubernetes ("DNS for Services and Pods",
 * Pod's DNS Policy): `Default` inherits the node's resolv.conf; `None` uses `dnsConfig.nameservers`
 * only; `ClusterFirstWithHostNet` is `ClusterFirst` (kubelet `getPodDNSType`). Host-network pods
 * are left out: no NetworkPolicy governs them on most CNIs (`pod-networkpolicy` says so), so none
 * drops their lookups, and `ClusterFirst` there falls back to the node's resolver by design. A zero-trust namespace allows DNS egress to
 * the cluster DNS pods (and `dns.cidrs`) only, so such lookups are dropped unless a flow allows the
 * nameserver; and on Cilium, `toFQDNs` learns a name's addresses only from the lookups its DNS proxy
 * sees, which the library's DNS rule sends there for the cluster DNS pods alone. Port 53 here is the
 * resolver's: resolv.conf names addresses, never ports, so a pod queries each nameserver on 53
 * (`dns.ports`, the DNS pods' own port behind the cluster DNS Service, does not apply to them).
 */
import { podSpecField, podTemplateOf } from '../evaluator/workloads';
import type { PodGroup, Protocol } from '../evaluator/types';
import { cidrContains, parseIp, PRIVATE_RANGES } from '../util/validation';
import type { CheckContext } from './context';
import type { DeclaredFlow } from './declared';
import type { Finding } from './finding';
import { problem } from './finding';
import type { PodTemplate } from './objects';
import { refOf } from './objects';

/** Check name of a workload whose DNS policy takes its lookups off the DNS egress its zero-trust namespace allows. */
export const POD_DNS_POLICY = 'pod-dns-policy';

/** Loopback: a resolver inside the pod itself (a DNS sidecar), which no policy governs. */
const LOOPBACK = ['127.0.0.0/8', '::1/128'];

/** Whether an address is inside one of the ranges (false for what is no address). */
function within(ranges: readonly string[], address: string): boolean {
  const ip = parseIp(address);
  return ip !== undefined && ranges.some((r) => cidrContains(r, `${address}/${ip.bits}`));
}

/** Where a pod's lookups go. */
type Resolver =
  | { readonly kind: 'cluster' }
  | { readonly kind: 'node'; readonly why: string }
  | { readonly kind: 'none'; readonly nameservers: string[] };

/** The resolver of a pod spec (undefined for a dnsPolicy the API server refuses). */
function resolverOf(spec: any): Resolver | undefined {
  const policy = spec?.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'ClusterFirst' || policy === 'ClusterFirstWithHostNet') return { kind: 'cluster' };
  if (policy === 'Default') return { kind: 'node', why: 'makes the pods use the node\'s resolver' };
  if (policy === 'None') {
    const servers: unknown = spec?.dnsConfig?.nameservers;
    return { kind: 'none', nameservers: Array.isArray(servers) ? servers.map(String) : [] };
  }
  return undefined;
}

/** The field of a template's dnsPolicy in its object. */
function fieldOf(t: PodTemplate, name: string): string {
  return `${podSpecField(t.object.json)}.${name}`;
}

/** Whether a flow's source selects the template's pods. */
function selects(flow: DeclaredFlow, t: PodTemplate): boolean {
  if (flow.from.namespace !== t.namespace) return false;
  const labels = flow.from.podLabels ?? {};
  return Object.keys(labels).every((k) => t.labels[k] === labels[k]);
}

/** How one nameserver fares: its lookups allowed, dropped, or unknown (it may be the cluster DNS Service's address). */
interface Nameserver {
  readonly address: string;
  /** The protocols of port 53 the pods' egress policies drop towards it. */
  readonly dropped: readonly Protocol[];
  /** In a range where Service addresses live: the library cannot tell whether it is the cluster DNS Service. */
  readonly maybeService: boolean;
}

/**
 * The check. Error where the workload declares flows to DNS names on Cilium and none of its
 * nameservers can be the cluster DNS (the names' addresses are never learned, so those flows are
 * dead); warning otherwise.
 * @param cilium whether the app renders for Cilium (DNS-name flows need its DNS proxy)
 */
export function podDnsPolicy(context: CheckContext, zeroTrust: ReadonlySet<string>, flows: readonly DeclaredFlow[], cilium: boolean): Finding[] {
  const out: Finding[] = [];
  for (const t of context.templates) {
    if (!zeroTrust.has(t.namespace)) continue;
    const spec = podTemplateOf(t.object.json)?.spec;
    // Host-network pods: no NetworkPolicy drops their lookups (pod-networkpolicy reports that they are not governed).
    if (spec?.hostNetwork === true) continue;
    const resolver = resolverOf(spec);
    if (!resolver || resolver.kind === 'cluster') continue;
    const named = cilium ? [...new Set(flows.filter((f) => f.to.fqdns?.length && selects(f, t)).flatMap((f) => f.to.fqdns!))].sort() : [];
    const ref = refOf(t.object);
    const policy = String(spec?.dnsPolicy ?? 'ClusterFirst');
    const dns = `the DNS egress zero-trust namespace "${t.namespace}" allows (the cluster DNS pods, and its dns.cidrs)`;
    const fqdnHarm = (outcome: string) => (named.length
      ? `; on Cilium, toFQDNs learns the addresses of ${named.join(', ')} only from the lookups its DNS proxy sees, which are those to the `
        + `cluster DNS pods, so the flows to them are ${outcome}`
      : '');
    const fix = 'leave dnsPolicy at ClusterFirst (the default) and set options such as ndots in '
      + 'dnsConfig, which ClusterFirst merges';
    if (resolver.kind === 'node') {
      const severity = named.length ? 'error' : 'warning';
      const rule = `${resolver.why}, an address the library cannot know and which is not the cluster DNS: its lookups leave ${dns}`
        + (named.length ? fqdnHarm('dead')
          : ', and are dropped unless a flow allows that address on port 53 UDP and TCP, so the pods may resolve no name');
      out.push({ ...problem(ref, fieldOf(t, 'dnsPolicy'), policy, rule, `${fix}; or allow the node's resolver with `
        + 'allowEgressTo(Peer.cidr(\'<resolver>/32\'), Port.udp(53)) and Port.tcp(53)'), check: POD_DNS_POLICY, severity });
      continue;
    }
    const group: PodGroup = { id: `${t.namespace}/${ref.kind}/${ref.name}`, namespace: t.namespace, labels: { ...t.labels } };
    const servers: Nameserver[] = resolver.nameservers.filter((a) => !within(LOOPBACK, a)).map((address) => ({
      address,
      dropped: (['UDP', 'TCP'] as const)
        .filter((p) => parseIp(address) === undefined || !context.evaluator.check(group, { cidr: address }, 53, p).allowed),
      maybeService: within(PRIVATE_RANGES, address), // where Service addresses (the cluster DNS's) live
    }));
    if (servers.length === 0 && resolver.nameservers.length > 0) continue; // only a resolver inside the pod
    const dropped = servers.filter((s) => s.dropped.length > 0 && !s.maybeService);
    const unknown = servers.filter((s) => s.maybeService && (s.dropped.length > 0 || named.length > 0));
    // On Cilium a nameserver that cannot be the cluster DNS Service bypasses the DNS proxy, allowed or not.
    const bypass = named.length ? servers.filter((s) => !s.maybeService) : [];
    if (servers.length > 0 && dropped.length === 0 && unknown.length === 0 && bypass.length === 0) continue;
    const certain = servers.length === 0 || unknown.length === 0;
    const severity = named.length && certain ? 'error' : 'warning';
    const parts: string[] = [];
    if (servers.length === 0) parts.push('it lists no nameserver, so the pods resolve no name');
    if (dropped.length) {
      parts.push(`${dropped.map((s) => `${s.address} (${s.dropped.map((p) => `${p} 53`).join(', ')} dropped)`).join(', ')} `
        + `${dropped.length === 1 ? 'is' : 'are'} outside ${dns}, and no flow allows ${dropped.length === 1 ? 'it' : 'them'}`);
    }
    const passed = bypass.filter((s) => s.dropped.length === 0);
    if (passed.length) {
      const are = passed.length === 1 ? 'is' : 'are';
      parts.push(`${passed.map((s) => s.address).join(', ')} ${are} allowed by a flow but ${are} not the cluster DNS`);
    }
    if (unknown.length) {
      parts.push(`${unknown.map((s) => s.address).join(', ')} may be the cluster DNS Service's address (a ClusterIP, which the policies see as `
        + 'the DNS pods it forwards to), which the library cannot know; otherwise its lookups do not reach the cluster DNS pods');
    }
    const value = { dnsPolicy: policy, nameservers: resolver.nameservers };
    const rule = `makes the pods send their lookups only to dnsConfig.nameservers: ${parts.join('; ')}`
      + `${fqdnHarm(certain ? 'dead' : 'dead unless it is')}`;
    const allow = dropped.length ? `; or allow ${dropped.length === 1 ? 'the nameserver' : 'each nameserver'} with allowEgressTo(Peer.cidr(`
      + `'${dropped[0].address}/${dropped[0].address.includes(':') ? 128 : 32}'), Port.udp(53)) and Port.tcp(53)` : '';
    out.push({
      ...problem(ref, fieldOf(t, 'dnsConfig'), value, rule,
        named.length ? `${fix}, so that the lookups go to the cluster DNS pods` : `${fix}${allow}`),
      check: POD_DNS_POLICY, severity,
    });
  }
  return out;
}
