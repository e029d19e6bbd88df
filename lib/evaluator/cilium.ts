/**
 * What CiliumNetworkPolicies (`cilium.io/v2`) allow, for the subset the library renders and users
 * commonly write: `endpointSelector`; egress `toEndpoints`, `toEntities`, `toFQDNs`; ingress
 * `fromEndpoints`, `fromEntities`; `toPorts` with L4 ports (L7 `rules` narrow nothing at L4 and are
 * ignored). Anything else is reported as unsupported, so a caller never takes an unread rule for
 * no rule. Peers that are not pods are ids of their own: `fqdn:<name or pattern>`, `entity:<name>`.
 *
 * A rule with `toPorts` and no peer allows every peer on those ports (Cilium's "Layer 4 policy can be
 * specified independently": upstream pkg/policy/rule.go turns the empty peer list of a rule with
 * ports into the wildcard selector): every pod group, and {@link EVERY_ADDRESS} for what is not a pod.
 * A rule with neither (`{}`) allows nothing; it only puts the endpoints into default deny.
 */
import type { PortSet } from './port-set';
import { ALL_PORTS, NO_PORTS, portRange, toPortRanges, union } from './port-set';
import { matchesSelector, parseSelector } from './selector';
import type { PodGroup, PortRange, Protocol } from './types';
import { PROTOCOLS } from './types';

/** Cilium's namespace label on endpoints. */
export const NAMESPACE_KEY = 'io.kubernetes.pod.namespace';

/** One allow of a CiliumNetworkPolicy, from the point of view of the pods it selects. */
export interface CiliumAllow {
  /** `<namespace>/<policy name>`. */
  readonly policy: string;
  readonly direction: 'ingress' | 'egress';
  /** The selected pod group. */
  readonly group: string;
  /** The other end: a pod group id, `fqdn:<name>` or `entity:<entity>`. */
  readonly peer: string;
  /** Whether the other end is a pod group. */
  readonly peerIsPod: boolean;
  readonly ports: PortRange[];
  /** The rule (`spec.egress[0]`), when it names ports and no peer, so that it allows every peer on them. */
  readonly everyPeerRule?: string;
}

/** A part of a policy the reading does not understand. */
export interface CiliumUnsupported {
  readonly policy: string;
  readonly field: string;
}

/** What the CiliumNetworkPolicies allow. */
export interface CiliumAllows {
  readonly allows: CiliumAllow[];
  readonly unsupported: CiliumUnsupported[];
  /**
   * The groups each policy puts into default deny, per direction: Cilium does so for every direction a
   * policy selecting the endpoint has rules for (`enableDefaultDeny` false aside).
   */
  readonly isolates: { readonly policy: string; readonly field: string; readonly group: string; readonly direction: 'ingress' | 'egress' }[];
}

const EGRESS_FIELDS = new Set(['toEndpoints', 'toEntities', 'toFQDNs', 'toPorts']);
const INGRESS_FIELDS = new Set(['fromEndpoints', 'fromEntities', 'toPorts']);
/** Entities that stand for pods of the cluster too. */
const IN_CLUSTER_ENTITIES = new Set(['all', 'cluster']);
const SPEC_FIELDS = new Set(['endpointSelector', 'ingress', 'egress', 'description']);
/** The fields of a rule that name its peers (or narrow them), per direction: read or not, a rule with one is not L4-only. */
const PEER_FIELDS = {
  egress: ['toEndpoints', 'toEntities', 'toFQDNs', 'toCIDR', 'toCIDRSet', 'toServices', 'toGroups', 'toNodes', 'toRequires'],
  ingress: ['fromEndpoints', 'fromEntities', 'fromCIDR', 'fromCIDRSet', 'fromGroups', 'fromNodes', 'fromRequires'],
} as const;

/** The peer id that stands for every address outside the cluster (Cilium's entity `world`). */
export const EVERY_ADDRESS = 'entity:world';

