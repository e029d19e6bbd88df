/**
 * One test (or a few) per semantic point of networking.k8s.io/v1 NetworkPolicy,
 * through the evaluator's public API.
 */
import { NetworkPolicyEvaluator } from '../../lib/evaluator';
import { matchLabels, namespace, netpol, pods } from './helpers/builders';

const web = pods('shop/web', { app: 'web', tier: 'front' }, { ports: [{ name: 'http', containerPort: 8080 }] });
const api = pods('shop/api', { app: 'api', tier: 'back' }, {
  ports: [
    { name: 'http', containerPort: 9090 },
    { name: 'dns', containerPort: 53, protocol: 'UDP' },
  ],
});
const db = pods('data/db', { app: 'db' }, { ports: [{ name: 'pg', containerPort: 5432 }] });
const probe = pods('ops/probe', { app: 'probe' });

/** Ingress into shop/api from the given peers (any port). */
function apiIngressFrom(...from: any[]): NetworkPolicyEvaluator {
  return new NetworkPolicyEvaluator({
    policies: [netpol('shop', 'api-in', { podSelector: matchLabels({ app: 'api' }), ingress: [{ from }] })],
    namespaces: [namespace('shop', { team: 'shop' }), namespace('data', { team: 'data' }), namespace('ops', { team: 'ops', env: 'prod' })],
  });
}

describe('pod selection', () => {
  test('a policy applies only to pods of its own namespace matched by podSelector', () => {
    const ev = new NetworkPolicyEvaluator({ policies: [netpol('shop', 'deny', { podSelector: matchLabels({ app: 'db' }) })] });
    expect(ev.isolation(db)).toEqual({ ingress: false, egress: false }); // app=db, but in namespace data
    expect(ev.isolation(pods('shop/db2', { app: 'db' })).ingress).toBe(true);
  });

  test('matchLabels entries are ANDed, and AND with matchExpressions', () => {
    const selector = { matchLabels: { app: 'api', tier: 'back' }, matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] };
    const ev = new NetworkPolicyEvaluator({ policies: [netpol('shop', 'deny', { podSelector: selector })] });
    expect(ev.isolation(api).ingress).toBe(true);
    expect(ev.isolation(pods('shop/api2', { app: 'api' })).ingress).toBe(false);
    expect(ev.isolation(pods('shop/api3', { app: 'api', tier: 'back', canary: 'yes' })).ingress).toBe(false);
  });

  test.each([
    ['In', ['api', 'web'], { app: 'web' }, true],
    ['In', ['api'], { app: 'web' }, false],
    ['In', ['api'], {}, false],
    ['NotIn', ['api'], { app: 'web' }, true],
    ['NotIn', ['api'], { app: 'api' }, false],
    ['NotIn', ['api'], {}, true], // an absent key satisfies NotIn
    ['Exists', undefined, { app: '' }, true],
    ['Exists', undefined, { other: 'x' }, false],
    ['DoesNotExist', undefined, { other: 'x' }, true],
    ['DoesNotExist', undefined, { app: 'web' }, false],
  ])('matchExpressions %s %j on %j selects: %s', (operator, values, labels, selected) => {
    const podSelector = { matchExpressions: [{ key: 'app', operator, ...(values ? { values } : {}) }] };
    const ev = new NetworkPolicyEvaluator({ policies: [netpol('shop', 'p', { podSelector })] });
    expect(ev.isolation(pods('shop/x', labels as Record<string, string>)).ingress).toBe(selected);
  });

  test('an empty podSelector (or none) selects every pod of the namespace', () => {
    for (const spec of [{ podSelector: {} }, {}]) {
      const ev = new NetworkPolicyEvaluator({ policies: [netpol('shop', 'all', spec)] });
      expect([ev.isolation(web).ingress, ev.isolation(api).ingress, ev.isolation(db).ingress]).toEqual([true, true, false]);
    }
  });

  test('an unknown operator is an error', () => {
    const podSelector = { matchExpressions: [{ key: 'app', operator: 'Matches', values: ['a'] }] };
    expect(() => new NetworkPolicyEvaluator({ policies: [netpol('shop', 'bad', { podSelector })] })).toThrow(/shop\/bad.*matchExpressions/);
  });
});

