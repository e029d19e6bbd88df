/**
 * reachability() must stay proportional to the rule matches, not to the
 * number of group pairs: it verifies thousands of workloads at synth time.
 * (No timing assertion; this runs in well under a second.)
 */
import type { PodGroup } from '../../lib/evaluator';
import { NetworkPolicyEvaluator } from '../../lib/evaluator';
import { matchLabels, namespace, netpol } from './helpers/builders';

const GROUPS = 2000;
const NAMESPACES = 50;

const nsOf = (i: number) => `team-${i % NAMESPACES}`;
const appOf = (i: number) => `app-${i}`;

/** Group i: in namespace team-(i mod 50), serving `http` on 8080. */
function chainGroup(i: number): PodGroup {
  return { id: `${nsOf(i)}/Deployment/${appOf(i)}`, namespace: nsOf(i), labels: { app: appOf(i), tier: `t${i % 7}` }, ports: [{ name: 'http', containerPort: 8080 }] };
}

/** The peer selecting group j (namespaceSelector AND podSelector). */
function peer(j: number): any {
  return { namespaceSelector: matchLabels({ 'kubernetes.io/metadata.name': nsOf(j) }), podSelector: matchLabels({ app: appOf(j) }) };
}

/** Policy i: group i accepts `http` from group i-1, and may send `http` to group i+1. */
function chainPolicy(i: number): any {
  return netpol(nsOf(i), `chain-${i}`, {
    podSelector: matchLabels({ app: appOf(i) }),
    policyTypes: ['Ingress', 'Egress'],
    ingress: i > 0 ? [{ from: [peer(i - 1)], ports: [{ port: 'http' }] }] : [],
    egress: i < GROUPS - 1 ? [{ to: [peer(i + 1)], ports: [{ port: 'http' }] }] : [],
  });
}

describe('scale', () => {
  test(`reachability over ${GROUPS} groups and a chain of ${GROUPS} policies`, () => {
    const groups = Array.from({ length: GROUPS }, (_, i) => chainGroup(i));
    const evaluator = new NetworkPolicyEvaluator({
      policies: Array.from({ length: GROUPS }, (_, i) => chainPolicy(i)),
      namespaces: Array.from({ length: NAMESPACES }, (_, n) => namespace(`team-${n}`, { team: String(n) })),
    });

    const edges = evaluator.reachability(groups);

    const expected = groups.slice(1).map((dst, k) => ({
      from: groups[k].id,
      to: dst.id,
      ports: [{ protocol: 'TCP', from: 8080, to: 8080 }],
      allowedBy: [`${nsOf(k)}/chain-${k}`, `${nsOf(k + 1)}/chain-${k + 1}`].sort(),
    }));
    const byPair = (a: { from: string; to: string }, b: { from: string; to: string }) => (a.from + ' ' + a.to < b.from + ' ' + b.to ? -1 : 1);
    expect([...edges].sort(byPair)).toEqual(expected.sort(byPair));
  });
});
