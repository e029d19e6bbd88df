/**
 * What the policies of one direction (ingress or egress) allow, per pod group
 * they select, built from the cluster index in time proportional to the
 * number of (selected group, matched peer) pairs.
 */
import type { ClusterIndex } from './cluster-index';
import type { Direction, Policy, Rule } from './policy';
import { ipBlockId } from './policy';
import type { PortSet } from './port-set';
import { isEmpty } from './port-set';
import type { RulePorts } from './rule-ports';
import { resolveRulePorts } from './rule-ports';
import type { ContainerPortInfo, PodGroup } from './types';
import { getOrCreate } from './util';

/** Ports a policy allows for one (holder, other endpoint) pair. */
export interface Contribution {
  readonly policy: string;
  readonly ports: PortSet;
}

/** What the policies allow for one pair (a policy may appear more than once: the union counts). */
export type Contributions = readonly Contribution[];

const NONE: Contributions = [];

/** The endpoint ids standing for "any address", used for rules without peers. */
export const ANY_ADDRESS_IDS: readonly string[] = [ipBlockId('0.0.0.0/0'), ipBlockId('::/0')];

/**
 * A rule whose `from`/`to` is empty: it matches every peer. `fixed` is set
 * when the rule names no port, so its ports do not depend on the destination.
 */
interface WildcardRule {
  readonly policy: string;
  readonly ports: RulePorts;
  readonly fixed?: Contribution;
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
  readonly toGroups = new Map<string, Map<string, Contribution[]>>();
  /** holder id -> ipBlock endpoint id -> contributions (rules without peers count as any-address blocks). */
  readonly toCidrs = new Map<string, Map<string, Contribution[]>>();
  /** holder id -> rules without peers, resolved per pair on demand (they match every group). */
  readonly wildcards = new Map<string, WildcardRule[]>();
  private readonly fixedWildcardCache = new Map<string, Contributions | undefined>();

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
    const explicit = this.toGroups.get(holderId)?.get(otherId) ?? NONE;
    const wildcards = this.wildcards.get(holderId);
    if (!wildcards) return explicit;
    const fixed = this.fixedWildcards(holderId, wildcards);
    if (fixed && explicit.length === 0) return fixed;
    return [...explicit, ...wildcards.map((w) => resolveWildcard(w, destinationPorts))];
  }

  /** The holder's wildcard contributions when none depends on the destination (cached), else undefined. */
  private fixedWildcards(holderId: string, wildcards: readonly WildcardRule[]): Contributions | undefined {
    if (!this.fixedWildcardCache.has(holderId)) {
      const allFixed = wildcards.every((w) => w.fixed);
      this.fixedWildcardCache.set(holderId, allFixed ? wildcards.map((w) => w.fixed!) : undefined);
    }
    return this.fixedWildcardCache.get(holderId);
  }

  private addRule(policy: Policy, rule: Rule, holders: readonly PodGroup[], index: ClusterIndex): void {
    const contribution = this.contributionOf(policy, rule);
    if (rule.peers === 'all') {
      for (const holder of holders) {
        getOrCreate(this.wildcards, holder.id, () => []).push({ policy: policy.name, ports: rule.ports, fixed: contribution.fixed });
        const toAnyAddress = contribution.towards(holder);
        for (const id of ANY_ADDRESS_IDS) this.add(this.toCidrs, holder.id, id, toAnyAddress);
      }
      return;
    }
    for (const peer of rule.peers) {
      const others = index.peerGroups(peer, policy.namespace);
      for (const holder of holders) {
        for (const other of others) this.add(this.toGroups, holder.id, other.id, contribution.towards(holder, other));
        if (peer.kind === 'ipBlock') this.add(this.toCidrs, holder.id, peer.id, contribution.towards(holder));
      }
    }
  }

  /**
   * A rule's contribution towards a (holder, other) pair. It depends only on
   * the destination's ports, so it is resolved once per destination (and
   * shared by every pair when the rule names no port).
   */
  private contributionOf(policy: Policy, rule: Rule): { fixed?: Contribution; towards: (holder: PodGroup, other?: PodGroup) => Contribution } {
    if (rule.ports.named.length === 0) {
      const fixed = { policy: policy.name, ports: rule.ports.fixed };
      return { fixed, towards: () => fixed };
    }
    const byDestination = new Map<PodGroup | undefined, Contribution>();
    const towards = (holder: PodGroup, other?: PodGroup): Contribution => {
      const destination = this.direction === 'ingress' ? holder : other;
      return getOrCreate(byDestination, destination, () => ({ policy: policy.name, ports: resolveRulePorts(rule.ports, destination?.ports) }));
    };
    return { towards };
  }

  private add(map: Map<string, Map<string, Contribution[]>>, holderId: string, otherId: string, contribution: Contribution): void {
    if (isEmpty(contribution.ports)) return;
    const byOther = getOrCreate(map, holderId, () => new Map<string, Contribution[]>());
    getOrCreate(byOther, otherId, () => []).push(contribution);
  }
}

/** A wildcard rule's contribution towards a destination with the given ports. */
function resolveWildcard(rule: WildcardRule, destinationPorts: readonly ContainerPortInfo[] | undefined): Contribution {
  return rule.fixed ?? { policy: rule.policy, ports: resolveRulePorts(rule.ports, destinationPorts) };
}
