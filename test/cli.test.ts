/**
 * The `cdk8s-networking` command, run in-process on the outputs of real programs: each kind of
 * change a pull request can make has a test that fails if the diff misses it. The packed `bin`
 * itself runs in test/package.test.ts.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cli, json, OPEN_LEDGER_POLICY, SHOP_DEFAULT_DENY, shopDeployment, synthShop } from './cli.fixtures';
import { readOutput, testApp, validateManifest } from './util';
import { buildApp } from '../apps/main';
import { diffReports, hasCategory, hasChanges } from '../lib/cli/diff';
import type { NetworkReport, ReportEndpoint, ReportFlow } from '../lib/report/model';

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), `cdk8s-networking-${prefix}-`));

const WEB = 'production/Deployment/web';
const API = 'production/Deployment/api';
const LEDGER = 'payments/Deployment/ledger';

let base: string;
beforeAll(() => {
  base = synthShop();
});

describe('diff', () => {
  test('identical outputs: exit 0 and a summary that says so', () => {
    const r = cli(['diff', base, synthShop()]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('**No network changes: connectivity and entry points are the same.**');
    expect(r.stdout).not.toContain('```mermaid');
  });

  test('a flow added: opened, with the ports as the report spells them and the construct that declared it', () => {
    const head = synthShop({ addFlow: true });
    const d = json(['diff', base, head]);
    expect(d.code).toBe(1);
    expect(d.opened).toEqual([expect.objectContaining({
      from: WEB, to: LEDGER, ports: ['TCP 9000'], declared: ['app'], declaredBy: ['shop/ledger'], calls: ['shop/ledger.allowFrom(production/web)'],
    })]);
    const report = JSON.parse(fs.readFileSync(path.join(head, 'network-report.json'), 'utf8'));
    const flow = report.flows.find((f: any) => f.from === WEB && f.to === LEDGER);
    expect({ from: d.opened[0].from, to: d.opened[0].to, ports: d.opened[0].ports }).toEqual({ from: flow.from, to: flow.to, ports: flow.ports });
    expect(d.closed).toEqual([]);
    expect(d.changed).toEqual([]);
    // The ledger is newly reachable from another namespace's web.
    expect(d.exposure.widened).toEqual([{ workload: LEDGER, path: 'shop/ledger/Deployment', sources: [WEB] }]);
    expect(d.summary).toBe('Network changes: 1 flow opened, exposure widened for 1 workload.');
    expect(cli(['diff', base, head, '--fail-on', 'opened']).code).toBe(1);
    expect(cli(['diff', base, head, '--fail-on', 'tls-off']).code).toBe(0);
  });

  test('a flow removed: closed, and --fail-on opened lets it pass', () => {
    const head = synthShop({ removeFlow: true });
    const d = json(['diff', base, head]);
    expect(d.code).toBe(1);
    expect(d.opened).toEqual([]);
    expect(d.closed).toEqual([expect.objectContaining({ from: API, to: LEDGER, ports: ['TCP 9000'], declaredBy: ['shop/ledger'] })]);
    expect(d.exposure.narrowed).toEqual([{ workload: LEDGER, path: 'shop/ledger/Deployment', sources: [API] }]);
    expect(cli(['diff', base, head, '--fail-on', 'opened,exposure,tls-off']).code).toBe(0);
  });

  test('a port changed: changed, with the ports before and after', () => {
    const d = json(['diff', base, synthShop({ apiPort: 3001 })]);
    expect(d.code).toBe(1);
    expect(d.opened).toEqual([]);
    expect(d.closed).toEqual([]);
    expect(d.changed).toEqual([expect.objectContaining({ from: WEB, to: API, before: ['TCP 3000'], ports: ['TCP 3001'], added: ['TCP 3001'], removed: ['TCP 3000'] })]);
    expect(d.summary).toContain('1 flow with changed ports');
  });

  test('a hand-written policy next to the output widens exposure: computed from the manifests, not the stale report', () => {
    const head = synthShop();
    fs.writeFileSync(path.join(head, 'open-ledger.yaml'), OPEN_LEDGER_POLICY);
    const d = json(['diff', base, head]);
    expect(d.code).toBe(1);
    // web's egress is isolated, so the pods that gain the ledger are those whose egress is not:
    // the ingress controller and DNS pods outside the app, on the policy's port.
    const NGINX = 'ingress-nginx/Peer/app.kubernetes.io/name=ingress-nginx';
    // And any pod of any other namespace (namespaceSelector: {}), through the verification's exposure endpoints (#12).
    const ANY = '[any other namespace]/Peer/*';
    expect(d.opened).toEqual([
      { from: ANY, to: LEDGER, ports: ['TCP 9000'], allowedBy: ['payments/open-ledger'], declared: [], declaredBy: [], calls: [] },
      { from: NGINX, to: LEDGER, ports: ['TCP 9000'], allowedBy: ['payments/open-ledger'], declared: [], declaredBy: [], calls: [] },
      expect.objectContaining({ from: 'kube-system/Peer/k8s-app=kube-dns', to: LEDGER, allowedBy: ['payments/open-ledger'] }),
    ]);
    // The report beside head was written for the manifests before the hand-written file: its construct paths are not used.
    expect(d.exposure.widened).toEqual([{ workload: LEDGER, path: 'shop.k8s.yaml#16', sources: [ANY, NGINX, 'kube-system/Peer/k8s-app=kube-dns'] }]);
    expect(cli(['diff', base, head, '--fail-on', 'exposure']).code).toBe(1);
    expect(cli(['diff', base, head, '--fail-on', 'tls-off']).code).toBe(0);
  });

  test('the example app\'s output read back from its files (in file-name order, not synth\'s) has the digest its report records', () => {
    const app = buildApp(testApp());
    app.synth();
    // Synth renders seed, shop, argocd; the folder lists argocd first.
    expect(fs.readdirSync(app.outdir).filter((f) => f.endsWith('.k8s.yaml')).sort()).toEqual(['argocd.k8s.yaml', 'seed.k8s.yaml', 'shop.k8s.yaml']);
    const written = JSON.parse(fs.readFileSync(path.join(app.outdir, 'network-report.json'), 'utf8')) as NetworkReport;
    const read = JSON.parse(cli(['analyze', app.outdir, '--format', 'json']).stdout) as NetworkReport;
    expect(read.manifests).toEqual(written.manifests);
    expect(read.findings.map((f) => f.check)).not.toContain('report-outdated');
  });

  test('analyze uses the report beside the manifests only for the manifests it was written with', () => {
    const head = synthShop();
    const written = JSON.parse(fs.readFileSync(path.join(head, 'network-report.json'), 'utf8')) as NetworkReport;
    expect(written.manifests).toEqual({ objects: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // As written: the synth's findings and construct paths, and the same digest.
    const same = JSON.parse(cli(['analyze', head, '--format', 'json']).stdout) as NetworkReport;
    expect(same.manifests).toEqual(written.manifests);
    expect(same.findings.map((f) => f.check)).not.toContain('report-outdated');
    expect(same.endpoints.find((e) => e.id === LEDGER)?.path).toBe('shop/ledger/Deployment');
    // A hand-written policy beside it: the report is outdated, and says so.
    fs.writeFileSync(path.join(head, 'open-ledger.yaml'), OPEN_LEDGER_POLICY);
    const edited = JSON.parse(cli(['analyze', head, '--format', 'json']).stdout) as NetworkReport;
    expect(edited.manifests!.objects).toBe(written.manifests!.objects + 1);
    expect(edited.endpoints.find((e) => e.id === LEDGER)?.path).toBe('shop.k8s.yaml#16');
    const outdated = edited.findings.filter((f) => f.check === 'report-outdated');
    expect(outdated).toEqual([{
      check: 'report-outdated',
      severity: 'warning',
      message: `network-report.json was written at synth for ${written.manifests!.objects} objects (sha256 ${written.manifests!.sha256.slice(0, 12)}), `
        + `and the manifests beside it are ${edited.manifests!.objects} objects (sha256 ${edited.manifests!.sha256.slice(0, 12)}): objects were `
        + 'edited, added or removed after synth, so the report\'s findings, construct paths and declared flows are not used; the checks ran on '
        + 'the manifests as they are, and zero-trust namespaces are those a default-deny policy isolates',
      fix: 'synthesize again (cdk8s synth) and commit the output as it is written, or make the change in the program instead of the YAML',
    }]);
    // An object edited in place (same count) is caught too.
    fs.rmSync(path.join(head, 'open-ledger.yaml'));
    const file = path.join(head, 'shop.k8s.yaml');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('replicas: 2');
    fs.writeFileSync(file, text.replace('replicas: 2', 'replicas: 3'));
    const inPlace = JSON.parse(cli(['analyze', head, '--format', 'json']).stdout) as NetworkReport;
    expect(inPlace.manifests!.objects).toBe(written.manifests!.objects);
    expect(inPlace.findings.map((f) => f.check)).toContain('report-outdated');
  });

  test('guardrails recorded in the report fail the diff of a later output that breaks them, whatever --fail-on says', () => {
    const guarded = synthShop({ guardrail: true });
    const head = synthShop({ guardrail: true });
    fs.writeFileSync(path.join(head, 'open-ledger.yaml'), OPEN_LEDGER_POLICY);
    const d = json(['diff', guarded, head, '--fail-on', 'tls-off']);
    expect(d.code).toBe(1);
    const violation = { guardrail: 'forbid(ingress-nginx -> payments)', reason: 'the edge never reaches payments', guardrailDeclaredBy: 'cdk8s-networking' };
    // Every pod of ingress-nginx (the guardrail's own peer) and the controller pods the flows name.
    expect(d.guardrails.violations).toEqual([
      { ...violation, flow: 'ingress-nginx/Peer/* -> payments/Deployment/ledger on TCP 9000', declaredBy: ['payments/open-ledger'] },
      { ...violation, flow: 'ingress-nginx/Peer/app.kubernetes.io/name=ingress-nginx -> payments/Deployment/ledger on TCP 9000', declaredBy: ['payments/open-ledger'] },
    ]);
    const md = cli(['diff', guarded, head]).stdout;
    expect(md.split('\n')[0]).toContain('**2 guardrail violations.**');
    expect(md).toContain('| forbid(ingress-nginx -> payments) | the edge never reaches payments |');
    // Without the hand-written policy the same guardrail holds.
    expect(cli(['diff', guarded, synthShop({ guardrail: true }), '--fail-on', 'tls-off']).code).toBe(0);
  });

  test('an entry point losing TLS: changed with tls on -> off, and --fail-on tls-off fails', () => {
    const head = synthShop({ noTls: true });
    const d = json(['diff', base, head]);
    expect(d.code).toBe(1);
    expect(d.entryPoints.changed).toEqual([expect.objectContaining({ tlsOff: true, changes: ['tls on -> off'] })]);
    expect(d.entryPoints.changed[0].after).toEqual(expect.objectContaining({ host: 'shop.example.com', tls: 'off', backend: 'web:80' }));
    expect(cli(['diff', base, head, '--fail-on', 'tls-off']).code).toBe(1);
    expect(cli(['diff', base, head, '--fail-on', 'opened,exposure']).code).toBe(0);
    const md = cli(['diff', base, head]).stdout;
    expect(md.split('\n')[0]).toContain('1 entry point without TLS');
    expect(md).toContain('**TLS off**: tls on -> off');
  });

  test('a workload added is listed; two network-report.json files compare like their folders', () => {
    const head = synthShop({ addWorkload: true, addFlow: true });
    const folders = json(['diff', base, head]);
    expect(folders.workloads.added).toEqual([expect.objectContaining({ id: 'production/Deployment/worker', path: 'shop/worker/Deployment' })]);
    const files = json(['diff', path.join(base, 'network-report.json'), path.join(head, 'network-report.json')]);
    expect(files.opened).toEqual(folders.opened);
    expect(files.workloads).toEqual(folders.workloads);
  });

  test('Markdown for a pull request: summary first, tables, a top-to-bottom Mermaid chart of the changed edges only', () => {
    const r = cli(['diff', base, synthShop({ addFlow: true, removeFlow: true })]);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('**Network changes: 1 flow opened, 1 flow closed, exposure widened for 1 workload.**');
    expect(r.stdout).toContain('| production/web | payments/ledger | TCP 9000 | `shop/ledger.allowFrom(production/web)` |');
    const chart = r.stdout.slice(r.stdout.indexOf('```mermaid') + 10, r.stdout.lastIndexOf('```'));
    expect(chart.trim().split('\n')[0]).toBe('flowchart TB');
    // Stable ids derived from names; only the two changed edges, web -> api (unchanged) is not drawn.
    expect(chart).toContain('n_production__Deployment__web -->|"opened: TCP 9000"| n_payments__Deployment__ledger');
    expect(chart).toContain('n_production__Deployment__api -.->|"closed: TCP 9000"| n_payments__Deployment__ledger');
    expect(chart.match(/-->|-\.->/g)).toHaveLength(2);
  });

  test('a namespace no longer zero-trust: isolation lost and exposure widened, not flows closed; --fail-on opened and exposure fail', () => {
    const head = synthShop({ plainProduction: true });
    const d = json(['diff', base, head]);
    expect(d.code).toBe(1);
    // No policy governs web -> api, web's DNS or the controller -> web now: still allowed, so not closed (the report lists governed flows only).
    expect(d.closed).toEqual([]);
    // In a plain namespace pods the app does not define may carry app=api: the ledger admits them too.
    expect(d.opened).toEqual([expect.objectContaining({ from: 'production/Peer/app=api', to: LEDGER, ports: ['TCP 9000'] })]);
    expect(d.isolation).toEqual({
      lost: [
        { workload: API, path: 'shop/api/Deployment', directions: ['ingress', 'egress'] },
        { workload: WEB, path: 'shop/web/Deployment', directions: ['ingress', 'egress'] },
      ],
      gained: [],
    });
    const open = 'any pod or address (ingress not isolated)';
    expect(d.exposure.widened).toEqual([
      { workload: LEDGER, path: 'shop/ledger/Deployment', sources: ['production/Peer/app=api'] },
      { workload: API, path: 'shop/api/Deployment', sources: [open] },
      { workload: WEB, path: 'shop/web/Deployment', sources: [open] },
    ]);
    expect(d.summary).toBe('Network changes: 1 flow opened, exposure widened for 3 workloads, isolation lost for 2 workloads.');
    expect(cli(['diff', base, head, '--fail-on', 'opened']).code).toBe(1);
    expect(cli(['diff', base, head, '--fail-on', 'exposure']).code).toBe(1);
    expect(cli(['diff', base, head, '--fail-on', 'tls-off']).code).toBe(0);
    const md = cli(['diff', base, head]).stdout;
    expect(md).toContain('| **isolation lost** | production/api | ingress: any pod or address can connect to it; '
      + 'egress: it can connect to any pod or address | shop/api/Deployment |');
    expect(md).not.toContain('#### Flows closed');
    // The manifests of the plain namespace are valid as well.
    readOutput(head);
  });

  test('a namespace made zero-trust: isolation gained, and the flows it now governs were allowed before, so none opened', () => {
    const before = synthShop({ plainProduction: true });
    const d = json(['diff', before, base, '--fail-on', 'opened,exposure']);
    expect(d.code).toBe(0);
    expect(d.opened).toEqual([]);
    expect(d.closed).toEqual([expect.objectContaining({ from: 'production/Peer/app=api', to: LEDGER, ports: ['TCP 9000'] })]);
    expect(d.isolation).toEqual({
      lost: [],
      gained: [
        { workload: API, path: 'shop/api/Deployment', directions: ['ingress', 'egress'] },
        { workload: WEB, path: 'shop/web/Deployment', directions: ['ingress', 'egress'] },
      ],
    });
    expect(d.summary).toBe('Network changes: 1 flow closed, isolation gained for 2 workloads.');
  });

  test('hand-written manifests: a deleted default-deny is isolation lost, where the diff saw no change before', () => {
    const ns = 'apiVersion: v1\nkind: Namespace\nmetadata: { name: ns }\n';
    const deployment = (name: string) => `---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: ${name}, namespace: ns }\nspec:\n`
      + `  selector: { matchLabels: { app: ${name} } }\n  template:\n    metadata: { labels: { app: ${name} } }\n`
      + `    spec: { containers: [ { name: c, image: x, ports: [ { containerPort: 8080 } ] } ] }\n`;
    const aToB = '---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: a-to-b, namespace: ns }\n'
      + 'spec:\n  podSelector: { matchLabels: { app: b } }\n  ingress: [ { from: [ { podSelector: { matchLabels: { app: a } } } ], ports: [ { port: 8080 } ] } ]\n';
    const deny = '---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: default-deny, namespace: ns }\n'
      + 'spec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n'
      + '---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: a-egress, namespace: ns }\n'
      + 'spec:\n  podSelector: { matchLabels: { app: a } }\n  policyTypes: [Egress]\n  egress: [ { to: [ { podSelector: { matchLabels: { app: b } } } ], ports: [ { port: 8080 } ] } ]\n';
    const old = tmp('deny-old');
    const now = tmp('deny-new');
    fs.writeFileSync(path.join(old, 'all.yaml'), ns + deployment('a') + deployment('b') + aToB + deny);
    fs.writeFileSync(path.join(now, 'all.yaml'), ns + deployment('a') + deployment('b') + aToB);
    for (const dir of [old, now]) readOutput(dir);
    const d = json(['diff', old, now, '--fail-on', 'exposure']);
    expect(d.code).toBe(1);
    expect(d.isolation.lost).toEqual([
      { workload: 'ns/Deployment/a', path: 'all.yaml#2', directions: ['ingress', 'egress'] },
      { workload: 'ns/Deployment/b', path: 'all.yaml#3', directions: ['egress'] },
    ]);
    expect(d.exposure.widened).toEqual([{ workload: 'ns/Deployment/a', path: 'all.yaml#2', sources: ['any pod or address (ingress not isolated)'] }]);
    expect(d.summary).toBe('Network changes: exposure widened for 1 workload, isolation lost for 2 workloads.');
  });

  test('--only keeps one namespace', () => {
    const head = synthShop({ addFlow: true, apiPort: 3001 });
    expect(json(['diff', base, head, '--only', 'production']).changed).toHaveLength(1);
    const payments = json(['diff', base, head, '--only', 'payments']);
    expect(payments.opened).toHaveLength(1);
    expect(payments.changed).toEqual([]);
  });
});

describe('diff and redirects: only a redirect to https keeps the client on TLS', () => {
  /** A hand-written redirect HTTPRoute `name` for shop.example.com (path `/<name>` unless told), on the plain-HTTP listener unless told. */
  interface Redirect { readonly name: string; readonly redirect: Record<string, unknown>; readonly path?: string; readonly listener?: 'http' | 'https' }

  /** The shop's output with a Gateway `edge` (HTTP 80, HTTPS 443) written by hand next to it, and the redirect HTTPRoutes. */
  function withRedirects(...redirects: Redirect[]): string {
    const out = synthShop();
    const docs = [
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'edge', namespace: 'production' }, spec: {
        gatewayClassName: 'eg', listeners: [
          { name: 'http', port: 80, protocol: 'HTTP' },
          { name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'edge-tls' }] } },
        ] } },
      ...redirects.map((r) => ({
        apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: r.name, namespace: 'production' }, spec: {
          parentRefs: [{ name: 'edge', sectionName: r.listener ?? 'http' }], hostnames: ['shop.example.com'],
          rules: [{ matches: [{ path: { type: 'PathPrefix', value: r.path ?? `/${r.name}` } }], filters: [{ type: 'RequestRedirect', requestRedirect: r.redirect }] }],
        } })),
    ];
    docs.forEach(validateManifest);
    fs.writeFileSync(path.join(out, 'edge.yaml'), docs.map((d) => JSON.stringify(d)).join('\n---\n'));
    return out;
  }

  test('added on plain HTTP: a redirect keeping the scheme and one to http count as tls-off, one to https does not', () => {
    const head = withRedirects(
      { name: 'same', redirect: {} },
      { name: 'plain', redirect: { scheme: 'http', hostname: 'www.example.com' } },
      { name: 'secure', redirect: { scheme: 'https' } },
      // Two routes on one path merge into one entry point: the one keeping plain HTTP makes it tls-off.
      { name: 'moved-a', path: '/moved', redirect: { scheme: 'https' } },
      { name: 'moved-b', path: '/moved', redirect: { hostname: 'www.example.com' } },
    );
    const d = json(['diff', base, head]);
    expect(d.entryPoints.added.map((e: any) => [e.via, e.match, e.backend, e.tls])).toEqual([
      ['HTTPRoute/moved-a, HTTPRoute/moved-b', '/moved (PathPrefix)', 'redirect https://(same host), redirect www.example.com', 'off'],
      ['HTTPRoute/plain', '/plain (PathPrefix)', 'redirect http://www.example.com', 'off'],
      ['HTTPRoute/same', '/same (PathPrefix)', 'redirect (same host)', 'off'],
      ['HTTPRoute/secure', '/secure (PathPrefix)', 'redirect https://(same host)', 'off'],
    ]);
    expect(d.summary).toBe('Network changes: 4 entry points added, 3 entry points without TLS.');
    expect(cli(['diff', base, head, '--fail-on', 'tls-off']).code).toBe(1);
    const md = cli(['diff', base, head]).stdout;
    expect(md.split('\n').filter((l) => l.includes('HTTPRoute/')).map((l) => l.split(' | ').slice(0, 2).join(' | '))).toEqual([
      '| added, **TLS off** | production',
      '| added, **TLS off** | production',
      '| added, **TLS off** | production',
      '| added | production',
    ]);
    const secure = withRedirects({ name: 'secure', redirect: { scheme: 'https' } }, { name: 'kept', redirect: {}, listener: 'https' });
    expect(json(['diff', base, secure]).summary).toBe('Network changes: 2 entry points added.');
    expect(cli(['diff', base, secure, '--fail-on', 'tls-off']).code).toBe(0);
  });

  test('changed: a redirect from https to http (or to the request\'s plain scheme) loses TLS; the way back does not', () => {
    const cases: [Redirect[], Redirect[], string][] = [
      [[{ name: 'moved', redirect: { scheme: 'https' } }], [{ name: 'moved', redirect: { scheme: 'http' } }],
        'backend redirect https://(same host) -> redirect http://(same host)'],
      [[{ name: 'moved', redirect: { scheme: 'https' } }], [{ name: 'moved', redirect: {} }],
        'backend redirect https://(same host) -> redirect (same host)'],
      // On the HTTPS listener a redirect keeping the scheme stays on TLS; one to http does not.
      [[{ name: 'moved', redirect: {}, listener: 'https' }], [{ name: 'moved', redirect: { scheme: 'http' }, listener: 'https' }],
        'backend redirect (same host) -> redirect http://(same host)'],
      // Merged: one of the two routes now keeps plain HTTP.
      [[{ name: 'moved-a', path: '/moved', redirect: { scheme: 'https' } }, { name: 'moved-b', path: '/moved', redirect: { scheme: 'https', hostname: 'www.example.com' } }],
        [{ name: 'moved-a', path: '/moved', redirect: { scheme: 'https' } }, { name: 'moved-b', path: '/moved', redirect: { hostname: 'www.example.com' } }],
        'backend redirect https://(same host), redirect https://www.example.com -> redirect https://(same host), redirect www.example.com'],
    ];
    for (const [before, after, change] of cases) {
      const secure = withRedirects(...before);
      const plain = withRedirects(...after);
      const d = json(['diff', secure, plain]);
      expect(d.entryPoints.changed).toEqual([expect.objectContaining({ tlsOff: true, changes: [change] })]);
      expect(d.summary).toBe('Network changes: 1 entry point changed, 1 entry point without TLS.');
      expect(cli(['diff', secure, plain, '--fail-on', 'tls-off']).code).toBe(1);
      const back = json(['diff', plain, secure]);
      expect(back.entryPoints.changed).toEqual([expect.objectContaining({ tlsOff: false })]);
      expect(back.summary).toBe('Network changes: 1 entry point changed.');
      expect(cli(['diff', plain, secure, '--fail-on', 'tls-off']).code).toBe(0);
    }
  });
});