describe('policyTypes and isolation', () => {
  const isolation = (spec: Record<string, unknown>) => new NetworkPolicyEvaluator({ policies: [netpol('shop', 'p', { podSelector: {}, ...spec })] }).isolation(web);

  test.each([
    ['absent, no rules', {}, { ingress: true, egress: false }],
    ['absent, ingress rules', { ingress: [{}] }, { ingress: true, egress: false }],
    ['absent, egress rules', { egress: [{ ports: [{ port: 53 }] }] }, { ingress: true, egress: true }],
    ['absent, empty egress list', { egress: [] }, { ingress: true, egress: false }],
    ['empty list, egress rules', { policyTypes: [], egress: [{}] }, { ingress: true, egress: true }],
    ['[Egress] with ingress rules', { policyTypes: ['Egress'], ingress: [{}] }, { ingress: false, egress: true }],
    ['[Ingress, Egress], no rules', { policyTypes: ['Ingress', 'Egress'] }, { ingress: true, egress: true }],
  ])('policyTypes %s', (_, spec, expected) => {
    expect(isolation(spec)).toEqual(expected);
  });

  test('a non-isolated direction allows everything; an isolated one only what rules allow', () => {
    const ev = new NetworkPolicyEvaluator({ policies: [netpol('shop', 'deny-in', { podSelector: {} })] });
    expect(ev.check(web, db, 5432).allowed).toBe(true); // web egress not isolated, db not isolated
    expect(ev.check(db, web, 8080)).toEqual({
      allowed: false,
      egress: { isolated: false, allowedBy: [] },
      ingress: { isolated: true, allowedBy: [] },
    });
  });

  test('an egress-only policy leaves ingress open', () => {
    const ev = new NetworkPolicyEvaluator({ policies: [netpol('shop', 'deny-out', { podSelector: {}, policyTypes: ['Egress'] })] });
    expect(ev.check(db, web, 8080).allowed).toBe(true);
    expect(ev.check(web, db, 5432).allowed).toBe(false);
  });
});

describe('rules', () => {
  test('rules and policies are a union', () => {
    const ev = new NetworkPolicyEvaluator({
      policies: [
        netpol('shop', 'from-web', {
          podSelector: matchLabels({ app: 'api' }),
          ingress: [{ from: [{ podSelector: matchLabels({ app: 'web' }) }], ports: [{ port: 9090 }] }],
        }),
        netpol('shop', 'from-db', {
          podSelector: matchLabels({ app: 'api' }),
          ingress: [{ from: [{ namespaceSelector: matchLabels({ team: 'data' }) }] }, { ports: [{ port: 7000 }] }],
        }),
      ],
      namespaces: [namespace('data', { team: 'data' })],
    });
    expect(ev.check(web, api, 9090).ingress.allowedBy).toEqual(['shop/from-web']);
    expect(ev.check(db, api, 9090).ingress.allowedBy).toEqual(['shop/from-db']);
    expect(ev.check(probe, api, 7000).ingress.allowedBy).toEqual(['shop/from-db']); // second rule: any peer
    expect(ev.check(probe, api, 9090).allowed).toBe(false);
  });

  test.each([[{}], [{ from: [] }], [{ from: [], ports: [] }]])('rule %j matches every peer, pods and addresses, on every port', (rule) => {
    const ev = new NetworkPolicyEvaluator({ policies: [netpol('shop', 'open', { podSelector: {}, ingress: [rule] })] });
    expect(ev.check(probe, api, 1).allowed).toBe(true);
    expect(ev.check(probe, api, 65535, 'SCTP').allowed).toBe(true);
    expect(ev.check({ cidr: '203.0.113.9' }, api, 443, 'UDP').allowed).toBe(true);
    expect(ev.check({ cidr: '2001:db8::1' }, api, 443).allowed).toBe(true);
  });

  test('a malformed peer or port is an error', () => {
    const make = (ingress: any[]) => () => new NetworkPolicyEvaluator({ policies: [netpol('shop', 'p', { podSelector: {}, ingress })] });
    expect(make([{ from: [{}] }])).toThrow(/shop\/p spec\.ingress\[0\]\.from\[0\]/);
    expect(make([{ ports: [{ port: 80, protocol: 'ICMP' }] }]))
      .toThrow('NetworkPolicy shop/p spec.ingress[0].ports[0].protocol "ICMP" is invalid: must be "TCP", "UDP" or "SCTP" (in capitals)');
    expect(make([{ ports: [{ port: 90, endPort: 80 }] }])).toThrow('NetworkPolicy shop/p spec.ingress[0].ports[0].endPort 80 is invalid: must not be below port (90)');
    expect(make([{ from: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }])).toThrow(/invalid IP or CIDR/);
  });
});

