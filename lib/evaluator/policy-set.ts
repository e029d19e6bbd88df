/**
 * The parsed policies of a cluster, grouped by namespace.
 */
import type { Policy } from './policy';
import { matchesSelector, selectsAll } from './selector';
import type { Isolation, PodGroup } from './types';
import { pushTo } from './util';

/** Policies grouped by namespace, to find those selecting a pod group. */
export class PolicySet {
  private readonly byNamespace = new Map<string, Policy[]>();
  /** The same lists with the policies that select every pod first: they settle isolation at once. */
  private readonly selectAllFirst = new Map<string, Policy[]>();

  /** @param policies parsed policies, in any order. */
  constructor(readonly policies: readonly Policy[]) {
    for (const policy of policies) {
      pushTo(this.byNamespace, policy.namespace, policy);
    }
    for (const [ns, list] of this.byNamespace) {
      this.selectAllFirst.set(ns, [...list.filter((p) => selectsAll(p.podSelector)), ...list.filter((p) => !selectsAll(p.podSelector))]);
    }
  }

  /** The policies that apply to the group: in its namespace, with a podSelector matching its labels. */
  selecting(group: PodGroup): Policy[] {
    return (this.byNamespace.get(group.namespace) ?? []).filter((p) => matchesSelector(p.podSelector, group.labels));
  }

  /** The isolation of a group: per direction, whether a policy governing that direction selects it. */
  isolation(group: PodGroup): Isolation {
    // Called for every workload: stop as soon as both directions are known (a default-deny settles both).
    let ingress = false;
    let egress = false;
    for (const p of this.selectAllFirst.get(group.namespace) ?? []) {
      const adds = (!ingress && p.ingress !== undefined) || (!egress && p.egress !== undefined);
      if (!adds || !matchesSelector(p.podSelector, group.labels)) continue;
      ingress ||= p.ingress !== undefined;
      egress ||= p.egress !== undefined;
      if (ingress && egress) break;
    }
    return { ingress, egress };
  }
}