/**
 * Whether a rule of a CiliumNetworkPolicy names ports and no peer, so that Cilium allows every pod of the
 * cluster and every address on those ports. An explicitly empty peer list (`toEndpoints: []`) is a peer
 * field: current Cilium selects nothing with it.
 */
export function allowsEveryPeer(rule: any, direction: 'ingress' | 'egress'): boolean {
  return Array.isArray(rule?.toPorts) && rule.toPorts.length > 0
    && PEER_FIELDS[direction].every((k) => rule[k] === undefined || rule[k] === null);
}

/** Strips Cilium's label source prefix (`k8s:`, `any:`) from selector keys. */
export function stripSource(raw: any): any {
  if (!raw || typeof raw !== 'object') return raw;
  const key = (k: string) => k.replace(/^(k8s|any):/, '');
  return {
    ...(raw.matchLabels ? { matchLabels: Object.fromEntries(Object.entries(raw.matchLabels).map(([k, v]) => [key(k), v])) } : {}),
    ...(raw.matchExpressions ? { matchExpressions: raw.matchExpressions.map((e: any) => ({ ...e, key: key(String(e.key)) })) } : {}),
  };
}

/** Pod groups an endpoint selector of a rule selects: its own namespace unless it names one. */
function selectGroups(raw: any, policyNamespace: string, groups: readonly PodGroup[], where: string): PodGroup[] {
  const sel = stripSource(raw ?? {});
  const namesNamespace = sel.matchLabels?.[NAMESPACE_KEY] !== undefined
    || (sel.matchExpressions ?? []).some((e: any) => e.key === NAMESPACE_KEY);
  const selector = parseSelector(sel, where);
  return groups.filter((g) => (namesNamespace || g.namespace === policyNamespace)
    && matchesSelector(selector, { ...g.labels, [NAMESPACE_KEY]: g.namespace }));
}

/** The ports of a rule's `toPorts` towards a destination group (for named ports); all when absent. */
function rulePorts(toPorts: any, dst: PodGroup | undefined): PortSet {
  if (!Array.isArray(toPorts) || toPorts.length === 0) return ALL_PORTS;
  let set = NO_PORTS;
  for (const pr of toPorts) {
    for (const p of pr?.ports ?? []) {
      const protocols: Protocol[] = !p.protocol || p.protocol === 'ANY' ? [...PROTOCOLS] : (PROTOCOLS.includes(p.protocol) ? [p.protocol] : []);
      const text = String(p.port ?? '0');
      for (const protocol of protocols) {
        if (/^\d+$/.test(text)) {
          const from = Number(text);
          set = union(set, from === 0 ? portRange(protocol, 1, 65535) : portRange(protocol, from, p.endPort ?? from));
        } else {
          for (const c of dst?.ports ?? []) {
            if (c.name === text && (c.protocol ?? 'TCP') === protocol) set = union(set, portRange(protocol, c.containerPort));
          }
        }
      }
    }
  }
  return set;
}

/**
 * Reads CiliumNetworkPolicy manifests against pod groups.
 * @param policies manifests; objects of other kinds are ignored
 */
export function ciliumAllows(policies: readonly any[], groups: readonly PodGroup[]): CiliumAllows {
  const out: CiliumAllows = { allows: [], unsupported: [], isolates: [] };
  for (const p of policies) {
    if (p?.kind !== 'CiliumNetworkPolicy') continue;
    const ns = String(p.metadata?.namespace ?? 'default');
    const policy = `${ns}/${p.metadata?.name}`;
    // A policy holds one `spec` or a list of them (`specs`): each is read alike.
    if (p.spec) readSpec(out, { policy, ns, at: 'spec' }, p.spec, groups);
    if (Array.isArray(p.specs)) p.specs.forEach((s: any, i: number) => readSpec(out, { policy, ns, at: `specs[${i}]` }, s ?? {}, groups));
  }
  return out;
}

/** Where a spec sits: its policy (`namespace/name`), the policy's namespace, and the spec's field (`spec`, `specs[1]`). */
interface SpecPlace {
  readonly policy: string;
  readonly ns: string;
  readonly at: string;
}