describe('peers', () => {
  test('podSelector alone selects pods of the policy namespace only', () => {
    const ev = apiIngressFrom({ podSelector: {} });
    expect(ev.check(web, api, 9090).allowed).toBe(true);
    expect(ev.check(db, api, 9090).allowed).toBe(false);
  });

  test('namespaceSelector alone selects every pod of the matching namespaces', () => {
    const ev = apiIngressFrom({ namespaceSelector: matchLabels({ team: 'data' }) });
    expect(ev.check(db, api, 9090).allowed).toBe(true);
    expect(ev.check(pods('data/other', { anything: 'x' }), api, 9090).allowed).toBe(true);
    expect(ev.check(web, api, 9090).allowed).toBe(false); // own namespace is not implied
    expect(ev.check(probe, api, 9090).allowed).toBe(false);
  });

  test('podSelector and namespaceSelector in ONE peer are ANDed', () => {
    const ev = apiIngressFrom({ namespaceSelector: matchLabels({ team: 'ops' }), podSelector: matchLabels({ app: 'probe' }) });
    expect(ev.check(probe, api, 9090).allowed).toBe(true);
    expect(ev.check(pods('ops/other', { app: 'other' }), api, 9090).allowed).toBe(false); // right namespace, wrong pod
    expect(ev.check(pods('shop/probe', { app: 'probe' }), api, 9090).allowed).toBe(false); // right pod, wrong namespace
  });

  test('two peers in one rule are ORed', () => {
    const ev = apiIngressFrom({ namespaceSelector: matchLabels({ team: 'ops' }) }, { podSelector: matchLabels({ app: 'probe' }) });
    expect(ev.check(pods('ops/other', { app: 'other' }), api, 9090).allowed).toBe(true);
    expect(ev.check(pods('shop/probe', { app: 'probe' }), api, 9090).allowed).toBe(true);
    expect(ev.check(web, api, 9090).allowed).toBe(false);
  });

  test('namespace labels: the manifest labels plus kubernetes.io/metadata.name, which cannot be overridden', () => {
    const ev = new NetworkPolicyEvaluator({
      policies: [
        netpol('shop', 'by-name', {
          podSelector: matchLabels({ app: 'api' }),
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ops', env: 'prod' } } }] }],
        }),
      ],
      namespaces: [namespace('ops', { env: 'prod', 'kubernetes.io/metadata.name': 'spoofed' })],
    });
    expect(ev.check(probe, api, 9090).allowed).toBe(true);
    // A namespace without a manifest still has its name label, but no other label.
    expect(ev.check(pods('ops2/probe', { app: 'probe' }), api, 9090).allowed).toBe(false);
  });

  test('a namespace without a manifest is selectable by name', () => {
    const ev = apiIngressFrom({ namespaceSelector: matchLabels({ 'kubernetes.io/metadata.name': 'unlisted' }) });
    expect(ev.check(pods('unlisted/p', {}), api, 9090).allowed).toBe(true);
  });
});

describe('ipBlock', () => {
  const egressTo = (...ipBlocks: any[]) =>
    new NetworkPolicyEvaluator({
      policies: [
        netpol('shop', 'out', {
          podSelector: matchLabels({ app: 'web' }),
          policyTypes: ['Egress'],
          egress: [{ to: ipBlocks.map((ipBlock) => ({ ipBlock })) }],
        }),
      ],
    });

  test('IPv4 CIDR with except', () => {
    const ev = egressTo({ cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.2.3.4/32'] });
    expect(ev.check(web, { cidr: '10.0.0.1' }, 443).allowed).toBe(true);
    expect(ev.check(web, { cidr: '10.255.255.255' }, 443).allowed).toBe(true);
    expect(ev.check(web, { cidr: '10.1.2.3' }, 443).allowed).toBe(false);
    expect(ev.check(web, { cidr: '10.2.3.4' }, 443).allowed).toBe(false);
    expect(ev.check(web, { cidr: '10.2.3.5' }, 443).allowed).toBe(true);
    expect(ev.check(web, { cidr: '11.0.0.0' }, 443).allowed).toBe(false);
  });

  test('IPv6 CIDR with except', () => {
    const ev = egressTo({ cidr: '2001:db8::/32', except: ['2001:db8:dead::/48'] });
    expect(ev.check(web, { cidr: '2001:db8::1' }, 443).allowed).toBe(true);
    expect(ev.check(web, { cidr: '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff' }, 443).allowed).toBe(true);
    expect(ev.check(web, { cidr: '2001:db8:dead:beef::1' }, 443).allowed).toBe(false);
    expect(ev.check(web, { cidr: '2001:db9::1' }, 443).allowed).toBe(false);
    expect(ev.check(web, { cidr: '10.0.0.1' }, 443).allowed).toBe(false);
  });

  test('a CIDR endpoint must lie wholly inside the block and outside every except', () => {
    const ev = egressTo({ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] });
    expect(ev.check(web, { cidr: '10.2.0.0/16' }, 443).allowed).toBe(true);
    expect(ev.check(web, { cidr: '10.0.0.0/7' }, 443).allowed).toBe(false); // wider than the block
    expect(ev.check(web, { cidr: '10.0.0.0/15' }, 443).allowed).toBe(false); // overlaps the except
  });

  test('ipBlock matches pods by IP; pods without an IP never match', () => {
    const ev = egressTo({ cidr: '192.168.0.0/24' });
    expect(ev.check(web, { ...db, ip: '192.168.0.7' }, 5432).allowed).toBe(true);
    expect(ev.check(web, { ...db, ip: '192.168.1.7' }, 5432).allowed).toBe(false);
    expect(ev.check(web, db, 5432).allowed).toBe(false);
  });

  test('ingress from an ipBlock', () => {
    const ev = apiIngressFrom({ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } });
    expect(ev.check({ cidr: '198.51.100.4' }, api, 9090).allowed).toBe(true);
    expect(ev.check({ cidr: '10.0.0.4' }, api, 9090).allowed).toBe(false);
    expect(ev.check(web, api, 9090).allowed).toBe(false); // a pod without IP is not in any block
  });
});

