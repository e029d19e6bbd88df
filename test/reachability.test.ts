/**
 * Proof that the policies mean what was declared: for example topologies, evaluate every pod group
 * pair on every relevant port from the synthesized YAML alone, and compare with the declared flows.
 * Inside zero-trust namespaces exactly the declared flows and DNS are allowed; everything else,
 * including pods with the same labels in another namespace, is denied.
 */
import { Chart } from 'cdk8s';
import { buildApp } from '../apps/main';
import { Peer, Port, WebApp, ZeroTrustNamespace } from '../lib';
import type { PodGroup, Protocol } from '../lib/evaluator';
import { NetworkPolicyEvaluator } from '../lib/evaluator';
import { expectWarnings, synth, testApp } from './util';

/** A declared connection: source group id (or cidr), destination group id (or cidr), port. */
type Declared = [from: string, to: string, port: number, protocol?: Protocol];

const KUBE_DNS: PodGroup = {
  id: 'kube-system/coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' },
  ports: [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 53, protocol: 'TCP' }],
};

function matrix(objects: any[], opts: { extraGroups?: PodGroup[]; zeroTrust: string[]; declared: Declared[]; externals?: string[] }) {
  const evaluator = NetworkPolicyEvaluator.fromManifests(objects);
  const groups = [...NetworkPolicyEvaluator.podGroupsFromManifests(objects), KUBE_DNS, ...(opts.extraGroups ?? [])];
  const zt = (g: PodGroup) => opts.zeroTrust.includes(g.namespace);
  const declared = new Set(opts.declared.map(([f, t, p, proto]) => `${f}>${t}:${proto ?? 'TCP'}/${p}`));
  // DNS: every pod of a zero-trust namespace may query kube-dns on 53 UDP and TCP.
  for (const g of groups.filter(zt)) {
    declared.add(`${g.id}>${KUBE_DNS.id}:UDP/53`);
    declared.add(`${g.id}>${KUBE_DNS.id}:TCP/53`);
  }
  const probes = new Set<string>();
  for (const g of groups) for (const p of g.ports ?? []) probes.add(`${p.protocol ?? 'TCP'}/${p.containerPort}`);
  for (const [, , p, proto] of opts.declared) probes.add(`${proto ?? 'TCP'}/${p}`);
  probes.add('TCP/80');

  const mismatches: string[] = [];
  let checked = 0;
  const compare = (src: PodGroup | { cidr: string }, dst: PodGroup | { cidr: string }, srcId: string, dstId: string, governed: boolean) => {
    for (const probe of probes) {
      const [proto, port] = probe.split('/');
      const expected = governed ? declared.has(`${srcId}>${dstId}:${probe}`) : true;
      const actual = evaluator.check(src, dst, Number(port), proto as Protocol).allowed;
      checked++;
      if (actual !== expected) mismatches.push(`${srcId} -> ${dstId} ${probe}: expected ${expected ? 'allowed' : 'denied'}, got ${actual ? 'allowed' : 'denied'}`);
    }
  };
  for (const src of groups) {
    for (const dst of groups) compare(src, dst, src.id, dst.id, zt(src) || zt(dst));
    for (const cidr of opts.externals ?? []) {
      compare(src, { cidr }, src.id, `cidr:${cidr}`, zt(src));
      compare({ cidr }, src, `cidr:${cidr}`, src.id, zt(src));
    }
  }
  return { mismatches, checked, groups: groups.length };
}

/** Synthesizes what `build` adds to chart `test`, expecting exactly the warnings named (`[check] path`). */
function chartOf(build: (chart: Chart) => void, warnings: string[] = []) {
  const app = testApp();
  build(new Chart(app, 'test'));
  return expectWarnings(warnings, () => synth(app).objects);
}

