/**
 * The shape and semantics of reachability(): governed pairs only, exact port
 * sets, ipBlock endpoints, policy attribution, determinism.
 */
import type { PodGroup } from '../../lib/evaluator';
import { NetworkPolicyEvaluator } from '../../lib/evaluator';
import { matchLabels, netpol, pods } from './helpers/builders';
import { reachabilityDisagreements } from './helpers/cross-check';

const web = pods('shop/web', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }] });
const api = pods('shop/api', { app: 'api' }, { ports: [{ name: 'http', containerPort: 9090 }] });
const db = pods('data/db', { app: 'db' }, { ports: [{ name: 'pg', containerPort: 5432 }], ip: '10.0.5.5' });
const groups = [web, api, db];

const edgesOf = (policies: any[], gs: PodGroup[] = groups) => new NetworkPolicyEvaluator({ policies }).reachability(gs);

describe('reachability()', () => {
  test('without policies nothing is governed, so nothing is listed', () => {
    expect(edgesOf([])).toEqual([]);
  });

  test('pairs where neither side is isolated are not listed', () => {
    const edges = edgesOf([netpol('shop', 'api-in', { podSelector: matchLabels({ app: 'api' }), ingress: [{}] })]);
    expect(edges.map((e) => `${e.from} -> ${e.to}`)).toEqual([
      'cidr:0.0.0.0/0 -> shop/api',
      'cidr:::/0 -> shop/api',
      'data/db -> shop/api',
      'shop/api -> shop/api',
      'shop/web -> shop/api',
    ]);
  });

  test('the port set is the intersection of egress at the source and ingress at the destination', () => {
    const edges = edgesOf([
      netpol('shop', 'web-out', {
        podSelector: matchLabels({ app: 'web' }),
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: matchLabels({ app: 'api' }) }], ports: [{ port: 9000, endPort: 9100 }, { port: 53, protocol: 'UDP' }] }],
      }),
      netpol('shop', 'api-in', {
        podSelector: matchLabels({ app: 'api' }),
        ingress: [{ ports: [{ port: 9090 }, { port: 9095, endPort: 9200 }] }, { ports: [{ port: 53, protocol: 'UDP' }] }],
      }),
    ]);
    expect(edges.find((e) => e.from === 'shop/web' && e.to === 'shop/api')).toEqual({
      from: 'shop/web',
      to: 'shop/api',
      ports: [
        { protocol: 'TCP', from: 9090, to: 9090 },
        { protocol: 'TCP', from: 9095, to: 9100 },
        { protocol: 'UDP', from: 53, to: 53 },
      ],
      allowedBy: ['shop/api-in', 'shop/web-out'],
    });
    // api's ingress is open to db on its ports (db's egress is not isolated): every port the rules name.
    expect(edges.find((e) => e.from === 'data/db' && e.to === 'shop/api')?.ports).toEqual([
      { protocol: 'TCP', from: 9090, to: 9090 },
      { protocol: 'TCP', from: 9095, to: 9200 },
      { protocol: 'UDP', from: 53, to: 53 },
    ]);
    // web may not reach db at all (egress isolated, no rule): no edge.
    expect(edges.find((e) => e.from === 'shop/web' && e.to === 'data/db')).toBeUndefined();
  });

  test('an empty intersection gives no edge', () => {
    const edges = edgesOf([
      netpol('shop', 'web-out', { podSelector: matchLabels({ app: 'web' }), policyTypes: ['Egress'], egress: [{ ports: [{ port: 1 }] }] }),
      netpol('shop', 'api-in', { podSelector: matchLabels({ app: 'api' }), ingress: [{ ports: [{ port: 2 }] }] }),
    ]);
    expect(edges.filter((e) => e.from === 'shop/web' && e.to === 'shop/api')).toEqual([]);
  });

  test('named ports resolve per destination group; a destination without the name gets nothing', () => {
    const edges = edgesOf([netpol('shop', 'web-out', { podSelector: matchLabels({ app: 'web' }), policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] })]);
    const ports = (to: string) => edges.find((e) => e.from === 'shop/web' && e.to === to)?.ports;
    expect(ports('shop/api')).toEqual([{ protocol: 'TCP', from: 9090, to: 9090 }]);
    expect(ports('shop/web')).toEqual([{ protocol: 'TCP', from: 8080, to: 8080 }]);
    expect(ports('data/db')).toBeUndefined();
    expect(ports('cidr:0.0.0.0/0')).toBeUndefined(); // an address has no named ports
  });

  test('ipBlock peers give cidr: endpoints (with except in the id) and match pods by IP', () => {
    const edges = edgesOf([
      netpol('shop', 'web-out', {
        podSelector: matchLabels({ app: 'web' }),
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.9.0.0/16', '10.8.0.0/16'] } }], ports: [{ port: 5432 }] }],
      }),
      netpol('shop', 'api-in', { podSelector: matchLabels({ app: 'api' }), ingress: [{ from: [{ ipBlock: { cidr: '2001:db8::/32' } }], ports: [{ port: 'http' }] }] }),
    ]);
    expect(edges).toEqual([
      { from: 'cidr:2001:db8::/32', to: 'shop/api', ports: [{ protocol: 'TCP', from: 9090, to: 9090 }], allowedBy: ['shop/api-in'] },
      { from: 'shop/web', to: 'cidr:10.0.0.0/8 except 10.9.0.0/16,10.8.0.0/16', ports: [{ protocol: 'TCP', from: 5432, to: 5432 }], allowedBy: ['shop/web-out'] },
      { from: 'shop/web', to: 'data/db', ports: [{ protocol: 'TCP', from: 5432, to: 5432 }], allowedBy: ['shop/web-out'] }, // db's IP is in the block
    ]);
  });

  test('rules with an empty from/to also reach any address', () => {
    const edges = edgesOf([netpol('shop', 'web-out', { podSelector: matchLabels({ app: 'web' }), policyTypes: ['Egress'], egress: [{ ports: [{ port: 443 }] }] })]);
    expect(edges.filter((e) => e.to.startsWith('cidr:'))).toEqual([
      { from: 'shop/web', to: 'cidr:0.0.0.0/0', ports: [{ protocol: 'TCP', from: 443, to: 443 }], allowedBy: ['shop/web-out'] },
      { from: 'shop/web', to: 'cidr:::/0', ports: [{ protocol: 'TCP', from: 443, to: 443 }], allowedBy: ['shop/web-out'] },
    ]);
  });

  test('allowedBy keeps only the policies that allow one of the edge ports', () => {
    const edges = edgesOf([
      netpol('shop', 'web-out', { podSelector: matchLabels({ app: 'web' }), policyTypes: ['Egress'], egress: [{ ports: [{ port: 9090 }] }] }),
      netpol('shop', 'api-9090', { podSelector: matchLabels({ app: 'api' }), ingress: [{ ports: [{ port: 9090 }] }] }),
      netpol('shop', 'api-7000', { podSelector: matchLabels({ app: 'api' }), ingress: [{ ports: [{ port: 7000 }] }] }),
    ]);
    expect(edges.find((e) => e.from === 'shop/web' && e.to === 'shop/api')?.allowedBy).toEqual(['shop/api-9090', 'shop/web-out']);
  });

  test('output is sorted and independent of input order', () => {
    const policies = [
      netpol('shop', 'all-in', { podSelector: {}, ingress: [{}] }),
      netpol('data', 'db-in', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] }),
    ];
    const forward = edgesOf(policies);
    expect(edgesOf([...policies].reverse(), [...groups].reverse())).toEqual(forward);
    const keys = forward.map((e) => [e.from, e.to]);
    expect(keys).toEqual([...keys].sort((a, b) => (a[0] + '\u0000' + a[1] < b[0] + '\u0000' + b[1] ? -1 : 1)));
  });

  test('duplicate group ids, or a group IP that is not an address, are errors', () => {
    expect(() => edgesOf([], [web, web])).toThrow(/duplicate pod group id 'shop\/web'/);
    expect(() => edgesOf([], [{ ...db, ip: '10.0.5.0/24' }])).toThrow(/pod group data\/db: invalid IP address/);
  });

  test('agrees with check() on a mixed cluster', () => {
    const policies = [
      netpol('shop', 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
      netpol('shop', 'web-to-api', {
        podSelector: matchLabels({ app: 'web' }),
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: matchLabels({ app: 'api' }) }], ports: [{ port: 'http' }] }, { to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }],
      }),
      netpol('shop', 'api-from-web', { podSelector: matchLabels({ app: 'api' }), ingress: [{ from: [{ podSelector: matchLabels({ app: 'web' }) }] }] }),
      netpol('data', 'db', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 5432 }, { protocol: 'UDP' }] }] }),
    ];
    expect(reachabilityDisagreements(new NetworkPolicyEvaluator({ policies }), groups)).toEqual([]);
  });
});