describe('ports', () => {
  const apiIngressPorts = (...ports: any[]) =>
    new NetworkPolicyEvaluator({ policies: [netpol('shop', 'api-in', { podSelector: matchLabels({ app: 'api' }), ingress: [{ ports }] })] });

  test('a numeric port; protocol defaults to TCP', () => {
    const ev = apiIngressPorts({ port: 9090 });
    expect(ev.check(web, api, 9090).allowed).toBe(true);
    expect(ev.check(web, api, 9090, 'UDP').allowed).toBe(false);
    expect(ev.check(web, api, 9091).allowed).toBe(false);
  });

  test('endPort makes an inclusive range', () => {
    const ev = apiIngressPorts({ port: 32000, endPort: 32010, protocol: 'UDP' });
    expect([31999, 32000, 32005, 32010, 32011].map((p) => ev.check(web, api, p, 'UDP').allowed)).toEqual([false, true, true, true, false]);
    expect(ev.check(web, api, 32005, 'TCP').allowed).toBe(false);
  });

  test('the edges the API server accepts: port 1 and 65535, endPort equal to port, a name with a hyphen', () => {
    const ev = apiIngressPorts({ port: 1 }, { port: 65535, protocol: 'UDP' }, { port: 4000, endPort: 4000 }, { port: 'http-alt' });
    expect([1, 2, 3999, 4000, 4001].map((p) => ev.check(web, api, p).allowed)).toEqual([true, false, false, true, false]);
    expect([65534, 65535].map((p) => ev.check(web, api, p, 'UDP').allowed)).toEqual([false, true]);
    const alt = pods('shop/alt', { app: 'api' }, { ports: [{ name: 'http-alt', containerPort: 8081 }] });
    expect(ev.check(web, alt, 8081).allowed).toBe(true);
    expect(ev.check(web, alt, 8080).allowed).toBe(false);
  });

  // Each as the API server refuses it (ValidateNetworkPolicyPort): the evaluator never reads it as another port.
  test.each<[string, any, string]>([
    ['a quoted number', { port: '3000' }, 'port "3000" is invalid: a quoted number is a port name to the API server, and a port name needs a letter'],
    ['port 0 (cdk8s-plus allTcp)', { port: 0, endPort: 65535 }, 'port 0 is invalid: must be a port number from 1 to 65535 (cdk8s-plus'],
    ['a port above 65535', { port: 65536 }, 'port 65536 is invalid: must be a port number from 1 to 65535'],
    ['a fractional port', { port: 80.5 }, 'port 80.5 is invalid: must be a port number from 1 to 65535'],
    ['a name in capitals', { port: 'HTTP' }, 'port "HTTP" is invalid: must be an IANA service name: lowercase letters, digits and "-"'],
    ['a name of 16 characters', { port: 'abcdefghijklmnop' }, 'port "abcdefghijklmnop" is invalid: must be an IANA service name of 1 to 15 characters'],
    ['a name with "--"', { port: 'http--alt' }, 'port "http--alt" is invalid: must be an IANA service name: no "--"'],
    ['endPort without port', { endPort: 90 }, 'endPort 90 is invalid: may not be given without port'],
    ['endPort after a name', { port: 'http', endPort: 90 }, 'endPort 90 is invalid: may not be given when port is a name ("http")'],
    ['endPort above 65535', { port: 80, endPort: 65536 }, 'endPort 65536 is invalid: must be a port number from 1 to 65535'],
    ['a protocol in lower case', { port: 80, protocol: 'tcp' }, 'protocol "tcp" is invalid: must be "TCP", "UDP" or "SCTP"'],
    ['an entry that is not an object', 80, '80 is invalid: must be an object'],
  ])('%s is an error naming the field', (_name, entry, message) => {
    expect(() => apiIngressPorts({ port: 9090 }, entry)).toThrow(`NetworkPolicy shop/api-in spec.ingress[0].ports[1]${typeof entry === 'object' ? '.' : ' '}${message}`);
  });

  test('a protocol without a port allows every port of that protocol only', () => {
    const ev = apiIngressPorts({ protocol: 'SCTP' });
    expect(ev.check(web, api, 1, 'SCTP').allowed).toBe(true);
    expect(ev.check(web, api, 65535, 'SCTP').allowed).toBe(true);
    expect(ev.check(web, api, 1, 'TCP').allowed).toBe(false);
  });

  test("a named ingress port resolves against the destination's container ports, name and protocol", () => {
    const ev = apiIngressPorts({ port: 'http' }, { port: 'dns', protocol: 'UDP' });
    expect(ev.check(web, api, 9090).allowed).toBe(true); // api's http is 9090, not web's 8080
    expect(ev.check(web, api, 8080).allowed).toBe(false);
    expect(ev.check(web, api, 53, 'UDP').allowed).toBe(true);
    expect(ev.check(web, api, 53, 'TCP').allowed).toBe(false);
  });

  test('a named port with the wrong protocol, or that the destination lacks, allows nothing', () => {
    expect(apiIngressPorts({ port: 'dns' }).check(web, api, 53, 'UDP').allowed).toBe(false); // dns is UDP, rule says TCP
    expect(apiIngressPorts({ port: 'grpc' }).check(web, api, 9090).allowed).toBe(false);
  });

  test('a named egress port resolves per destination', () => {
    const ev = new NetworkPolicyEvaluator({ policies: [netpol('ops', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] })] });
    expect(ev.check(probe, web, 8080).allowed).toBe(true);
    expect(ev.check(probe, api, 9090).allowed).toBe(true);
    expect(ev.check(probe, api, 8080).allowed).toBe(false);
    expect(ev.check(probe, db, 5432).allowed).toBe(false); // db has no port named http
    expect(ev.check(probe, { cidr: '1.2.3.4' }, 8080).allowed).toBe(false); // an address has no named ports
  });
});