/** Reads one spec of a CiliumNetworkPolicy into `out`. */
function readSpec(out: CiliumAllows, place: SpecPlace, spec: any, groups: readonly PodGroup[]): void {
  const { policy, ns, at } = place;
  for (const k of Object.keys(spec)) if (!SPEC_FIELDS.has(k)) out.unsupported.push({ policy, field: `${at}.${k}` });
  if (!spec.endpointSelector) return;
  const selected = selectGroups(spec.endpointSelector, ns, groups, `${policy} endpointSelector`);
  for (const direction of ['ingress', 'egress'] as const) {
    const field = [direction, `${direction}Deny`].find((f) => Array.isArray(spec[f]) && spec[f].length > 0);
    if (field === undefined || spec.enableDefaultDeny?.[direction] === false) continue;
    for (const g of selected) out.isolates.push({ policy, field: `${at}.${field}`, group: g.id, direction });
  }
  readRules(out, place, 'egress', Array.isArray(spec.egress) ? spec.egress : [], selected, groups);
  readRules(out, place, 'ingress', Array.isArray(spec.ingress) ? spec.ingress : [], selected, groups);
}

/** Reads the rules of one direction of a spec, for the groups its endpointSelector selects. */
function readRules(
  out: CiliumAllows, place: SpecPlace, direction: 'ingress' | 'egress', rules: any[], selected: readonly PodGroup[], groups: readonly PodGroup[],
): void {
  const { policy, ns, at } = place;
  const known = direction === 'egress' ? EGRESS_FIELDS : INGRESS_FIELDS;
  rules.forEach((rule, i) => {
    const unknown = Object.keys(rule ?? {}).filter((k) => !known.has(k));
    for (const k of unknown) out.unsupported.push({ policy, field: `${at}.${direction}[${i}].${k}` });
    for (const [j, pr] of (rule?.toPorts ?? []).entries()) {
      for (const k of Object.keys(pr ?? {}).filter((x) => x !== 'ports' && x !== 'rules')) {
        out.unsupported.push({ policy, field: `${at}.${direction}[${i}].toPorts[${j}].${k}` });
      }
    }
    if (unknown.length) return;
    const peers = direction === 'egress' ? rule.toEndpoints : rule.fromEndpoints;
    const entities: string[] = (direction === 'egress' ? rule.toEntities : rule.fromEntities) ?? [];
    // These entities include pods of the cluster: what they allow cannot be read per pod here.
    for (const e of entities.filter((x) => IN_CLUSTER_ENTITIES.has(x))) {
      out.unsupported.push({ policy, field: `${at}.${direction}[${i}] entity ${e}` });
    }
    const fqdns: any[] = direction === 'egress' ? rule.toFQDNs ?? [] : [];
    const everyPeer = allowsEveryPeer(rule, direction);
    for (const g of selected) {
      const emit = (peer: string, peerIsPod: boolean, dst: PodGroup | undefined) => {
        const ports = toPortRanges(rulePorts(rule.toPorts, dst));
        if (!ports.length) return;
        const rulePart = everyPeer ? { everyPeerRule: `${at}.${direction}[${i}]` } : {};
        out.allows.push({ policy, direction, group: g.id, peer, peerIsPod, ports, ...rulePart });
      };
      if (everyPeer) {
        for (const other of groups) emit(other.id, true, direction === 'egress' ? other : g);
        emit(EVERY_ADDRESS, false, direction === 'ingress' ? g : undefined);
      }
      for (const e of entities) emit(`entity:${e}`, false, direction === 'ingress' ? g : undefined);
      for (const f of fqdns) emit(`fqdn:${String(f?.matchName ?? f?.matchPattern).toLowerCase().replace(/\.$/, '')}`, false, undefined);
      for (const sel of peers ?? []) {
        for (const other of selectGroups(sel, ns, groups, `${policy} ${direction}[${i}]`)) {
          emit(other.id, true, direction === 'egress' ? other : g);
        }
      }
    }
  });
}
