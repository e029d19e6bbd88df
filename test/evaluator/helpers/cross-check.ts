/**
 * Compares `reachability()` (indexed, group-wise) with pairwise `check()`
 * (direct): they must give the same answers.
 */
import type { NetworkPolicyEvaluator, PodGroup, PortRange, Protocol, ReachabilityEdge } from '../../../lib/evaluator';
import { PROTOCOLS } from '../../../lib/evaluator';

/** Ports probed on every pair, in addition to the boundaries of the pair's edge ranges. */
export const PROBE_PORTS = [1, 49, 50, 53, 79, 80, 81, 82, 90, 91, 443, 8080, 65535];

/**
 * The disagreements between `reachability(groups)` and `check()` over every
 * ordered pair of groups, probing {@link PROBE_PORTS} and the edge's range
 * boundaries on every protocol:
 * - a governed pair's edge must hold exactly the probed ports check() allows;
 * - an ungoverned pair (neither side isolated) must have no edge;
 * - the edge's allowedBy must equal the union of check()'s allowedBy on the allowed probes;
 * - no pair may have two edges.
 */
export function reachabilityDisagreements(evaluator: NetworkPolicyEvaluator, groups: readonly PodGroup[]): string[] {
  const list = evaluator.reachability(groups);
  const edges = new Map(list.map((e) => [`${e.from} -> ${e.to}`, e]));
  const duplicates = list.length === edges.size ? [] : [`${list.length - edges.size} duplicate edge(s)`];
  return [...duplicates, ...groups.flatMap((src) => groups.flatMap((dst) => pairDisagreements(evaluator, src, dst, edges.get(`${src.id} -> ${dst.id}`))))];
}

function pairDisagreements(evaluator: NetworkPolicyEvaluator, src: PodGroup, dst: PodGroup, edge: ReachabilityEdge | undefined): string[] {
  const pair = `${src.id} -> ${dst.id}`;
  const problems: string[] = [];
  const allowedBy = new Set<string>();
  for (const protocol of PROTOCOLS) {
    for (const port of probePorts(protocol, edge)) {
      const verdict = evaluator.check(src, dst, port, protocol);
      const governed = verdict.egress.isolated || verdict.ingress.isolated;
      const listed = edge !== undefined && edge.ports.some((r) => inRange(r, protocol, port));
      if (listed !== (governed && verdict.allowed)) {
        const said = `${verdict.allowed ? 'allowed' : 'denied'}${governed ? '' : ' and ungoverned'}`;
        problems.push(`${pair} ${protocol}/${port}: check() says ${said}, reachability() ${listed ? 'lists' : 'omits'} it`);
      }
      if (verdict.allowed) [...verdict.egress.allowedBy, ...verdict.ingress.allowedBy].forEach((p) => allowedBy.add(p));
    }
  }
  const expectedBy = [...allowedBy].sort().join(',');
  if (edge && edge.allowedBy.join(',') !== expectedBy) {
    problems.push(`${pair}: reachability() allowedBy [${edge.allowedBy}], check() allowedBy [${expectedBy}]`);
  }
  return problems;
}

function probePorts(protocol: Protocol, edge: ReachabilityEdge | undefined): number[] {
  const bounds = (edge?.ports ?? []).filter((r) => r.protocol === protocol).flatMap((r) => [r.from - 1, r.from, r.to, r.to + 1]);
  return [...new Set([...PROBE_PORTS, ...bounds])].filter((p) => p >= 1 && p <= 65535);
}

function inRange(range: PortRange, protocol: Protocol, port: number): boolean {
  return range.protocol === protocol && range.from <= port && port <= range.to;
}
