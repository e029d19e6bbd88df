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
import { benchApp } from './bench-apps';
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

function mermaidBlocks(md: string): string[] {
  return [...md.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]);
}

/** The text of `## Namespace \`<ns>\``, up to the next namespace. */
function sectionOf(md: string, ns: string): string {
  const section = md.split(/^## /m).find((s) => s.startsWith(`Namespace \`${ns}\``));
  if (!section) throw new Error(`no section for namespace ${ns}`);
  return section;
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
    // The example app: 8 DNS flows (7 workloads and cert-manager's solver pods), 5 gateway flows (4
    // backends and the solver), 5 declared between apps and to a CIDR; one row per pair.
    expect(report.flows.filter((f: any) => f.declared.includes('dns'))).toHaveLength(8);
    expect(report.flows.filter((f: any) => f.declared.includes('gateway'))).toHaveLength(5);
    expect(report.flows.filter((f: any) => f.declared.includes('app'))).toHaveLength(5);
    expect(new Set(report.flows.map((f: any) => `${f.from} ${f.to}`)).size).toBe(report.flows.length);
    expect(md).toContain('- Allowed flows: 18 (0 not declared)');
    expect(report.entryPoints.map((e: any) => `${e.host}${e.match}`)).toHaveLength(5);
    expect(md).toContain('- Entry points: 5');
    expect(md).toContain('- Findings: 0 errors, 0 warnings, 0 suppressed by annotation');
    expect(report.version).toBe(1);
  });

  test('every allowed flow, with its ports, the policies that allow it and what declared it', () => {
    expect(report.flows).toContainEqual({
      from: 'production/Deployment/storefront', to: 'production/Deployment/api', ports: ['TCP 3000'],
      allowedBy: ['production/allow-storefront-egress-to-api', 'production/allow-storefront-to-api'], declared: ['app'], declaredBy: ['shop/api'],
      calls: ['shop/api.allowFrom(production/storefront)'], policyKind: 'NetworkPolicy',
    });
    expect(report.flows).toContainEqual({
      from: 'production/Deployment/api', to: 'payments/Deployment/ledger', ports: ['TCP 9000'],
      allowedBy: ['payments/allow-production-api-to-ledger', 'production/allow-api-egress-to-payments-ledger'], declared: ['app'], declaredBy: ['shop/ledger'],
      calls: ['shop/ledger.allowFrom(production/api)'], policyKind: 'NetworkPolicy',
    });
    expect(report.flows).toContainEqual({
      from: 'payments/Deployment/ledger', to: 'cidr:203.0.113.0/24', ports: ['TCP 443'],
      allowedBy: ['payments/allow-ledger-egress-to-cidr-203-0-113-0-24'], declared: ['app'], declaredBy: ['shop/ledger'],
      calls: ['shop/ledger.allowEgressTo(203.0.113.0/24)'], policyKind: 'NetworkPolicy',
    });
    // Every declared flow names the constructs that declared it; undeclared ones none.
    for (const f of report.flows) expect((f.declaredBy ?? []).length > 0).toBe(f.declared.length > 0);
    const dns = report.flows.filter((f) => f.declared.includes('dns'));
    expect(dns.map((f) => f.to)).toEqual(Array(dns.length).fill('kube-system/Peer/k8s-app=kube-dns'));
    expect(dns.every((f) => f.ports.join() === 'TCP 53,UDP 53')).toBe(true);
    // Every workload of the zero-trust namespaces resolves names (and so may cert-manager's solver pods).
    expect(dns).toHaveLength(report.endpoints.filter((e) => e.type === 'workload').length + 1);
    expect(report.flows).toContainEqual({
      from: 'ingress-nginx/Peer/app.kubernetes.io/name=ingress-nginx', to: 'production/Peer/acme.cert-manager.io/http01-solver=true',
      ports: ['TCP 8089'], allowedBy: ['production/allow-ingress-nginx-to-acme-http01-solver'], declared: ['gateway'],
      declaredBy: ['shop/gateway'], calls: ['shop/gateway.tls -> production/acme-http01-solver'], policyKind: 'NetworkPolicy',
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

  test('Mermaid diagrams: the whole app, then one per namespace, top to bottom, DNS stated once and not drawn', () => {
    const diagrams = mermaidBlocks(md);
    // Whole app + payments + production + seed (argocd has no workloads).
    expect(diagrams).toHaveLength(4);
    expect(md).not.toContain('_Diagram left out');
    for (const d of diagrams) {
      const lines = d.split('\n');
      expect(lines[0]).toBe('flowchart TB');
      for (const line of lines.slice(1)) {
        expect(line).toMatch(/^( {2}subgraph g_\w+\["[^"]*"\]| {2}end| {2,4}n_\w+(\["[^"]*"\]|\("[^"]*"\)|\(\["[^"]*"\]\)|\{\{"[^"]*"\}\})| {2}n_\w+ -->\|"[^"]*"\| n_\w+)$/);
      }
      // DNS is never drawn.
      expect(d).not.toMatch(/kube-dns|UDP 53/);
    }
    // Ids come from names, not positions.
    expect(diagrams[0]).toContain('  n_production_Deployment_storefront -->|"TCP 3000"| n_production_Deployment_api');
    const production = sectionOf(md, 'production');
    expect(production).toContain('DNS: all 3 workloads resolve names through kube-system/kube-dns (outside the app) on TCP 53, UDP 53 (left out of the diagram).');
    const prodDiagram = mermaidBlocks(production)[0];
    // The namespace's entry points: one node per host, the paths on the edges.
    expect(prodDiagram).toContain('  n_host_shop_example_com(["shop.example.com"])');
    expect(prodDiagram).toContain('  n_host_shop_example_com -->|"/api"| n_production_Deployment_api');
    // Peers in other namespaces are named with their namespace.
    expect(prodDiagram).toContain('  n_payments_Deployment_ledger["payments/ledger"]');
    // A workload whose only flow is DNS is left out of the diagram, not of the text.
    const seed = sectionOf(md, 'seed');
    expect(seed).toContain('my-app');
    expect(mermaidBlocks(seed)[0]).not.toContain('my-app');
    expect(mermaidBlocks(seed)[0]).toContain('frontend');
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

  test('each report file needs a path of its own, apart from the manifests: one would overwrite the other', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ markdownFile: 'report.txt', jsonFile: 'report.txt' }, 'report.jsonFile "report.txt" is invalid: it is the path of report.markdownFile'],
      [{ htmlFile: 'network-report.md' }, 'report.htmlFile "network-report.md" is invalid: it is the path of report.markdownFile'],
      [{ markdownFile: 'shop.k8s.yaml' }, 'report.markdownFile "shop.k8s.yaml" is invalid: it is the path of the manifest shop.k8s.yaml'],
    ];
    for (const [report, message] of cases) {
      const app = small();
      NetworkModel.of(app).configure({ report });
      expect(() => app.synth()).toThrow(`cdk8s-networking: NetworkModel.configure() ${message}, and one would overwrite the other; give each report `
        + 'file a path of its own');
      expect(fs.readdirSync(app.outdir)).toEqual([]);
    }
    const empty = small();
    NetworkModel.of(empty).configure({ report: { markdownFile: '' } });
    expect(() => empty.synth()).toThrow('cdk8s-networking: NetworkModel.configure() report.markdownFile "" is invalid: must be a file name, '
      + 'or false to write none');
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

  test('the HTML map: the option, the context key or CDK8S_NETWORKING_REPORT_HTML=1 turn it on; the option wins', () => {
    const off = small();
    synth(off);
    expect(fs.existsSync(path.join(off.outdir, 'network-report.html'))).toBe(false);

    const byOption = small();
    NetworkModel.of(byOption).configure({ report: { htmlFile: true } });
    synth(byOption);
    expect(fs.readdirSync(byOption.outdir).sort()).toEqual(['network-report.html', 'network-report.json', 'network-report.md', 'shop.k8s.yaml']);
    expect(networkReportPaths(NetworkModel.of(byOption))).toEqual(['network-report.html', 'network-report.json', 'network-report.md']);

    const named = small();
    NetworkModel.of(named).configure({ report: { htmlFile: 'maps/net.html' } });
    synth(named);
    expect(fs.existsSync(path.join(named.outdir, 'maps', 'net.html'))).toBe(true);

    const byContext = testApp();
    byContext.node.setContext('cdk8s-networking:report-html', 'true');
    new WebApp(new Chart(byContext, 'shop'), 'api', { namespace: new ZeroTrustNamespace(new Chart(byContext, 'ns'), 'p'), image: 'a:1', containerPort: 1 });
    synth(byContext);
    expect(fs.existsSync(path.join(byContext.outdir, 'network-report.html'))).toBe(true);

    process.env.CDK8S_NETWORKING_REPORT_HTML = '1';
    try {
      const byEnv = small();
      synth(byEnv);
      expect(fs.existsSync(path.join(byEnv.outdir, 'network-report.html'))).toBe(true);
      const optionWins = small();
      NetworkModel.of(optionWins).configure({ report: { htmlFile: false } });
      synth(optionWins);
      expect(fs.existsSync(path.join(optionWins.outdir, 'network-report.html'))).toBe(false);
    } finally {
      delete process.env.CDK8S_NETWORKING_REPORT_HTML;
    }
  });

  test('the HTML map is self-contained and deterministic, with the report\'s data inline', () => {
    const make = () => {
      const app = example();
      return reporting.renderHtml(JSON.parse(read(app, 'network-report.json')));
    };
    const html = make();
    expect(html).toBe(make());
    // No script, style or image is loaded from anywhere: the page works offline, from a file.
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import|url\(http/i);
    expect(html).toContain("default-src 'none'");
    // Cytoscape.js and the page script are inline; the report too, with `<` escaped.
    expect(html).toContain('Cytoscape Consortium');
    expect(html).toContain('window.networkMap');
    const data = JSON.parse(/<script id="report-data" type="application\/json">(.*)<\/script>/.exec(html)![1]);
    expect(data.report.flows.length).toBeGreaterThan(10);
    expect(Object.keys(data.positions).sort()).toEqual(data.report.endpoints.map((e: reporting.ReportEndpoint) => e.id).sort());
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    const tricky = reporting.renderHtml({ version: 1, namespaces: [], endpoints: [{ id: 'cidr:x', type: 'ip-block', name: '</script><b>' }],
      flows: [], entryPoints: [], services: [], findings: [], suppressed: [] });
    expect(tricky).not.toContain('</script><b>');
    expect(tricky.match(/<\/script>/g)).toHaveLength(3);
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
      namespace: prod,
      // NGINX Gateway Fabric (GatewayClass nginx): its own proxy pods, not ingress-nginx's.
      controller: IngressController.custom({ name: 'nginx-gateway', pods: { namespace: 'gateways', labels: { 'gateway.networking.k8s.io/gateway-name': 'public' } } }),
      tls: Tls.certManager({ clusterIssuer: 'le' }),
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

  test('Mermaid labels are quoted and escaped; ids come from names, colliding ones get a stable suffix', () => {
    const report: reporting.NetworkReport = {
      version: 1,
      namespaces: [{ name: 'a', zeroTrust: true, inApp: true, workloads: ['a/Deployment/x', 'a/Deployment/x.y', 'a/Deployment/x-y'] }],
      endpoints: [
        { id: 'a/Deployment/x', type: 'workload', namespace: 'a', name: 'say "hi"', kind: 'Deployment', path: 'p', isolated: { ingress: true, egress: true } },
        { id: 'a/Deployment/x-y', type: 'workload', namespace: 'a', name: 'x-y', kind: 'Deployment', path: 'p', isolated: { ingress: true, egress: true } },
        { id: 'a/Deployment/x.y', type: 'workload', namespace: 'a', name: 'x.y', kind: 'Deployment', path: 'p', isolated: { ingress: true, egress: true } },
        { id: 'cidr:10.0.0.0/8', type: 'ip-block', name: '10.0.0.0/8' },
        { id: 'end', type: 'ip-block', name: 'end' },
      ],
      flows: [
        { from: 'a/Deployment/x', to: 'cidr:10.0.0.0/8', ports: ['TCP 443'], allowedBy: ['a/p'], declared: ['app'], declaredBy: ['c/x'], policyKind: 'NetworkPolicy' },
        { from: 'a/Deployment/x', to: 'end', ports: ['TCP 1'], allowedBy: ['a/p'], declared: [], declaredBy: [], policyKind: 'NetworkPolicy' },
        { from: 'a/Deployment/x-y', to: 'a/Deployment/x.y', ports: ['TCP 2'], allowedBy: ['a/p'], declared: ['app'], declaredBy: ['c/y'], policyKind: 'NetworkPolicy' },
      ],
      entryPoints: [], services: [], findings: [], suppressed: [],
    };
    expect(reporting.renderMermaid(report, { namespace: 'a' })).toBe([
      'flowchart TB',
      '  subgraph g_a["a (zero-trust)"]',
      '    n_a_Deployment_x["say #quot;hi#quot;"]',
      '    n_a_Deployment_x_y_9c6f82["x-y"]',
      '    n_a_Deployment_x_y_9c763e["x.y"]',
      '  end',
      '  n_cidr_10_0_0_0_8{{"10.0.0.0/8"}}',
      '  n_end{{"end"}}',
      '  n_a_Deployment_x -->|"TCP 1 (undeclared)"| n_end',
      '  n_a_Deployment_x -->|"TCP 443"| n_cidr_10_0_0_0_8',
      '  n_a_Deployment_x_y_9c6f82 -->|"TCP 2"| n_a_Deployment_x_y_9c763e',
    ].join('\n'));
    expect(reporting.renderMarkdown(report)).toContain('| say "hi" | end | TCP 1 | p | not declared |');
  });
});

describe('diagram budgets and stability', () => {
  /** The Mermaid lines of the first namespace section's diagram. */
  function namespaceLines(app: App): string[] {
    synth(app);
    const blocks = mermaidBlocks(sectionOf(read(app), 'team-000'));
    expect(blocks).toHaveLength(1);
    return blocks[0].split('\n');
  }

  test('adding one workload changes only the diagram lines about it', () => {
    const before = namespaceLines(benchApp(20));
    const after = namespaceLines(benchApp(20, { extra: 'newcomer' }));
    const removed = before.filter((l) => !after.includes(l));
    const added = after.filter((l) => !before.includes(l));
    expect(removed).toEqual([]);
    expect(added).toEqual([
      '    n_team_000_Deployment_newcomer["newcomer"]',
      '  n_team_000_Deployment_app_0019 -->|"TCP 8080"| n_team_000_Deployment_newcomer',
    ]);
  });

  test('above a budget: a one-line note instead of the diagram, the tables stay', () => {
    const app = benchApp(20);
    NetworkModel.of(app).configure({ report: { diagramBudget: { maxNodes: 10 } } });
    synth(app);
    const section = sectionOf(read(app), 'team-000');
    expect(mermaidBlocks(section)).toEqual([]);
    expect(section).toContain('_Diagram left out: 22 nodes (budget 10); the tables below list every flow and entry point._');
    expect(tableRows(read(app), 'team-000', 'Allowed flows').length).toBeGreaterThan(20);
  });

  test('each limit of the budget is enforced on its own', () => {
    const spec = {
      nodes: [{ key: 'a', label: 'alpha' }, { key: 'b', label: 'beta' }, { key: 'c', label: 'gamma' }],
      edges: [{ from: 'a', to: 'b', label: 'TCP 1' }, { from: 'a', to: 'c', label: 'TCP 2' }],
    };
    expect(reporting.fitDiagram(spec)).toMatchObject({ fits: true });
    expect(reporting.fitDiagram(spec, { maxNodes: 2 })).toMatchObject({ fits: false, reason: '3 nodes (budget 2)' });
    expect(reporting.fitDiagram(spec, { maxEdges: 1 })).toMatchObject({ fits: false, reason: '2 edges (budget 1)' });
    expect(reporting.fitDiagram(spec, { maxChars: 20 })).toMatchObject({ fits: false, reason: expect.stringMatching(/^\d+ characters \(budget 20\)$/) });
    expect(reporting.fitDiagram(spec, { maxWidth: 100 })).toMatchObject({ fits: false, reason: expect.stringMatching(/^about \d+ px wide \(budget 100 px\)$/) });
  });

  test('a diagram with too many nodes or edges is judged on the counts alone; its source is still what it would draw', () => {
    const spec = {
      nodes: [{ key: 'a', label: 'alpha' }, { key: 'b', label: 'beta' }, { key: 'c', label: 'gamma' }],
      edges: [{ from: 'a', to: 'b', label: 'TCP 1' }, { from: 'a', to: 'c', label: 'TCP 2' }],
    };
    // Over every limit: the reason names the counts only (the characters and the width need the drawing).
    const over = reporting.fitDiagram(spec, { maxNodes: 2, maxEdges: 1, maxChars: 20, maxWidth: 100 });
    expect(over).toMatchObject({ fits: false, reason: '3 nodes (budget 2), 2 edges (budget 1)' });
    // What it would draw is still there for whoever reads it, the same as an unbounded fit's.
    const drawn = reporting.fitDiagram(spec);
    expect(over.source).toBe(drawn.source);
    expect(over.source).toContain('n_a -->|"TCP 1"| n_b');
    expect(over.estimatedWidth).toBe(drawn.estimatedWidth);
    // Within the counts, the characters and the width are still judged.
    expect(reporting.fitDiagram(spec, { maxChars: 20, maxWidth: 100 }))
      .toMatchObject({ fits: false, reason: expect.stringMatching(/^\d+ characters \(budget 20\), about \d+ px wide \(budget 100 px\)$/) });
  });

  test('the width estimate grows with a rank\'s nodes, not with a chain\'s length', () => {
    const chain = (n: number) => ({
      nodes: Array.from({ length: n }, (_, i) => ({ key: `n${i}`, label: `app-${String(i).padStart(2, '0')}` })),
      edges: Array.from({ length: n - 1 }, (_, i) => ({ from: `n${i}`, to: `n${i + 1}`, label: 'TCP 8080' })),
    });
    const fan = (n: number) => ({
      nodes: [{ key: 'h', label: 'host' }, ...Array.from({ length: n }, (_, i) => ({ key: `n${i}`, label: `service-${i}` }))],
      edges: Array.from({ length: n }, (_, i) => ({ from: 'h', to: `n${i}`, label: `/svc-${i} (Prefix)` })),
    });
    expect(reporting.estimateWidth(chain(30))).toBe(reporting.estimateWidth(chain(3)));
    // Measured with Mermaid 11 in Chromium (in a subgraph): 4 labels of 15 characters draw 736 px, 6 draw 1,085 px.
    expect(reporting.estimateWidth(fan(4))).toBeLessThanOrEqual(900);
    expect(reporting.estimateWidth(fan(6))).toBeGreaterThan(900);
    // A cycle does not loop the ranking.
    expect(reporting.estimateWidth({ nodes: [{ key: 'a', label: 'a' }, { key: 'b', label: 'b' }], edges: [{ from: 'a', to: 'b', label: 'x' }, { from: 'b', to: 'a', label: 'y' }] })).toBeGreaterThan(0);
  });

  test('the whole-app diagram is kept while it fits, replaced by namespace counts when it does not', () => {
    const app = benchApp(100);
    synth(app);
    const md = read(app);
    const whole = md.split(/^## /m).find((s) => s.startsWith('Diagram'))!;
    expect(mermaidBlocks(whole)).toEqual([]);
    // Over the node and edge budgets, the note names those counts only: the diagram is not drawn to measure it.
    expect(whole).toMatch(/^_Diagram left out: 101 nodes \(budget 30\), \d+ edges \(budget 45\); flows between namespaces are counted below\._$/m);
    expect(whole).toContain('| team-000 | team-000 | 49 |');
    expect(whole).toContain('| ingress-nginx | team-001 | 5 |');
  });

  test('the diagram of changed edges: thick opened, dotted closed, marked changed; a table above the budget', () => {
    const endpoints: reporting.ReportEndpoint[] = [
      { id: 'shop/Deployment/web', type: 'workload', namespace: 'shop', name: 'web' },
      { id: 'shop/Deployment/api', type: 'workload', namespace: 'shop', name: 'api' },
      { id: 'cidr:10.0.0.0/8', type: 'ip-block', name: '10.0.0.0/8' },
    ];
    const edges: reporting.ChangedEdge[] = [
      { from: 'shop/Deployment/web', to: 'shop/Deployment/api', label: 'TCP 8080', change: 'opened' },
      { from: 'shop/Deployment/api', to: 'cidr:10.0.0.0/8', label: 'TCP 5432', change: 'closed' },
      { from: 'shop/Deployment/api', to: 'shop/Deployment/web', label: 'TCP 80 -> TCP 80, TCP 443', change: 'changed' },
    ];
    expect(reporting.renderEdgeDiagram(edges, { endpoints })).toEqual([
      '```mermaid',
      [
        'flowchart TB',
        '  subgraph g_shop["shop"]',
        '    n_shop_Deployment_api["api"]',
        '    n_shop_Deployment_web["web"]',
        '  end',
        '  n_cidr_10_0_0_0_8{{"10.0.0.0/8"}}',
        '  n_shop_Deployment_api -->|"TCP 80 -> TCP 80, TCP 443 (changed)"| n_shop_Deployment_web',
        '  n_shop_Deployment_api -.->|"TCP 5432"| n_cidr_10_0_0_0_8',
        '  n_shop_Deployment_web ==>|"TCP 8080"| n_shop_Deployment_api',
      ].join('\n'),
      '```',
    ]);
    const table = reporting.renderEdgeDiagram(edges, { endpoints, budget: { maxEdges: 2 } });
    expect(table[0]).toBe('_Diagram left out: 3 edges (budget 2); the changed flows are listed instead._');
    expect(table).toContain('| opened | shop/web | shop/api | TCP 8080 |');
    expect(table).toContain('| closed | shop/api | 10.0.0.0/8 | TCP 5432 |');
    expect(reporting.renderEdgeDiagram([])).toEqual(['No flow opened, closed or changed.']);
  });
});
