/**
 * Indexes over the pod groups of a cluster, answering "which groups does this
 * policy select / this peer match?" through label postings, never by scanning
 * all groups.
 */
import { IpIndex } from './ip-index';
import { LabelIndex } from './label-index';
import type { NamespaceLabels } from './namespaces';
import type { Peer, Policy } from './policy';
import type { PodGroup } from './types';
import { getOrCreate } from './util';

const EMPTY: readonly PodGroup[] = [];

/** Pod groups indexed by id, by namespace and labels, and by IP; namespaces indexed by labels. */
export class ClusterIndex {
  private readonly byId = new Map<string, PodGroup>();
  private readonly podsByNamespace = new Map<string, LabelIndex<PodGroup>>();
  private readonly namespaceIndex: LabelIndex<string>;
  private readonly ips: IpIndex;

  /**
   * @param groups the pod groups; ids must be unique.
   * @param namespaces namespace labels; every namespace with a manifest or a group is indexed.
   * @throws Error on a duplicate group id or an invalid group IP.
   */
  constructor(
    readonly groups: readonly PodGroup[],
    namespaces: NamespaceLabels,
  ) {
    for (const group of groups) {
      if (this.byId.has(group.id)) throw new Error(`duplicate pod group id '${group.id}'`);
      this.byId.set(group.id, group);
      const labelsOfPod = (g: PodGroup) => g.labels;
      getOrCreate(this.podsByNamespace, group.namespace, () => new LabelIndex(labelsOfPod)).add(group);
    }
    this.namespaceIndex = new LabelIndex((name: string) => namespaces.labelsOf(name));
    const names = new Set([...namespaces.declaredNames(), ...this.podsByNamespace.keys()]);
    for (const name of names) this.namespaceIndex.add(name);
    this.ips = new IpIndex(groups);
  }

  /** The group with this id. */
  group(id: string): PodGroup | undefined {
    return this.byId.get(id);
  }

  /** The groups a policy applies to: in its namespace, matched by its podSelector. */
  selectedBy(policy: Policy): readonly PodGroup[] {
    return this.podsByNamespace.get(policy.namespace)?.select(policy.podSelector) ?? EMPTY;
  }

  /** The groups a rule peer of a policy in `policyNamespace` matches. */
  peerGroups(peer: Peer, policyNamespace: string): readonly PodGroup[] {
    if (peer.kind === 'ipBlock') return this.ips.inBlock(peer.block);
    const namespaces = peer.namespaceSelector ? this.namespaceIndex.select(peer.namespaceSelector) : [policyNamespace];
    return namespaces.flatMap((ns) => this.podsByNamespace.get(ns)?.select(peer.podSelector) ?? EMPTY);
  }
}
