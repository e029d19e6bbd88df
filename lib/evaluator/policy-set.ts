/**
 * The parsed policies of a cluster, grouped by namespace.
 */
import type { Policy } from './policy';
import { matchesSelector } from './selector';
import type { Isolation, PodGroup } from './types';
import { pushTo } from './util';

/** Policies grouped by namespace, to find those selecting a pod group. */
export class PolicySet {
  private readonly byNamespace = new Map<string, Policy[]>();

  /** @param policies parsed policies, in any order. */
  constructor(readonly policies: readonly Policy[]) {
    for (const policy of policies) {
      pushTo(this.byNamespace, policy.namespace, policy);
    }
  }

  /** The policies that apply to the group: in its namespace, with a podSelector matching its labels. */
  selecting(group: PodGroup): Policy[] {
    return (this.byNamespace.get(group.namespace) ?? []).filter((p) => matchesSelector(p.podSelector, group.labels));
  }

  /** The isolation of a group: per direction, whether a policy governing that direction selects it. */
  isolation(group: PodGroup): Isolation {
    const selecting = this.selecting(group);
    return {
      ingress: selecting.some((p) => p.ingress !== undefined),
      egress: selecting.some((p) => p.egress !== undefined),
    };
  }
}
