/**
 * What the policies of one direction (ingress or egress) allow, per pod group
 * they select, built from the cluster index in time proportional to the
 * number of (selected group, matched peer) pairs.
 */
import { ClusterIndex } from './cluster-index';
import { Direction, Policy, Rule } from './policy';
import { isEmpty, PortSet, union } from './port-set';
import { resolveRulePorts, RulePorts } from './rule-ports';
import { ContainerPortInfo, PodGroup } from './types';
import { getOrCreate } from './util';

/** The ports each policy allows for one (holder, other endpoint) pair, by policy name. */
export type Contributions = Map<string, PortSet>;

/** The endpoint ids standing for "any address", used for rules without peers. */
export const ANY_ADDRESS_IDS: readonly string[] = ['cidr:0.0.0.0/0', 'cidr:::/0'];

/** A rule whose `from`/`to` is empty: it matches every peer. */
interface WildcardRule {
  readonly policy: string;
  readonly ports: RulePorts;
}

/**
 * The allowances of one direction. The holder is the group a policy selects
 * (the source for egress, the destination for ingress); the other end is a
 * group id or an ipBlock endpoint id.
 */
export class DirectionTable {
  /** Ids of the groups isolated in this direction. */
  readonly isolated = new Set<string>();
  /** holder id -> other group id -> contributions, from pod and ipBlock peers. */
  readonly toGroups = new Map<string, Map<string, Contributions>>();
  /** holder id -> ipBlock endpoint id -> contributions (rules without peers count as any-address blocks). */
  readonly toCidrs = new Map<string, Map<string, Contributions>>();
  /** holder id -> rules without peers, resolved per pair on demand (they match every group). */
  readonly wildcards = new Map<string, WildcardRule[]>();

  /** @param direction which rules of the policies this table holds. */
  constructor(readonly direction: Direction) {}

  /** Builds the table of one direction from every policy, via the cluster index. */
  static build(direction: Direction, policies: readonly Policy[], index: ClusterIndex): DirectionTable {
    const table = new DirectionTable(direction);
    for (const policy of policies) {
      const rules = policy[direction];
      const holders = rules ? index.selectedBy(policy) : [];
      if (!rules || holders.length === 0) continue;
      for (const holder of holders) table.isolated.add(holder.id);
      for (const rule of rules) table.addRule(policy, rule, holders, index);
    }
    return table;
  }

  /**
   * The contributions for the pair (holder, other group), explicit and from
   * wildcard rules; `destinationPorts` are the ports of the connection's destination.
   */
  groupContributions(holderId: string, otherId: string, destinationPorts: readonly ContainerPortInfo[] | undefined): Contributions {
    const result: Contributions = new Map(this.toGroups.get(holderId)?.get(otherId) ?? []);
    for (const rule of this.wildcards.get(holderId) ?? []) {
      addPorts(result, rule.policy, resolveRulePorts(rule.ports, destinationPorts));
    }
    return result;
  }

  private addRule(policy: Policy, rule: Rule, holders: readonly PodGroup[], index: ClusterIndex): void {
    if (rule.peers === 'all') {
      for (const holder of holders) {
        getOrCreate(this.wildcards, holder.id, () => []).push({ policy: policy.name, ports: rule.ports });
        const ports = resolveRulePorts(rule.ports, this.destinationPorts(holder));
        for (const id of ANY_ADDRESS_IDS) this.add(this.toCidrs, holder.id, id, policy.name, ports);
      }
      return;
    }
    for (const peer of rule.peers) {
      const others = index.peerGroups(peer, policy.namespace);
      for (const holder of holders) {
        for (const other of others) {
          const ports = resolveRulePorts(rule.ports, this.destinationPorts(holder, other));
          this.add(this.toGroups, holder.id, other.id, policy.name, ports);
        }
        if (peer.kind === 'ipBlock') {
          const ports = resolveRulePorts(rule.ports, this.destinationPorts(holder));
          this.add(this.toCidrs, holder.id, peer.id, policy.name, ports);
        }
      }
    }
  }

  /** The destination's ports: the holder's for ingress, the other end's for egress (none for an address). */
  private destinationPorts(holder: PodGroup, other?: PodGroup): readonly ContainerPortInfo[] | undefined {
    return this.direction === 'ingress' ? holder.ports : other?.ports;
  }

  private add(map: Map<string, Map<string, Contributions>>, holderId: string, otherId: string, policy: string, ports: PortSet): void {
    if (isEmpty(ports)) return;
    const byOther = getOrCreate(map, holderId, () => new Map<string, Contributions>());
    addPorts(getOrCreate(byOther, otherId, () => new Map()), policy, ports);
  }
}

/** Adds a policy's ports to a contributions map, uniting with what the policy already allows. */
function addPorts(contributions: Contributions, policy: string, ports: PortSet): void {
  if (isEmpty(ports)) return;
  const existing = contributions.get(policy);
  contributions.set(policy, existing ? union(existing, ports) : ports);
}
