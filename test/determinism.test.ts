/**
 * The same program gives byte-identical output: in another process (another time zone and
 * locale), and when declarations whose order carries no meaning are made in another order.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import type { App } from 'cdk8s';
import { Chart } from 'cdk8s';
import {
  ArgoCdApplication, ArgoCdApplicationSet, ClusterGenerator, Peer, Port, SyncWaves, WebApp, ZeroTrustNamespace,
} from '../lib';
import { buildApp } from '../apps/main';
import { readOutput, testApp } from './util';

const ROOT = path.join(__dirname, '..');

/** Every file below `dir`, by relative path. */
function readTree(dir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.join(rel, e.name);
      if (e.isDirectory()) walk(child);
      else out[child] = fs.readFileSync(path.join(dir, child));
    }
  };
  walk('');
  return out;
}

function expectSameTree(a: Record<string, Buffer>, b: Record<string, Buffer>): void {
  expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
  for (const file of Object.keys(a)) {
    // toEqual on strings shows the first difference; the Buffer comparison is the byte-for-byte proof.
    expect({ file, text: b[file].toString('utf8') }).toEqual({ file, text: a[file].toString('utf8') });
    expect(Buffer.compare(a[file], b[file])).toBe(0);
  }
}

describe('determinism', () => {
  test('two processes synthesize the example app byte for byte alike, and like an in-process synth', async () => {
    const run = promisify(execFile);
    const outdirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'determinism-')));
    const envs = [
      { TZ: 'UTC', LC_ALL: 'C', LANG: 'C' },
      { TZ: 'Pacific/Chatham', LC_ALL: 'tr_TR.UTF-8', LANG: 'tr_TR.UTF-8' },
    ];
    await Promise.all(outdirs.map((outdir, i) => run(
      process.execPath, ['-r', 'ts-node/register/transpile-only', 'apps/main.ts'],
      { cwd: ROOT, env: { ...process.env, ...envs[i], CDK8S_OUTDIR: outdir } },
    )));
    const [first, second] = outdirs.map(readTree);
    expect(Object.keys(first)).toEqual(expect.arrayContaining(['network-report.json', 'network-report.md']));
    expect(Object.keys(first).filter((f) => f.endsWith('.k8s.yaml')).length).toBeGreaterThan(1);
    expectSameTree(first, second);

    const app = buildApp(testApp());
    app.synth();
    expectSameTree(first, readTree(app.outdir));

    // Nothing that looks like a time or a random token.
    const text = Object.values(first).map((b) => b.toString('utf8')).join('\n');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    readOutput(outdirs[0]);
  });

  /**
   * One program, with every declaration whose order carries no meaning made in the opposite
   * order: flows, ports of a flow, environment variables, labels, CIDR exceptions, Argo CD chart
   * lists and cluster labels, sync-wave settings. Constructs are created in the same order (that
   * order is the order of the objects in a file, which a reader expects to follow the program).
   */
  function orderedApp(reverse: boolean): App {
    const r = <T>(items: T[]): T[] => (reverse ? [...items].reverse() : items);
    const obj = (entries: [string, string][]): Record<string, string> => Object.fromEntries(r(entries));
    const app = testApp();
    const shop = new Chart(app, 'shop');
    const prod = new ZeroTrustNamespace(shop, 'production', {
      labels: obj([['team', 'shop'], ['cost-center', 'c42'], ['env', 'prod']]),
      dns: { podLabels: obj([['k8s-app', 'kube-dns'], ['tier', 'control-plane']]) },
    });
    const payments = new ZeroTrustNamespace(shop, 'payments');
    const ledger = new WebApp(shop, 'ledger', { namespace: payments, image: 'ghcr.io/acme/ledger:3', containerPort: 9000 });
    const api = new WebApp(shop, 'api', {
      namespace: prod, image: 'ghcr.io/acme/api:1', containerPort: 3000,
      env: obj([['LEDGER_URL', ledger.url], ['LOG_LEVEL', 'info'], ['A_FIRST', 'x']]),
    });
    const web = new WebApp(shop, 'web', { namespace: prod, image: 'ghcr.io/acme/web:2', containerPort: 8080, env: obj([['API_URL', api.url], ['B', 'y']]) });
    const worker = new WebApp(shop, 'worker', { namespace: prod, image: 'ghcr.io/acme/worker:1', containerPort: 9090 });
    const flows: (() => void)[] = [
      () => api.allowFrom(web),
      () => worker.allowTo(api, { ports: r([Port.tcp(3000), Port.named('http')]) }),
      () => ledger.allowFrom(api),
      () => ledger.allowEgressTo(Peer.cidr('203.0.113.0/24', r(['203.0.113.8/29', '203.0.113.16/28'])), ...r([Port.tcp(443), Port.tcp(8443)])),
      () => web.allowIngressFrom(Peer.pods({ labels: obj([['app', 'probe'], ['team', 'sre']]), namespace: 'monitoring' }), Port.tcp(8080)),
      () => api.allowFrom(Peer.namespace('monitoring'), { ports: [Port.tcp(3000)] }),
    ];
    r(flows).forEach((declare) => declare());

    const argocd = new Chart(app, 'argocd');
    const other = new Chart(app, 'other');
    new ZeroTrustNamespace(other, 'other');
    new ArgoCdApplication(argocd, 'workloads', { repoURL: 'https://github.com/acme/platform.git', path: 'dist', charts: r([shop, other]) });
    new ArgoCdApplicationSet(argocd, 'fleet', {
      repoURL: 'https://github.com/acme/platform.git', path: 'dist',
      generator: ClusterGenerator.selector(obj([['env', 'prod'], ['region', 'eu']])),
    });
    SyncWaves.of(app).configure({ waves: Object.fromEntries(r<[string, number]>([['HTTPRoute', 2], ['Certificate', 0]])) });
    return app;
  }

  test('declarations made in another order give the same bytes', () => {
    const forward = orderedApp(false);
    const reverse = orderedApp(true);
    forward.synth();
    reverse.synth();
    const a = readTree(forward.outdir);
    expectSameTree(a, readTree(reverse.outdir));
    // The run did exercise what it claims to: policies for all flows, sorted ports and env.
    const { objects } = readOutput(forward.outdir);
    expect(objects.filter((o) => o.kind === 'NetworkPolicy').length).toBeGreaterThanOrEqual(12);
  });
});