describe('reachability of synthesized policies', () => {
  test('one namespace: declared flows and DNS, nothing else', () => {
    const objects = chartOf((chart) => {
      const prod = new ZeroTrustNamespace(chart, 'production');
      const api = new WebApp(chart, 'api', { namespace: prod, image: 'a:1', containerPort: 3000 });
      const web = new WebApp(chart, 'web', { namespace: prod, image: 'a:1', containerPort: 8080 });
      const worker = new WebApp(chart, 'worker', { namespace: prod, image: 'a:1', containerPort: 9090 });
      api.allowFrom(web);
      worker.allowTo(api);
      // Same labels, another (plain) namespace: must not get in, must not be reachable.
      new WebApp(chart, 'api-staging', { name: 'api', namespace: 'staging', image: 'a:1', containerPort: 3000 });
      new WebApp(chart, 'web-staging', { name: 'web', namespace: 'staging', image: 'a:1', containerPort: 8080 });
    }, ['[pod-networkpolicy] test/api-staging/Deployment', '[pod-networkpolicy] test/web-staging/Deployment']);
    const result = matrix(objects, {
      zeroTrust: ['production'],
      declared: [
        ['production/Deployment/web', 'production/Deployment/api', 3000],
        ['production/Deployment/worker', 'production/Deployment/api', 3000],
      ],
    });
    expect(result.mismatches).toEqual([]);
    expect(result.groups).toBe(6);
    expect(result.checked).toBeGreaterThan(100);
  });

  test('two namespaces with a cross-namespace flow; same labels elsewhere stay out', () => {
    const objects = chartOf((chart) => {
      const prod = new ZeroTrustNamespace(chart, 'production');
      const payments = new ZeroTrustNamespace(chart, 'payments');
      const staging = new ZeroTrustNamespace(chart, 'staging');
      const api = new WebApp(chart, 'api', { namespace: prod, image: 'a:1', containerPort: 3000 });
      const ledger = new WebApp(chart, 'ledger', { namespace: payments, image: 'a:1', containerPort: 9000 });
      // Another pod of production: an OR of the two selectors would let it in.
      new WebApp(chart, 'web', { namespace: prod, image: 'a:1', containerPort: 8080 });
      new WebApp(chart, 'api-s', { name: 'api', namespace: staging, image: 'a:1', containerPort: 3000 });
      new WebApp(chart, 'ledger-s', { name: 'ledger', namespace: staging, image: 'a:1', containerPort: 9000 });
      ledger.allowFrom(api);
    });
    const result = matrix(objects, {
      zeroTrust: ['production', 'payments', 'staging'],
      declared: [['production/Deployment/api', 'payments/Deployment/ledger', 9000]],
    });
    expect(result.mismatches).toEqual([]);
  });

  test('from a plain namespace only the named pods get in: namespaceSelector AND podSelector', () => {
    const objects = chartOf((chart) => {
      const payments = new ZeroTrustNamespace(chart, 'payments');
      const ledger = new WebApp(chart, 'ledger', { namespace: payments, image: 'a:1', containerPort: 9000 });
      // `legacy` is not zero-trust: its pods are not egress-isolated, so only ledger's ingress side decides.
      const api = new WebApp(chart, 'api', { namespace: 'legacy', image: 'a:1', containerPort: 3000 });
      new WebApp(chart, 'web', { namespace: 'legacy', image: 'a:1', containerPort: 8080 });
      ledger.allowFrom(api);
    }, ['[namespace-not-created] test/ledger.allowFrom(legacy/api)', '[pod-networkpolicy] test/api/Deployment', '[pod-networkpolicy] test/web/Deployment']);
    const result = matrix(objects, {
      zeroTrust: ['payments'],
      declared: [['legacy/Deployment/api', 'payments/Deployment/ledger', 9000]],
    });
    expect(result.mismatches).toEqual([]);
  });

  test('egress to an external CIDR on one port only', () => {
    const objects = chartOf((chart) => {
      const payments = new ZeroTrustNamespace(chart, 'payments');
      const ledger = new WebApp(chart, 'ledger', { namespace: payments, image: 'a:1', containerPort: 9000 });
      new WebApp(chart, 'audit', { namespace: payments, image: 'a:1', containerPort: 9100 });
      ledger.allowEgressTo(Peer.cidr('203.0.113.0/24', ['203.0.113.128/25']), Port.tcp(443));
    });
    const inside = '203.0.113.7';
    const excepted = '203.0.113.200';
    const outside = '198.51.100.1';
    const result = matrix(objects, {
      zeroTrust: ['payments'],
      declared: [['payments/Deployment/ledger', `cidr:${inside}`, 443]],
      externals: [inside, excepted, outside],
    });
    expect(result.mismatches).toEqual([]);
  });

  test('the example app: every declared flow allowed, DNS allowed, everything else denied', () => {
    const { objects } = synth(buildApp(testApp()));
    const result = matrix(objects, {
      zeroTrust: ['seed', 'production', 'payments'],
      extraGroups: [CONTROLLER],
      declared: [
        ['seed/Deployment/frontend', 'seed/Deployment/api', 3000],
        ['production/Deployment/storefront', 'production/Deployment/api', 3000],
        ['production/Deployment/worker', 'production/Deployment/api', 3000],
        ['production/Deployment/api', 'payments/Deployment/ledger', 9000],
        ['payments/Deployment/ledger', 'cidr:203.0.113.10', 443],
        ...gatewayFlows(objects),
      ],
      externals: ['203.0.113.10'],
    });
    expect(result.mismatches).toEqual([]);
  });
});

/**
 * Routes of ApiGateways in the example app reach their backends from the ingress controller; the
 * controller's pods are added as a group so the matrix covers them too.
 */
function gatewayFlows(objects: any[]): Declared[] {
  const routed = objects.filter((o) => o.kind === 'Ingress');
  if (routed.length === 0) return [];
  const flows: Declared[] = [];
  for (const ing of routed) {
    const ns = ing.metadata.namespace;
    for (const rule of ing.spec.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === p.backend.service.name && o.metadata.namespace === ns);
        const deploy = objects.find((o) => o.kind === 'Deployment' && o.metadata.namespace === ns
          && Object.entries(svc.spec.selector).every(([k, v]) => o.spec.template.metadata.labels[k] === v));
        const target = svc.spec.ports.find((sp: any) => sp.port === p.backend.service.port.number)?.targetPort;
        flows.push([CONTROLLER.id, `${ns}/Deployment/${deploy.metadata.name}`, target]);
      }
    }
  }
  return flows;
}

const CONTROLLER: PodGroup = {
  id: 'ingress-nginx/Deployment/ingress-nginx-controller', namespace: 'ingress-nginx',
  labels: { 'app.kubernetes.io/name': 'ingress-nginx' }, ports: [{ containerPort: 443 }],
};
