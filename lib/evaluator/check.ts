/**
 * The verdict for a single connection, computed directly from the policies
 * (no index): the reference semantics that reachability is tested against.
 */
import type { NamespaceLabels } from './namespaces';
import { rulePeersMatch } from './peer-match';
import type { Direction, Policy } from './policy';
import type { PolicySet } from './policy-set';
import { hasPort } from './port-set';
import { resolveRulePorts } from './rule-ports';
import type { CheckResult, Endpoint, Protocol, SideVerdict } from './types';
import { isPodGroup } from './types';
import { sortedUnique } from './util';

/** One connection to judge. */
export interface Connection {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly port: number;
  readonly protocol: Protocol;
}

/** The verdict of a side that is not checked (the endpoint is not a pod). */
function uncheckedSide(): SideVerdict {
  return { isolated: false, allowedBy: [] };
}

/**
 * Judges a connection: allowed iff the egress side (at a pod source) and the
 * ingress side (at a pod destination) both allow it; a side is checked only
 * for a pod, and allows everything when no policy of its direction selects the pod.
 */
export function checkConnection(policies: PolicySet, namespaces: NamespaceLabels, c: Connection): CheckResult {
  const egress = isPodGroup(c.src) ? sideVerdict(policies.selecting(c.src), 'egress', c.dst, c, namespaces) : uncheckedSide();
  const ingress = isPodGroup(c.dst) ? sideVerdict(policies.selecting(c.dst), 'ingress', c.src, c, namespaces) : uncheckedSide();
  return { allowed: sideAllows(egress) && sideAllows(ingress), egress, ingress };
}

/**
 * The verdict of one side: `peer` is the endpoint at the other end; the rule
 * ports always resolve against the connection's destination.
 */
function sideVerdict(
  selecting: readonly Policy[],
  direction: Direction,
  peer: Endpoint,
  c: Connection,
  namespaces: NamespaceLabels,
): SideVerdict {
  const governing = selecting.filter((p) => p[direction] !== undefined);
  const destinationPorts = isPodGroup(c.dst) ? c.dst.ports : undefined;
  const allows = (p: Policy): boolean =>
    p[direction]!.some(
      (rule) =>
        rulePeersMatch(rule, p.namespace, peer, namespaces) &&
        hasPort(resolveRulePorts(rule.ports, destinationPorts), c.protocol, c.port),
    );
  return { isolated: governing.length > 0, allowedBy: sortedUnique(governing.filter(allows).map((p) => p.name)) };
}

function sideAllows(side: SideVerdict): boolean {
  return !side.isolated || side.allowedBy.length > 0;
}
