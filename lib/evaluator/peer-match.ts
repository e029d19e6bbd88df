/**
 * Whether one endpoint is matched by a rule's peers: the direct, unindexed
 * form of the peer semantics, used for single-connection checks.
 */
import type { IpRange } from './cidr';
import { ipBlockCovers, parseCidr } from './cidr';
import { podAddress } from './ip-index';
import type { NamespaceLabels } from './namespaces';
import type { Peer, Rule } from './policy';
import { matchesSelector } from './selector';
import type { Endpoint } from './types';
import { isPodGroup } from './types';

/**
 * The addresses of an endpoint: a pod group's IP (undefined when it has none)
 * or an external endpoint's IP/CIDR.
 */
export function endpointRange(endpoint: Endpoint): IpRange | undefined {
  if (isPodGroup(endpoint)) return endpoint.ip === undefined ? undefined : podAddress(endpoint, endpoint.ip);
  return parseCidr(endpoint.cidr);
}

/**
 * True iff a peer of a policy in `policyNamespace` matches `endpoint`:
 * pod peers match pod groups by namespace and labels; ipBlock peers match any
 * endpoint whose addresses all lie in the block and outside its `except`s.
 */
export function peerMatches(peer: Peer, policyNamespace: string, endpoint: Endpoint, namespaces: NamespaceLabels): boolean {
  if (peer.kind === 'ipBlock') {
    const range = endpointRange(endpoint);
    return range !== undefined && ipBlockCovers(peer.block, range);
  }
  if (!isPodGroup(endpoint)) return false;
  const namespaceOk = peer.namespaceSelector
    ? matchesSelector(peer.namespaceSelector, namespaces.labelsOf(endpoint.namespace))
    : endpoint.namespace === policyNamespace;
  return namespaceOk && matchesSelector(peer.podSelector, endpoint.labels);
}

/** True iff the rule's peers (all of them, when `from`/`to` is empty) include `endpoint`. */
export function rulePeersMatch(rule: Rule, policyNamespace: string, endpoint: Endpoint, namespaces: NamespaceLabels): boolean {
  return rule.peers === 'all' || rule.peers.some((peer) => peerMatches(peer, policyNamespace, endpoint, namespaces));
}
