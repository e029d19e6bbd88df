/**
 * Property test: on random small clusters and policies, the indexed
 * reachability() gives the same answers as pairwise check().
 */
import fc from 'fast-check';
import type { ContainerPortInfo, PodGroup } from '../../lib/evaluator';
import { NetworkPolicyEvaluator } from '../../lib/evaluator';
import { namespace, netpol } from './helpers/builders';
import { reachabilityDisagreements } from './helpers/cross-check';

const NAMESPACES = ['a', 'b', 'c'];

const labelsArb = fc.record({ app: fc.constantFrom('x', 'y'), tier: fc.constantFrom('1', '2') }, { requiredKeys: [] });
const selectorArb = fc.oneof(
  fc.constant({}),
  labelsArb.map((matchLabels) => ({ matchLabels })),
  fc.record({
    matchExpressions: fc.tuple(
      fc.oneof(
        fc.record({ key: fc.constantFrom('app', 'tier', 'env'), operator: fc.constantFrom('In', 'NotIn'), values: fc.constantFrom(['x'], ['1', 'y'],
          ['prod']) }),
        fc.record({ key: fc.constantFrom('app', 'tier', 'env'), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
      ),
    ),
  }),
);
const ipArb = fc.constantFrom('10.0.0.1', '10.0.1.1', '10.1.0.1', 'fd00::1', 'fd00:1::1');
const ipBlockArb = fc.constantFrom(
  { cidr: '10.0.0.0/16' },
  { cidr: '10.0.0.0/8', except: ['10.0.1.0/24'] },
  { cidr: '10.0.0.1/32' },
  { cidr: 'fd00::/16', except: ['fd00:1::/32'] },
  { cidr: '0.0.0.0/0' },
);
const peerArb = fc.oneof(
  selectorArb.map((podSelector) => ({ podSelector })),
  selectorArb.map((namespaceSelector) => ({ namespaceSelector })),
  fc.tuple(selectorArb, selectorArb).map(([podSelector, namespaceSelector]) => ({ podSelector, namespaceSelector })),
  ipBlockArb.map((ipBlock) => ({ ipBlock })),
);
const portArb = fc.constantFrom<any>(
  { port: 80 },
  { port: 'http' },
  { protocol: 'UDP' },
  { port: 50, endPort: 90 },
  { port: 'dns', protocol: 'UDP' },
  { port: 8080, protocol: 'SCTP' },
);
const ruleArb = fc.record(
  { peers: fc.array(peerArb, { maxLength: 2 }), ports: fc.array(portArb, { maxLength: 2 }) },
  { requiredKeys: [] },
);
const policyArb = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  podSelector: selectorArb,
  policyTypes: fc.constantFrom(undefined, ['Ingress'], ['Egress'], ['Ingress', 'Egress']),
  ingress: fc.option(fc.array(ruleArb, { maxLength: 2 }), { nil: undefined }),
  egress: fc.option(fc.array(ruleArb, { maxLength: 2 }), { nil: undefined }),
});
const portsArb = fc.subarray<ContainerPortInfo>([
  { name: 'http', containerPort: 80 },
  { name: 'http', containerPort: 8080, protocol: 'SCTP' },
  { name: 'dns', containerPort: 53, protocol: 'UDP' },
]);
const groupArb = fc.record({ namespace: fc.constantFrom(...NAMESPACES), labels: labelsArb, ports: portsArb, ip: fc.option(ipArb,
  { nil: undefined }) });

/** Turns a generated rule into manifest JSON for the given direction. */
function toRule(rule: { peers?: any[]; ports?: any[] }, peerKey: 'from' | 'to'): any {
  return { ...(rule.peers ? { [peerKey]: rule.peers } : {}), ...(rule.ports ? { ports: rule.ports } : {}) };
}

describe('reachability() vs check() on random clusters', () => {
  test('they agree (property)', () => {
    fc.assert(
      fc.property(fc.array(groupArb, { minLength: 1, maxLength: 6 }), fc.array(policyArb, { maxLength: 4 }), fc.constantFrom('prod', 'dev'), (gs, ps,
        env) => {
        const groups: PodGroup[] = gs.map((g, i) => ({ id: `${g.namespace}/g${i}`, ...g }));
        const policies = ps.map((p, i) =>
          netpol(p.namespace, `p${i}`, {
            podSelector: p.podSelector,
            ...(p.policyTypes ? { policyTypes: p.policyTypes } : {}),
            ...(p.ingress ? { ingress: p.ingress.map((r) => toRule(r, 'from')) } : {}),
            ...(p.egress ? { egress: p.egress.map((r) => toRule(r, 'to')) } : {}),
          }),
        );
        const evaluator = new NetworkPolicyEvaluator({ policies, namespaces: [namespace('a', { env }), namespace('b', { env: 'prod' })] });
        expect(reachabilityDisagreements(evaluator, groups)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