describe('diff --base REF', () => {
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  test('reads the committed output at the ref and compares the working tree with it', () => {
    const repo = tmp('repo');
    git(repo, 'init', '-q');
    git(repo, 'config', 'user.email', 'test@example.com');
    git(repo, 'config', 'user.name', 'test');
    fs.writeFileSync(path.join(repo, 'cdk8s.yaml'), 'language: typescript\napp: node main.js\noutput: dist\n');
    synthShop({}, path.join(repo, 'dist'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'base');
    fs.rmSync(path.join(repo, 'dist'), { recursive: true });
    synthShop({ addFlow: true }, path.join(repo, 'dist'));
    const d = json(['diff', '--base', 'HEAD'], repo);
    expect(d.code).toBe(1);
    expect(d.opened).toEqual([expect.objectContaining({ from: WEB, to: LEDGER })]);
    const unknown = cli(['diff', '--base', 'no-such-ref'], repo);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no-such-ref');
  });
});

describe('explain', () => {
  test('an allowed flow names the policy and rule on each side', () => {
    const r = cli(['explain', base, 'production/web', 'production/api', '3000']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`**${WEB} -> ${API} on TCP 3000: allowed**`);
    const x = json(['explain', base, 'production/web', 'production/api', '3000']);
    expect(x.egress.policies.find((p: any) => p.allows).name).toBe('production/allow-web-egress-to-api');
    expect(x.ingress.policies.find((p: any) => p.allows).name).toBe('production/allow-web-to-api');
    expect(x.ingress.policies.find((p: any) => p.name === 'production/default-deny')).toEqual(expect.objectContaining({ allows: false, rules: [] }));
  });

  test('a denied flow says which side denies it and why each rule does not match', () => {
    const r = cli(['explain', base, 'production/web', 'payments/ledger', '9000/TCP']);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toContain('denied');
    const x = json(['explain', base, 'production/web', 'payments/ledger', '9000']);
    expect(x.allowed).toBe(false);
    expect(x.egress.allowed).toBe(false);
    expect(x.ingress.allowed).toBe(false);
    const ingress = x.ingress.policies.find((p: any) => p.name === 'payments/allow-production-api-to-ledger');
    expect(ingress.rules).toEqual([expect.objectContaining({ peerMatches: false, portMatches: true })]);
    expect(r.stdout).toContain('no rule admits this connection');
  });

  test('a wrong port is denied by the port, not the peer; an address is allowed by the DNS rule', () => {
    const x = json(['explain', base, 'production/web', 'production/api', '3001']);
    expect(x.ingress.policies.find((p: any) => p.name === 'production/allow-web-to-api').rules[0]).toEqual(expect.objectContaining({ peerMatches: true, portMatches: false }));
    expect(json(['explain', base, 'production/web', 'kube-system:k8s-app=kube-dns', '53/UDP']).allowed).toBe(true);
  });

  test('unknown workloads and bad ports are errors naming the value', () => {
    const r = cli(['explain', base, 'production/nope', 'production/api', '3000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('FROM "production/nope" is invalid: no such workload');
    expect(r.stderr).toContain('production/api');
    expect(cli(['explain', base, 'production/web', 'production/api', '70000']).stderr).toContain('PORT "70000" is invalid');
  });
});

describe('analyze', () => {
  test('a folder of hand-written manifests without a report gets a report', () => {
    const dir = tmp('hand');
    fs.writeFileSync(path.join(dir, 'app.yaml'), `apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec: { containers: [{ name: api, image: api:1, ports: [{ containerPort: 3000 }] }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: web:1 }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-from-web, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  ingress: [{ from: [{ podSelector: { matchLabels: { app: web } } }], ports: [{ port: 3000 }] }]
`);
    const report = json(['analyze', dir]);
    expect(report.code).toBe(0);
    expect(report.flows).toEqual([expect.objectContaining({ from: 'shop/Deployment/web', to: 'shop/Deployment/api', ports: ['TCP 3000'], allowedBy: ['shop/api-from-web'] })]);
    expect(report.endpoints.find((e: any) => e.id === 'shop/Deployment/api').path).toBe('app.yaml#2');
    const md = cli(['analyze', dir]).stdout;
    expect(md).toContain('| web | api | TCP 3000 | api-from-web | not declared |');
  });

  /** Namespace shop with its default-deny, Deployment web (container port 8080) and Service web 80 -> 8080 (`spec` starting with `type`). */
  const webBehindDefaultDeny = (type: string) => `${SHOP_DEFAULT_DENY}
${shopDeployment('web', 8080)}---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { ${type}selector: { app: web }, ports: [{ port: 80, targetPort: 8080 }] }`;

  test('hand-written manifests get the reach checks synth runs: a route whose zero-trust backend no controller may reach', () => {
    const dir = tmp('reach');
    const manifests = (allow: string) => `${webBehindDefaultDeny('')}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: shop }
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] }
${allow}`;
    fs.writeFileSync(path.join(dir, 'app.yaml'), manifests(''));
    readOutput(dir); // schema-validated
    const report = json(['analyze', dir]);
    expect(report.code).toBe(0);
    expect(report.findings).toEqual([{
      check: 'route-backend-unreachable', severity: 'warning', object: 'app.yaml#5',
      message: 'app.yaml#5: Ingress shop/web spec.rules[0].http.paths[0].backend.service.name "web" is accepted, but: its pods '
        + '(shop/Deployment/web) are in zero-trust namespace "shop" and admit no connection from outside it on TCP 8080, so the controller '
        + 'serving this route, which runs in a namespace of its own, cannot reach them and the route fails',
      fix: 'declare the controller\'s flow, e.g. allowIngressFrom(Peer.pods({ namespace: \'ingress-nginx\', labels: { '
        + '\'app.kubernetes.io/name\': \'ingress-nginx\' } }), Port.tcp(8080)) on the app web, or route through an ApiGateway, which declares it',
    }]);
    // A policy admitting the controller's pods on the container port clears it.
    fs.writeFileSync(path.join(dir, 'app.yaml'), manifests(`---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-from-ingress-nginx, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Ingress]
  ingress:
    - from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: ingress-nginx } } }]
      ports: [{ port: 8080 }]
`));
    readOutput(dir);
    expect(json(['analyze', dir]).findings).toEqual([]);
  });

  test('and a NodePort Service in a default-deny namespace that no client outside the cluster may reach', () => {
    const dir = tmp('nodeport');
    fs.writeFileSync(path.join(dir, 'app.yaml'), `${webBehindDefaultDeny('type: NodePort, ')}\n`);
    readOutput(dir); // schema-validated
    expect(json(['analyze', dir]).findings).toEqual([{
      check: 'external-service-unreachable', severity: 'warning', object: 'app.yaml#4',
      message: 'app.yaml#4: Service shop/web spec.type "NodePort" is accepted, but: default-deny in zero-trust namespace "shop" drops every '
        + 'client outside the cluster, and no flow from an IP block admits one to shop/Deployment/web',
      fix: 'declare where the clients come from: allowIngressFrom(Peer.cidr(\'<client CIDR>\')) on the app web; with externalTrafficPolicy '
        + 'Cluster the source is SNATed to a node address, so allow the node CIDRs; with Local, loadBalancerSourceRanges are declared for you; '
        + 'or put the app behind an ApiGateway',
    }]);
  });

  test('the library output analyzed from its manifests gives the report written at synth', () => {
    const written = JSON.parse(fs.readFileSync(path.join(base, 'network-report.json'), 'utf8'));
    const { code, ...analyzed } = json(['analyze', base]);
    expect(code).toBe(0);
    expect(analyzed).toEqual(written);
  });
});

describe('bad input: one clear error, exit 2, never a stack trace', () => {
  const bad = (file: string, text: string) => {
    const dir = tmp('bad');
    fs.writeFileSync(path.join(dir, file), text);
    const r = cli(['analyze', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    return r.stderr;
  };
  const OK = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n';

  test('invalid YAML names the file, the document and the line', () => {
    const e = bad('broken.yaml', `${OK}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\n`);
    expect(e).toMatch(/broken\.yaml: document 2 \(line \d+, column \d+\): invalid YAML/);
  });

  test('a document that is not a Kubernetes object', () => {
    expect(bad('x.yaml', `${OK}---\n- just\n- a list\n`)).toContain('x.yaml: document 2: is a list, not a Kubernetes object');
    expect(bad('y.yaml', `${OK}---\nkind: Service\nmetadata: { name: s }\n`)).toContain('y.yaml: document 2: apiVersion is missing');
    expect(bad('z.yaml', `apiVersion: v1\nkind: Service\nmetadata: {}\n`)).toContain('z.yaml: document 1: Service metadata.name is missing');
  });

  test('a malformed NetworkPolicy names its file and document', () => {
    const e = bad('np.yaml', `${OK}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: p, namespace: a }\nspec:\n  podSelector: {}\n  ingress: [{ from: [{ ipBlock: { cidr: 10.0.0.0/33 } }] }]\n`);
    expect(e).toContain('np.yaml, document 2: NetworkPolicy a/p is invalid');
  });

  test('missing folders, unknown commands and options', () => {
    const missing = cli(['diff', '/no/such/folder', base]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/no/such/folder: no such file or folder');
    expect(cli(['frobnicate']).stderr).toContain('unknown command "frobnicate"');
    expect(cli(['diff', base, base, '--fail-on', 'everything']).stderr).toContain('--fail-on "everything" is invalid: must be one of opened, exposure, tls-off, tls-unverified');
    expect(cli(['diff', base, base, '--bogus']).code).toBe(2);
    expect(cli(['diff', base]).stderr).toContain('diff needs OLD and NEW');
  });
});

describe('diff of reports: a flow no policy governs is allowed, though no report lists it', () => {
  type Iso = { ingress: boolean; egress: boolean } | undefined;
  const workload = (name: string, isolated: Iso): ReportEndpoint => ({
    id: `ns/Deployment/${name}`, type: 'workload', namespace: 'ns', name, kind: 'Deployment', path: `app/${name}`, ...(isolated ? { isolated } : {}),
  });
  const flow = (from: string, to: string): ReportFlow => ({
    from, to, ports: ['TCP 80'], allowedBy: ['ns/p'], declared: [], declaredBy: [], calls: [], policyKind: 'NetworkPolicy',
  });
  const report = (endpoints: ReportEndpoint[], flows: ReportFlow[]): NetworkReport => ({
    version: 1, namespaces: [{ name: 'ns', zeroTrust: false, inApp: true, workloads: endpoints.filter((e) => e.type === 'workload').map((e) => e.id) }],
    endpoints, flows, entryPoints: [], services: [], findings: [], suppressed: [],
  });
  const A = 'ns/Deployment/a';
  const B = 'ns/Deployment/b';
  const CIDR: ReportEndpoint = { id: 'cidr:203.0.113.0/24', type: 'ip-block', name: '203.0.113.0/24' };
  const both = { ingress: true, egress: true };

  test('closed only when the new output governs an end: the source isolated for egress, whatever its ingress', () => {
    const before = report([workload('a', both), workload('b', both)], [flow(A, B)]);
    const egressOnly = report([workload('a', { ingress: false, egress: true }), workload('b', { ingress: false, egress: false })], []);
    expect(diffReports(before, egressOnly).closed).toEqual([expect.objectContaining({ from: A, to: B })]);
    const ingressOnly = report([workload('a', { ingress: false, egress: false }), workload('b', { ingress: true, egress: false })], []);
    expect(diffReports(before, ingressOnly).closed).toEqual([expect.objectContaining({ from: A, to: B })]);
    const neither = report([workload('a', { ingress: false, egress: false }), workload('b', { ingress: false, egress: false })], []);
    expect(diffReports(before, neither).closed).toEqual([]);
  });

  test('an address has no side; pods whose isolation the report does not give count as governed', () => {
    const before = report([workload('a', both), CIDR], [flow(A, CIDR.id)]);
    const open = report([workload('a', { ingress: true, egress: false }), CIDR], []);
    expect(diffReports(before, open).closed).toEqual([]);
    const older = report([workload('a', undefined), CIDR], []);
    expect(diffReports(before, older).closed).toEqual([expect.objectContaining({ from: A, to: CIDR.id })]);
  });

  test('egress isolation lost alone widens no exposure, yet fails --fail-on opened; isolation gained alone is a change', () => {
    const before = report([workload('a', both)], []);
    const after = report([workload('a', { ingress: true, egress: false })], []);
    const lost = diffReports(before, after);
    expect(lost.isolation).toEqual({ lost: [{ workload: A, path: 'app/a', directions: ['egress'] }], gained: [] });
    expect(lost.summary).toBe('Network changes: isolation lost for 1 workload.');
    expect(hasCategory(lost, 'opened')).toBe(true);
    expect(hasCategory(lost, 'exposure')).toBe(false);
    const gained = diffReports(after, before);
    expect(gained.isolation).toEqual({ lost: [], gained: [{ workload: A, path: 'app/a', directions: ['egress'] }] });
    expect(hasChanges(gained)).toBe(true);
    expect(hasCategory(gained, 'opened')).toBe(false);
  });
});
