/**
 * NetworkPolicy manifests (`networking.k8s.io/v1`) parsed into a normalised,
 * validated form the evaluator works on.
 */
import type { IpBlock } from './cidr';
import { parseIpBlock } from './cidr';
import type { RulePorts } from './rule-ports';
import { parseRulePorts } from './rule-ports';
import type { Selector } from './selector';
import { parseSelector } from './selector';

/** The namespace of a namespaced object whose manifest names none. */
export const DEFAULT_NAMESPACE = 'default';

/**
 * A rule peer selecting pods: by `podSelector` in the policy's own namespace
 * when `namespaceSelector` is undefined, else by both selectors (AND) in the
 * namespaces that `namespaceSelector` selects.
 */
export interface PodPeer {
  readonly kind: 'pods';
  readonly podSelector: Selector;
  readonly namespaceSelector?: Selector;
}

/** A rule peer given as an `ipBlock`. */
export interface IpBlockPeer {
  readonly kind: 'ipBlock';
  readonly block: IpBlock;
  /** The endpoint id of the block in reachability edges: `cidr:<cidr>[ except <a>,<b>]`. */
  readonly id: string;
}

/** One `from`/`to` entry of a rule. */
export type Peer = PodPeer | IpBlockPeer;

/** An ingress or egress rule. `peers: 'all'` stands for an absent or empty `from`/`to`. */
export interface Rule {
  readonly peers: readonly Peer[] | 'all';
  readonly ports: RulePorts;
}

/** A parsed NetworkPolicy. A direction's rules are undefined iff the policy does not govern that direction. */
export interface Policy {
  /** `<namespace>/<name>`. */
  readonly name: string;
  readonly namespace: string;
  readonly podSelector: Selector;
  readonly ingress?: readonly Rule[];
  readonly egress?: readonly Rule[];
}

/** A traffic direction, seen from the pod a policy selects. */
export type Direction = 'ingress' | 'egress';

/**
 * Parses a NetworkPolicy manifest. `policyTypes` defaults as the API server
 * does: `Ingress` always, plus `Egress` iff `spec.egress` has at least one rule.
 * @throws Error on a malformed selector, peer, port or CIDR.
 */
export function parsePolicy(manifest: any): Policy {
  const namespace: string = manifest?.metadata?.namespace ?? DEFAULT_NAMESPACE;
  const name = `${namespace}/${manifest?.metadata?.name ?? ''}`;
  const spec = manifest?.spec ?? {};
  const types = policyTypes(spec);
  const parseRules = (direction: Direction, peerKey: 'from' | 'to'): Rule[] =>
    (spec[direction] ?? []).map((raw: any, i: number) => parseRule(raw, peerKey, `NetworkPolicy ${name} spec.${direction}[${i}]`));
  return {
    name,
    namespace,
    podSelector: parseSelector(spec.podSelector, `NetworkPolicy ${name} podSelector`),
    ingress: types.has('Ingress') ? parseRules('ingress', 'from') : undefined,
    egress: types.has('Egress') ? parseRules('egress', 'to') : undefined,
  };
}

/** The effective policyTypes of a policy spec, with the API server's defaulting. */
export function policyTypes(spec: any): ReadonlySet<string> {
  const explicit: unknown[] = spec?.policyTypes ?? [];
  if (explicit.length > 0) return new Set(explicit.map(String));
  const hasEgressRules = (spec?.egress ?? []).length > 0;
  return new Set(hasEgressRules ? ['Ingress', 'Egress'] : ['Ingress']);
}

function parseRule(raw: any, peerKey: 'from' | 'to', where: string): Rule {
  const rawPeers: any[] = raw?.[peerKey] ?? [];
  return {
    peers: rawPeers.length === 0 ? 'all' : rawPeers.map((p, i) => parsePeer(p, `${where}.${peerKey}[${i}]`)),
    ports: parseRulePorts(raw?.ports, `${where}.ports`),
  };
}

function parsePeer(raw: any, where: string): Peer {
  if (raw?.ipBlock) return parseIpBlockPeer(raw.ipBlock, where);
  const hasPods = raw?.podSelector !== undefined && raw?.podSelector !== null;
  const hasNamespaces = raw?.namespaceSelector !== undefined && raw?.namespaceSelector !== null;
  if (!hasPods && !hasNamespaces) throw new Error(`${where}: a peer needs podSelector, namespaceSelector or ipBlock`);
  return {
    kind: 'pods',
    podSelector: parseSelector(raw.podSelector, `${where}.podSelector`),
    namespaceSelector: hasNamespaces ? parseSelector(raw.namespaceSelector, `${where}.namespaceSelector`) : undefined,
  };
}

function parseIpBlockPeer(raw: any, where: string): IpBlockPeer {
  const cidr = String(raw.cidr ?? '');
  const except: string[] = (raw.except ?? []).map(String);
  try {
    return { kind: 'ipBlock', block: parseIpBlock(cidr, except), id: ipBlockId(cidr, except) };
  } catch (e) {
    throw new Error(`${where}.ipBlock: ${(e as Error).message}`, { cause: e });
  }
}

/** The endpoint id of an ipBlock in reachability edges. */
export function ipBlockId(cidr: string, except: readonly string[] = []): string {
  return except.length === 0 ? `cidr:${cidr}` : `cidr:${cidr} except ${except.join(',')}`;
}
