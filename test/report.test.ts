/**
 * The network report written by `app.synth()`: its content (asserted, not only snapshotted), its
 * determinism, where it goes and when it is not written, and the committed example under docs/.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { App } from 'cdk8s';
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import {
  ApiGateway, RoutingApi, IngressController, NetworkModel, networkReportPaths, Peer, Port,
  report as reporting, Tls, WebApp, ZeroTrustNamespace,
} from '../lib';
import { buildApp } from '../apps/main';
import { synth, testApp } from './util';

const DOCS = path.join(__dirname, '..', 'docs');
const REFRESH = 'UPDATE_REPORT=1 npx jest test/report';

function read(app: App, file = 'network-report.md'): string {
  return fs.readFileSync(path.join(app.outdir, file), 'utf8');
}

function readJson(app: App): reporting.NetworkReport {
  return JSON.parse(read(app, 'network-report.json'));
}

/** The example app, synthesized (every object schema-validated). */
function example(): App {
  const app = buildApp(testApp());
  synth(app);
  return app;
}

/** The rows of the Markdown table under `### <title>` in `## Namespace \`<ns>\``. */
function tableRows(md: string, ns: string, title: string): string[][] {
  const section = md.split(/^## /m).find((s) => s.startsWith(`Namespace \`${ns}\``));
  if (!section) throw new Error(`no section for namespace ${ns}`);
  const sub = section.split(/^### /m).find((s) => s.startsWith(title));
  if (!sub) return [];
  return sub.split('\n').filter((l) => l.startsWith('| ')).slice(1)
    .map((l) => l.slice(2, -2).split(' | '));
}

function mermaidOf(md: string): string {
  const m = /```mermaid\n([\s\S]*?)\n```/.exec(md);
  if (!m) throw new Error('no mermaid block');
  return m[1];
}

describe('the committed example report', () => {
  test('docs/network-report.md and .json are what the example app (apps/main.ts) generates', () => {
    const app = example();
    for (const file of ['network-report.md', 'network-report.json']) {
      const generated = read(app, file);
      const committed = path.join(DOCS, file);
      if (process.env.UPDATE_REPORT) {
        fs.mkdirSync(DOCS, { recursive: true });
        fs.writeFileSync(committed, generated);
        continue;
      }
      const current = fs.existsSync(committed) ? fs.readFileSync(committed, 'utf8') : '';
      if (current !== generated) {
        throw new Error(`docs/${file} is stale: it differs from the report of apps/main.ts. Refresh it with \`${REFRESH}\` and commit it.`);
      }
    }
  });
});

describe('the example app\'s report content', () => {
  const app = example();
  const md = read(app);
  const report = readJson(app);

  test('summary counts match the data', () => {
    expect(md).toContain(`- Allowed flows: ${report.flows.length} (0 not declared)`);
    expect(md).toContain(`- Entry points: ${report.entryPoints.length}`);
    expect(md).toContain('- Findings: 0 errors, 0 warnings, 0 suppressed by annotation');
    expect(report.version).toBe(1);
  });

  test('every allowed flow, with its ports, the policies that allow it and what declared it', () => {
    expect(report.flows).toContainEqual({
      from: 'production/Deployment/storefront', to: 'production/Deployment/api', ports: ['TCP 3000'],
      allowedBy: ['production/allow-storefront-egress-to-api', 'production/allow-storefront-to-api'], declared: ['app'], declaredBy: ['shop/api'],
      calls: ['shop/api.allowFrom(production/storefront)'],
    });
    expect(report.flows).toContainEqual({
      from: 'production/Deployment/api', to: 'payments/Deployment/ledger', ports: ['TCP 9000'],
      allowedBy: ['payments/allow-production-api-to-ledger', 'production/allow-api-egress-to-payments-ledger'], declared: ['app'], declaredBy: ['shop/ledger'],
      calls: ['shop/ledger.allowFrom(production/api)'],
    });
    expect(report.flows).toContainEqual({
      from: 'payments/Deployment/ledger', to: 'cidr:203.0.113.0/24', ports: ['TCP 443'],
      allowedBy: ['payments/allow-ledger-egress-to-cidr-203-0-113-0-24'], declared: ['app'], declaredBy: ['shop/ledger'],
      calls: ['shop/ledger.allowEgressTo(203.0.113.0/24)'],
    });
    const dns = report.flows.filter((f) => f.declared.includes('dns'));
    expect(dns.map((f) => f.to)).toEqual(Array(dns.length).fill('kube-system/Peer/k8s-app=kube-dns'));
    expect(dns.every((f) => f.ports.join() === 'TCP 53,UDP 53')).toBe(true);
    // Every workload of the zero-trust namespaces resolves names (and so may cert-manager's solver pods).
    expect(dns).toHaveLength(report.endpoints.filter((e) => e.type === 'workload').length + 1);
    expect(report.flows).toContainEqual({
      from: 'ingress-nginx/Peer/app.kubernetes.io/name=ingress-nginx', to: 'production/Peer/acme.cert-manager.io/http01-solver=true',
      ports: ['TCP 8089'], allowedBy: ['production/allow-ingress-nginx-to-acme-http01-solver'], declared: ['gateway'],
      declaredBy: ['shop/gateway'], calls: ['shop/gateway.tls -> production/acme-http01-solver'],
    });
    const gateway = report.flows.filter((f) => f.declared.includes('gateway'));
    expect(gateway.map((f) => `${f.from} -> ${f.to} ${f.ports}`)).toContain('ingress-nginx/Peer/app.kubernetes.io/name=ingress-nginx -> production/Deployment/storefront TCP 8080');
  });

  test('per namespace, a table of the flows touching it, names relative to the namespace', () => {
    const rows = tableRows(md, 'production', 'Allowed flows');
    expect(rows).toContainEqual(['storefront', 'api', 'TCP 3000', 'allow-storefront-egress-to-api, allow-storefront-to-api', 'app']);
    expect(rows).toContainEqual(['api', 'payments/ledger', 'TCP 9000', 'payments/allow-production-api-to-ledger, allow-api-egress-to-payments-ledger', 'app']);
    // The DNS flows of every workload of the namespace are one row.
    expect(rows).toContainEqual(['every workload (3)', 'kube-system/kube-dns (outside the app)', 'TCP 53, UDP 53', 'allow-dns-egress', 'dns']);
    expect(rows.filter((r) => r[1].startsWith('kube-system/'))).toEqual([
      ['every workload (3)', 'kube-system/kube-dns (outside the app)', 'TCP 53, UDP 53', 'allow-dns-egress', 'dns'],
      ['acme-http01-solver (outside the app)', 'kube-system/kube-dns (outside the app)', 'TCP 53, UDP 53', 'allow-dns-egress', 'dns'],
    ]);
    // Not collapsed where one workload would stand for "every".
    expect(tableRows(md, 'payments', 'Allowed flows')).toContainEqual(['ledger', 'kube-system/kube-dns (outside the app)', 'TCP 53, UDP 53', 'allow-dns-egress', 'dns']);
    // A cross-namespace flow shows in both namespaces.
    expect(tableRows(md, 'payments', 'Allowed flows')).toContainEqual(
      ['production/api', 'ledger', 'TCP 9000', 'allow-production-api-to-ledger, production/allow-api-egress-to-payments-ledger', 'app']);
    expect(md).toContain('## Namespace `production` (zero-trust)\n\nEvery pod is isolated for ingress and egress: only the flows below are allowed.');
  });

  test('entry points from the synthesized Ingresses: host, path, backend, pods, TLS', () => {
    expect(tableRows(md, 'production', 'Entry points')).toEqual([
      ['api.shop.example.com', '/ (Prefix)', 'api:80', 'api', 'on (secret gateway-tls)', 'Ingress/gateway (class nginx)'],
      ['shop.example.com', '/ (Prefix)', 'storefront:80', 'storefront', 'on (secret gateway-tls)', 'Ingress/gateway (class nginx)'],
      ['shop.example.com', '/api (Prefix)', 'api:80', 'api', 'on (secret gateway-tls)', 'Ingress/gateway (class nginx)'],
    ]);
    expect(report.entryPoints.find((e) => e.host === 'app.example.com' && e.match === '/api (Prefix)')).toMatchObject({
      namespace: 'seed', backend: 'api-service:80', targets: ['seed/Deployment/api'], tls: 'on', tlsSecret: 'tls-secret',
    });
  });

  test('Services with their DNS names, types, ports and pods', () => {
    expect(tableRows(md, 'payments', 'Services')).toEqual([
      ['card-processor', 'ExternalName', 'card-processor.payments.svc.cluster.local', '-', 'CNAME api.cards.example'],
      ['ledger', 'ClusterIP', 'ledger.payments.svc.cluster.local', '80 -> 9000 TCP', 'ledger'],
    ]);
    expect(report.services.find((s) => s.name === 'api-service')).toMatchObject({
      namespace: 'seed', type: 'ClusterIP', dnsName: 'api-service.seed.svc.cluster.local', targets: ['seed/Deployment/api'],
    });
  });

  test('a Mermaid flowchart with namespace subgraphs, generated ids and quoted labels', () => {
    const lines = mermaidOf(md).split('\n');
    expect(lines[0]).toBe('flowchart LR');
    for (const line of lines.slice(1)) {
      expect(line).toMatch(/^( {2}subgraph ns\d+\["[^"]*"\]| {2}end| {4}n\d+\["[^"]*"\]| {2}n\d+\["[^"]*"\]| {2}(n|ns)\d+ -->\|"[^"]*"\| n\d+)$/);
    }
    expect(lines).toContain('  subgraph ns5["production (zero-trust)"]');
    expect(lines.filter((l) => l.includes('kube-system (outside the app)'))).toHaveLength(1);
    // One DNS edge per namespace of several workloads, not one per workload.
    // (plus the DNS edge of cert-manager's HTTP-01 solver pods in production, outside the app).
    expect(lines.filter((l) => l.includes('(DNS)'))).toHaveLength(4);
    // Every edge of the chart is a reported flow (the DNS edges stand for several).
    expect(lines.filter((l) => l.includes('-->')).length).toBeLessThanOrEqual(report.flows.length);
  });

  test('the JSON carries the same flows as the Markdown tables', () => {
    const mdRows = report.namespaces.filter((n) => n.inApp)
      .flatMap((n) => tableRows(md, n.name, 'Allowed flows'))
      .reduce((sum, row) => sum + Number(/^every workload \((\d+)\)$/.exec(row[0])?.[1] ?? 1), 0);
    const touching = report.namespaces.filter((n) => n.inApp).flatMap((n) => report.flows.filter((f) =>
      [f.from, f.to].some((id) => report.endpoints.find((e) => e.id === id)?.namespace === n.name))).length;
    expect(mdRows).toBe(touching);
  });
});

describe('determinism', () => {
  function shop(order: 'ab' | 'ba'): App {
    const app = testApp();
    const chart = new Chart(app, 'shop');
    const prod = new ZeroTrustNamespace(chart, 'production');
    const make = {
      a: () => new WebApp(chart, 'a', { namespace: prod, image: 'a:1', containerPort: 1000 }),
      b: () => new WebApp(chart, 'b', { namespace: prod, image: 'b:1', containerPort: 2000 }),
    };
    const [x, y] = order === 'ab' ? [make.a(), make.b()] : [make.b(), make.a()];
    const [a, b] = order === 'ab' ? [x, y] : [y, x];
    if (order === 'ab') { a.allowFrom(b); b.allowEgressTo(Peer.cidr('198.51.100.0/24'), Port.tcp(443)); } else { b.allowEgressTo(Peer.cidr('198.51.100.0/24'), Port.tcp(443)); a.allowFrom(b); }
    synth(app);
    return app;
  }

  test('the same program gives byte-identical reports', () => {
    expect(read(example())).toBe(read(example()));
    expect(read(example(), 'network-report.json')).toBe(read(example(), 'network-report.json'));
  });

  test('the report does not depend on declaration order', () => {
    expect(read(shop('ba'))).toBe(read(shop('ab')));
    expect(read(shop('ba'), 'network-report.json')).toBe(read(shop('ab'), 'network-report.json'));
  });
});

describe('where the report goes, and when it is not written', () => {
  function small(): App {
    const app = testApp();
    const chart = new Chart(app, 'shop');
    const prod = new ZeroTrustNamespace(chart, 'production');
    new WebApp(chart, 'api', { namespace: prod, image: 'a:1', containerPort: 3000 });
    return app;
  }

  test('by default both files land in the outdir next to the manifests', () => {
    const app = small();
    synth(app);
    expect(fs.readdirSync(app.outdir).sort()).toEqual(['network-report.json', 'network-report.md', 'shop.k8s.yaml']);
    expect(networkReportPaths(NetworkModel.of(app))).toEqual(['network-report.json', 'network-report.md']);
  });

  test('the paths are configurable, each file can be turned off', () => {
    const app = small();
    const elsewhere = fs.mkdtempSync(path.join(require('os').tmpdir(), 'report-'));
    NetworkModel.of(app).configure({ report: { markdownFile: 'reports/network.md', jsonFile: path.join(elsewhere, 'net.json') } });
    synth(app);
    expect(fs.existsSync(path.join(app.outdir, 'reports', 'network.md'))).toBe(true);
    expect(fs.existsSync(path.join(elsewhere, 'net.json'))).toBe(true);
    expect(networkReportPaths(NetworkModel.of(app))).toEqual(['reports/network.md']);

    const noJson = small();
    NetworkModel.of(noJson).configure({ report: { jsonFile: false } });
    synth(noJson);
    expect(fs.readdirSync(noJson.outdir).sort()).toEqual(['network-report.md', 'shop.k8s.yaml']);
  });

  test('report: false, the context key or the environment turn it off', () => {
    const byOption = small();
    NetworkModel.of(byOption).configure({ report: false });
    synth(byOption);
    expect(fs.readdirSync(byOption.outdir)).toEqual(['shop.k8s.yaml']);

    const byContext = testApp();
    byContext.node.setContext('cdk8s-networking:report', false);
    new WebApp(new Chart(byContext, 'shop'), 'api', { namespace: new ZeroTrustNamespace(new Chart(byContext, 'ns'), 'p'), image: 'a:1', containerPort: 1 });
    synth(byContext);
    expect(fs.readdirSync(byContext.outdir).filter((f) => f.startsWith('network-report'))).toEqual([]);

    process.env.CDK8S_NETWORKING_REPORT = 'false';
    try {
      const byEnv = small();
      synth(byEnv);
      expect(fs.readdirSync(byEnv.outdir)).toEqual(['shop.k8s.yaml']);
      expect(networkReportPaths(NetworkModel.of(byEnv))).toEqual([]);
    } finally {
      delete process.env.CDK8S_NETWORKING_REPORT;
    }
  });

  test('a failing synth writes neither manifests nor report', () => {
    const app = small();
    new k8s.KubeService(app.node.findChild('shop') as Chart, 'typo', {
      metadata: { name: 'typo', namespace: 'production' }, spec: { selector: { app: 'nope' }, ports: [{ port: 80 }] },
    });
    expect(() => app.synth()).toThrow(/service-targets-pod/);
    expect(fs.readdirSync(app.outdir)).toEqual([]);
  });

  test('synthYaml() writes no file', () => {
    const app = small();
    expect(app.synthYaml()).toContain('kind: NetworkPolicy');
    expect(fs.readdirSync(app.outdir)).toEqual([]);
  });
});

describe('report details', () => {
  test('warnings and suppressed findings are listed; non-isolated workloads are named', () => {
    const app = testApp();
    const chart = new Chart(app, 'legacy');
    new WebApp(chart, 'old', { namespace: 'legacy', image: 'a:1', containerPort: 80 });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      synth(app);
    } finally {
      stderr.mockRestore();
    }
    const md = read(app);
    expect(md).toContain('- Findings: 0 errors, 1 warnings, 0 suppressed by annotation');
    expect(md).toContain('| warning | pod-networkpolicy | legacy/old/Deployment: Deployment legacy/old pods "old" is accepted, but');
    expect(md).toContain('Not isolated by any NetworkPolicy, so open beyond the flows below: old (ingress and egress).');
    expect(readJson(app).endpoints).toContainEqual({
      id: 'legacy/Deployment/old', type: 'workload', namespace: 'legacy', name: 'old', kind: 'Deployment',
      path: 'legacy/old/Deployment', isolated: { ingress: false, egress: false },
      labels: { 'app': 'old', 'app.kubernetes.io/managed-by': 'cdk8s-networking', 'app.kubernetes.io/name': 'old', 'app.kubernetes.io/part-of': 'legacy' },
    });
  });

  test('Gateway API entry points: TLS from the listener, the HTTP redirect route', () => {
    const app = testApp();
    const chart = new Chart(app, 'shop');
    const prod = new ZeroTrustNamespace(chart, 'production');
    const web = new WebApp(chart, 'web', { namespace: prod, image: 'a:1', containerPort: 8080 });
    const gw = new ApiGateway(chart, 'gateway', {
      namespace: prod, controller: IngressController.nginx(), tls: Tls.certManager({ clusterIssuer: 'le' }),
      api: RoutingApi.httpRoute({ gateway: { name: 'public', namespace: 'gateways' }, createGateway: { gatewayClassName: 'nginx' } }),
    });
    gw.addRoute({ host: 'shop.example.com', backend: web });
    synth(app);
    const entries = readJson(app).entryPoints;
    expect(entries.map((e) => [e.host, e.match, e.backend, e.tls])).toEqual([
      ['shop.example.com', '/ (PathPrefix)', 'web:80', 'on'],
      ['shop.example.com', '/ (PathPrefix)', 'redirect https://(same host)', 'off'],
    ]);
  });

  test('Mermaid labels are quoted and escaped; large graphs collapse to namespaces', () => {
    const report: reporting.NetworkReport = {
      version: 1,
      namespaces: [{ name: 'a', zeroTrust: true, inApp: true, workloads: ['a/Deployment/x'] }],
      endpoints: [
        { id: 'a/Deployment/x', type: 'workload', namespace: 'a', name: 'say "hi"', kind: 'Deployment', path: 'p', isolated: { ingress: true, egress: true } },
        { id: 'cidr:10.0.0.0/8', type: 'ip-block', name: '10.0.0.0/8' },
        { id: 'end', type: 'ip-block', name: 'end' },
      ],
      flows: [
        { from: 'a/Deployment/x', to: 'cidr:10.0.0.0/8', ports: ['TCP 443'], allowedBy: ['a/p'], declared: ['app'] },
        { from: 'a/Deployment/x', to: 'end', ports: ['TCP 1'], allowedBy: ['a/p'], declared: [] },
      ],
      entryPoints: [], services: [], findings: [], suppressed: [],
    };
    const chart = reporting.renderMermaid(report);
    expect(chart).toBe([
      'flowchart LR',
      '  subgraph ns1["a (zero-trust)"]',
      '    n1["say #quot;hi#quot;"]',
      '  end',
      '  n2["10.0.0.0/8"]',
      '  n3["end"]',
      '  n1 -->|"TCP 443"| n2',
      '  n1 -->|"TCP 1 (undeclared)"| n3',
    ].join('\n'));
    expect(reporting.renderMermaid(report, { maxEdges: 1 })).toBe([
      'flowchart LR',
      '  ns1["a (zero-trust): 1 workloads"]',
      '  x1["10.0.0.0/8"]',
      '  x2["end"]',
      '  ns1 -->|"1 flow"| x1',
      '  ns1 -->|"1 flow"| x2',
    ].join('\n'));
    expect(reporting.renderMarkdown(report)).toContain('| say "hi" | end | TCP 1 | p | not declared |');
  });
});