describe('both sides', () => {
  const ev = new NetworkPolicyEvaluator({
    policies: [
      netpol('shop', 'web-out', {
        podSelector: matchLabels({ app: 'web' }),
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: matchLabels({ app: 'api' }) }], ports: [{ port: 9090 }, { port: 9091 }] }],
      }),
      netpol('shop', 'api-in', {
        podSelector: matchLabels({ app: 'api' }),
        ingress: [{ from: [{ podSelector: matchLabels({ app: 'web' }) }], ports: [{ port: 9090 }, { port: 9092 }] }],
      }),
    ],
  });

  test('a connection needs egress at the source AND ingress at the destination', () => {
    expect(ev.check(web, api, 9090)).toEqual({
      allowed: true,
      egress: { isolated: true, allowedBy: ['shop/web-out'] },
      ingress: { isolated: true, allowedBy: ['shop/api-in'] },
    });
    expect(ev.check(web, api, 9091)).toMatchObject({ allowed: false, egress: { allowedBy: ['shop/web-out'] }, ingress: { allowedBy: [] } });
    expect(ev.check(web, api, 9092)).toMatchObject({ allowed: false, egress: { allowedBy: [] }, ingress: { allowedBy: ['shop/api-in'] } });
  });

  test('traffic from or to an address only checks the pod side', () => {
    expect(ev.check({ cidr: '1.2.3.4' }, api, 9090)).toEqual({
      allowed: false,
      egress: { isolated: false, allowedBy: [] },
      ingress: { isolated: true, allowedBy: [] },
    });
    expect(ev.check(web, { cidr: '1.2.3.4' }, 9090).egress).toEqual({ isolated: true, allowedBy: [] });
    expect(ev.check(db, { cidr: '1.2.3.4' }, 9090).allowed).toBe(true);
  });
});
