/**
 * Group-wise reachability: every allowed connection governed by at least one
 * policy, with its exact port set, computed from the per-direction tables
 * without looking at all pairs of groups.
 */
import type { ClusterIndex } from './cluster-index';
import type { Contributions } from './direction-table';
import { DirectionTable } from './direction-table';
import type { Policy } from './policy';
import type { PortSet } from './port-set';
import { ALL_PORTS, intersect, isEmpty, overlaps, toPortRanges, unionAll } from './port-set';
import type { PodGroup, ReachabilityEdge } from './types';
import { compareStrings, sortedUnique } from './util';

/**
 * Computes the reachability edges between `index`'s groups (and ipBlock
 * endpoints) under `policies`, sorted by source then destination.
 */
export function computeReachability(policies: readonly Policy[], index: ClusterIndex): ReachabilityEdge[] {
  const egress = DirectionTable.build('egress', policies, index);
  const ingress = DirectionTable.build('ingress', policies, index);
  const edges: ReachabilityEdge[] = [];
  const keep = (edge: ReachabilityEdge | undefined) => edge && edges.push(edge);

  for (const [srcId, dstId] of candidatePairs(index.groups, egress, ingress)) {
    keep(groupEdge(index.group(srcId)!, index.group(dstId)!, egress, ingress));
  }
  for (const [srcId, cidrs] of egress.toCidrs) {
    for (const [cidrId, contributions] of cidrs) keep(makeEdge(srcId, cidrId, contributions, undefined));
  }
  for (const [dstId, cidrs] of ingress.toCidrs) {
    for (const [cidrId, contributions] of cidrs) keep(makeEdge(cidrId, dstId, undefined, contributions));
  }
  return edges.sort((a, b) => compareStrings(a.from, b.from) || compareStrings(a.to, b.to));
}

/**
 * Every (source, destination) group pair that may be governed and allowed,
 * each exactly once, without materialising them:
 * - pairs named explicitly by an egress rule, then those named only by an ingress rule;
 * - a source with a wildcard egress rule, towards every destination that is
 *   not ingress-isolated or that has a wildcard ingress rule itself;
 * - every source that is not egress-isolated, towards a destination with a
 *   wildcard ingress rule.
 * Any other pair is ungoverned, or denied by an isolated side without a rule for it.
 */
export function* candidatePairs(groups: readonly PodGroup[], egress: DirectionTable, ingress: DirectionTable): Generator<[string, string]> {
  const namedByEgress = (src: string, dst: string) => egress.toGroups.get(src)?.has(dst) ?? false;
  const namedByIngress = (src: string, dst: string) => ingress.toGroups.get(dst)?.has(src) ?? false;
  for (const [src, dsts] of egress.toGroups) for (const dst of dsts.keys()) yield [src, dst];
  for (const [dst, srcs] of ingress.toGroups) for (const src of srcs.keys()) if (!namedByEgress(src, dst)) yield [src, dst];

  const ids = groups.map((g) => g.id);
  const openIngress = ids.filter((id) => !ingress.isolated.has(id));
  const wildcardIngress = [...ingress.wildcards.keys()];
  for (const src of egress.wildcards.keys()) {
    for (const dst of openIngress) if (!namedByEgress(src, dst)) yield [src, dst];
    for (const dst of wildcardIngress) if (!namedByEgress(src, dst) && !namedByIngress(src, dst)) yield [src, dst];
  }
  for (const src of ids.filter((id) => !egress.isolated.has(id))) {
    for (const dst of wildcardIngress) if (!namedByIngress(src, dst)) yield [src, dst];
  }
}

/** The edge between two groups, or undefined when no port is allowed or neither side is isolated. */
function groupEdge(src: PodGroup, dst: PodGroup, egress: DirectionTable, ingress: DirectionTable): ReachabilityEdge | undefined {
  const egressSide = egress.isolated.has(src.id) ? egress.groupContributions(src.id, dst.id, dst.ports) : undefined;
  const ingressSide = ingress.isolated.has(dst.id) ? ingress.groupContributions(dst.id, src.id, dst.ports) : undefined;
  if (!egressSide && !ingressSide) return undefined;
  return makeEdge(src.id, dst.id, egressSide, ingressSide);
}

/**
 * An edge from the contributions of each side (`undefined`: the side is not
 * isolated and allows every port); undefined when no port is allowed.
 * `allowedBy` keeps the policies that allow at least one of the edge's ports.
 */
export function makeEdge(
  from: string,
  to: string,
  egressSide: Contributions | undefined,
  ingressSide: Contributions | undefined,
): ReachabilityEdge | undefined {
  const allowed = intersect(sidePorts(egressSide), sidePorts(ingressSide));
  if (isEmpty(allowed)) return undefined;
  const contributing = [...(egressSide ?? []), ...(ingressSide ?? [])].filter((c) => overlaps(c.ports, allowed)).map((c) => c.policy);
  return { from, to, ports: toPortRanges(allowed), allowedBy: sortedUnique(contributing) };
}

function sidePorts(side: Contributions | undefined): PortSet {
  return side ? unionAll(side.map((c) => c.ports)) : ALL_PORTS;
}
