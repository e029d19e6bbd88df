/**
 * `diff` over the same endpoints: a report endpoint of pods outside the app is a sample pod
 * (`monitoring/Peer/app.kubernetes.io/name=prometheus`, `monitoring/Peer/*`), and each output's
 * analysis computes flows for the samples its own policies name. Every sample one output has and
 * the other lacks is evaluated against the other's policies too (lib/cli/align.ts), so a flow
 * compares by id with both ends computed by each output's own evaluator: Prometheus still admitted
 * through its namespace is unchanged, a `NotIn` that excluded it is a real opening, and a policy
 * isolating Prometheus alone is honoured. Real programs, and hand-written manifests.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { Peer, Port, WebApp, ZeroTrustNamespace } from '../lib';
import { alignSides } from '../lib/cli/align';
import { sideOf } from '../lib/cli/side';
import { cli, handWrittenShop, json, RULES } from './cli.fixtures';
import { synth } from './util';

const API = 'production/Deployment/api';
const PROM = 'monitoring/Peer/app.kubernetes.io/name=prometheus';
const MONITORING = 'monitoring/Peer/*';
const ANY = '[any other namespace]/Peer/*';

/** Who may reach production/api: Prometheus, or every pod of a namespace; on the main port and, with `metrics`, 9090. */
interface Scrape {
  readonly from: 'prometheus' | 'namespace' | 'both';
  readonly namespace?: string;
  readonly metrics?: boolean;
}

/** Synthesizes (and validates) the program into a new folder. */
function scrape(variant: Scrape): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-networking-covered-'));
  const app = new App({ outdir });
  const chart = new Chart(app, 'shop');
  const prod = new ZeroTrustNamespace(chart, 'production');
  const api = new WebApp(chart, 'api', {
    namespace: prod, image: 'ghcr.io/acme/api:1.0.0', containerPort: 3000, ...(variant.metrics ? { ports: [{ name: 'metrics', port: 9090 }] } : {}),
  });
  const ns = variant.namespace ?? 'monitoring';
  const ports = [Port.tcp(3000), ...(variant.metrics ? [Port.tcp(9090)] : [])];
  if (variant.from !== 'namespace') api.allowIngressFrom(Peer.pods({ namespace: ns, labels: { 'app.kubernetes.io/name': 'prometheus' } }), ...ports);
  if (variant.from !== 'prometheus') api.allowIngressFrom(Peer.namespace(ns), ...ports);
  synth(app);
  return outdir;
}

const prometheusCall = 'shop/api.allowIngressFrom(monitoring/monitoring-prometheus)';
const namespaceCall = 'shop/api.allowIngressFrom(monitoring/namespace-monitoring)';
const MONITORING_FLOW = {
  allowedBy: ['production/allow-namespace-monitoring-to-api'], declared: ['app'], declaredBy: ['shop/api'], calls: [namespaceCall],
};
/** The flows of a report between two ids, as `ports`. */
const between = (report: { flows: readonly { from: string; to: string; ports: readonly string[] }[] }, from: string, to: string) =>
  report.flows.filter((f) => f.from === from && f.to === to).map((f) => f.ports);

describe('Prometheus and its namespace: each output computes the other\'s endpoints', () => {
  let prometheus: string;
  let namespace: string;
  beforeAll(() => {
    prometheus = scrape({ from: 'prometheus' });
    namespace = scrape({ from: 'namespace' });
  });

  test('both outputs are computed over both endpoints, each by its own policies', () => {
    const aligned = alignSides(sideOf(prometheus), sideOf(namespace), (which, extra) => sideOf(which === 'before' ? prometheus : namespace, undefined, extra).report);
    expect(aligned.notes).toEqual([]);
    // Before: Prometheus only; every pod of monitoring, computed against the old policies, is denied.
    expect(between(aligned.before, PROM, API)).toEqual([['TCP 3000']]);
    expect(between(aligned.before, MONITORING, API)).toEqual([]);
    expect(aligned.before.endpoints.find((e) => e.id === MONITORING)).toEqual({
      id: MONITORING, type: 'external-pods', namespace: 'monitoring', name: 'any pod in monitoring', labels: {},
      isolated: { ingress: false, egress: false },
    });
    // After: Prometheus, an endpoint of the old output only, is admitted by the new namespace policy.
    expect(between(aligned.after, PROM, API)).toEqual([['TCP 3000']]);
    expect(aligned.after.flows.find((f) => f.from === PROM)).toEqual({
      from: PROM, to: API, ports: ['TCP 3000'], allowedBy: ['production/allow-namespace-monitoring-to-api'], policyKind: 'NetworkPolicy',
      declared: [], declaredBy: [], calls: [],
    });
    expect(between(aligned.after, MONITORING, API)).toEqual([['TCP 3000']]);
  });

  test('widening Prometheus to its namespace: every pod of monitoring is opened, Prometheus is unchanged', () => {
    const d = json(['diff', prometheus, namespace]);
    expect(d.code).toBe(1);
    expect(d.summary).toBe('Network changes: 1 flow opened, exposure widened for 1 workload.');
    expect(d.opened).toEqual([{ from: MONITORING, to: API, ports: ['TCP 3000'], ...MONITORING_FLOW }]);
    expect([d.closed, d.changed]).toEqual([[], []]);
    expect(d.exposure).toEqual({ widened: [{ workload: API, path: 'shop/api/Deployment', sources: [MONITORING] }], narrowed: [] });
    expect(Object.keys(d.endpoints)).toEqual([MONITORING, API]);
    expect(d.notes).toBeUndefined();
    expect(cli(['diff', prometheus, namespace, '--fail-on', 'opened']).code).toBe(1);
    expect(cli(['diff', prometheus, namespace, '--fail-on', 'exposure']).code).toBe(1);
    const md = cli(['diff', prometheus, namespace]).stdout;
    expect(md).toContain('#### Flows opened\n\n| From | To | Ports | Declared by | Allowed by |\n|---|---|---|---|---|\n'
      + `| monitoring/any pod in monitoring (outside the app) | production/api | TCP 3000 | \`${namespaceCall}\` | production/allow-namespace-monitoring-to-api |\n`);
    expect(md).not.toContain('Flows closed');
    expect(md).not.toContain('Note:');
  });

  test('narrowing the namespace to Prometheus: every pod of monitoring is closed, nothing opened', () => {
    const d = json(['diff', namespace, prometheus]);
    expect(d.code).toBe(1);
    expect(d.summary).toBe('Network changes: 1 flow closed.');
    expect(d.closed).toEqual([{ from: MONITORING, to: API, ports: ['TCP 3000'], ...MONITORING_FLOW }]);
    expect([d.opened, d.changed]).toEqual([[], []]);
    expect(d.exposure).toEqual({ widened: [], narrowed: [{ workload: API, path: 'shop/api/Deployment', sources: [MONITORING] }] });
    expect(cli(['diff', namespace, prometheus, '--fail-on', 'opened']).code).toBe(0);
    expect(cli(['diff', namespace, prometheus, '--fail-on', 'exposure']).code).toBe(0);
  });

  test('ports narrowing at once: Prometheus changed (9090 removed), its namespace opened on 3000; back, 9090 is added', () => {
    const wide = scrape({ from: 'prometheus', metrics: true });
    const narrow = scrape({ from: 'namespace' });
    const d = json(['diff', wide, narrow]);
    expect(d.summary).toBe('Network changes: 1 flow opened, 1 flow with changed ports, exposure widened for 1 workload.');
    expect(d.opened).toEqual([{ from: MONITORING, to: API, ports: ['TCP 3000'], ...MONITORING_FLOW }]);
    // After, Prometheus is admitted on 3000 by the namespace's policy, undeclared (its own allow is gone).
    expect(d.changed).toEqual([{
      from: PROM, to: API, ports: ['TCP 3000'], allowedBy: ['production/allow-namespace-monitoring-to-api'], declared: [], declaredBy: [], calls: [],
      before: ['TCP 3000', 'TCP 9090'], added: [], removed: ['TCP 9090'],
    }]);
    expect(d.closed).toEqual([]);
    expect(d.exposure.narrowed).toEqual([]);

    const back = json(['diff', narrow, wide]);
    expect(back.changed).toEqual([{
      from: PROM, to: API, ports: ['TCP 3000', 'TCP 9090'], allowedBy: ['production/allow-monitoring-prometheus-to-api'], declared: ['app'],
      declaredBy: ['shop/api'], calls: [prometheusCall], before: ['TCP 3000'], added: ['TCP 9090'], removed: [],
    }]);
    expect(back.closed).toEqual([{ from: MONITORING, to: API, ports: ['TCP 3000'], ...MONITORING_FLOW }]);
    expect(back.opened).toEqual([]);
    expect(cli(['diff', narrow, wide, '--fail-on', 'opened']).code).toBe(1);
  });

  test('dropping Prometheus where its namespace is admitted too: no change', () => {
    const both = scrape({ from: 'both' });
    const d = json(['diff', both, namespace]);
    expect(d.code).toBe(0);
    expect(d.summary).toBe('No network changes: connectivity and entry points are the same.');
    expect([d.opened, d.closed, d.changed, d.exposure]).toEqual([[], [], [], { widened: [], narrowed: [] }]);
  });

  test('another namespace does not stand for monitoring: Prometheus closed, observability opened', () => {
    const d = json(['diff', prometheus, scrape({ from: 'namespace', namespace: 'observability' })]);
    expect(d.closed).toEqual([expect.objectContaining({ from: PROM, to: API, ports: ['TCP 3000'] })]);
    expect(d.opened).toEqual([expect.objectContaining({ from: 'observability/Peer/*', to: API, ports: ['TCP 3000'] })]);
    expect(d.exposure).toEqual({
      widened: [{ workload: API, path: 'shop/api/Deployment', sources: ['observability/Peer/*'] }],
      narrowed: [{ workload: API, path: 'shop/api/Deployment', sources: [PROM] }],
    });
  });

  test('--only computes the other side\'s endpoints too', () => {
    const d = json(['diff', prometheus, namespace, '--only', 'production']);
    expect(d.opened.map((f: any) => f.from)).toEqual([MONITORING]);
    expect(d.closed).toEqual([]);
  });
});

const SHOP_API = 'shop/Deployment/api';
const WEB = 'shop/Deployment/web';
const API_INGRESS = { allowedBy: ['shop/api-ingress'], declared: [], declaredBy: [], calls: [] };

/** A policy of monitoring: Prometheus may send nothing (egress isolated, no rule). */
const ISOLATE_PROMETHEUS = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: prometheus-egress, namespace: monitoring }
spec: { podSelector: { matchLabels: { app.kubernetes.io/name: prometheus } }, policyTypes: [Egress] }
`;

describe('hand-written policies', () => {
  test('NotIn (prometheus), drawn as every pod of monitoring, narrowed to Prometheus: Prometheus is opened', () => {
    const notIn = handWrittenShop([RULES.notPrometheus]);
    const prometheus = handWrittenShop([RULES.prometheus]);
    const d = json(['diff', notIn, prometheus]);
    expect(d.summary).toBe('Network changes: 1 flow opened, 1 flow closed, exposure widened for 1 workload.');
    expect(d.opened).toEqual([{ from: PROM, to: SHOP_API, ports: ['TCP 3000'], ...API_INGRESS }]);
    expect(d.closed).toEqual([{ from: MONITORING, to: SHOP_API, ports: ['TCP 3000'], ...API_INGRESS }]);
    expect(d.exposure).toEqual({
      widened: [{ workload: SHOP_API, path: 'app.yaml#3', sources: [PROM] }], narrowed: [{ workload: SHOP_API, path: 'app.yaml#3', sources: [MONITORING] }],
    });
    expect(cli(['diff', notIn, prometheus, '--fail-on', 'opened']).code).toBe(1);
    expect(cli(['diff', notIn, prometheus, '--fail-on', 'exposure']).code).toBe(1);

    const back = json(['diff', prometheus, notIn]);
    expect(back.opened).toEqual([{ from: MONITORING, to: SHOP_API, ports: ['TCP 3000'], ...API_INGRESS }]);
    expect(back.closed).toEqual([{ from: PROM, to: SHOP_API, ports: ['TCP 3000'], ...API_INGRESS }]);
  });

  test('a policy of monitoring isolating Prometheus\'s egress is honoured: admitting Prometheus once it is lifted opens it', () => {
    const isolated = handWrittenShop([RULES.monitoring], { extra: ISOLATE_PROMETHEUS });
    const free = handWrittenShop([RULES.prometheus]);
    const d = json(['diff', isolated, free]);
    expect(d.opened).toEqual([{ from: PROM, to: SHOP_API, ports: ['TCP 3000'], ...API_INGRESS }]);
    expect(d.closed).toEqual([{ from: MONITORING, to: SHOP_API, ports: ['TCP 3000'], ...API_INGRESS }]);
    expect(cli(['diff', isolated, free, '--fail-on', 'opened']).code).toBe(1);

    // Isolated in both: Prometheus reaches api in neither; every other pod of monitoring is closed.
    const d2 = json(['diff', isolated, handWrittenShop([RULES.prometheus], { extra: ISOLATE_PROMETHEUS })]);
    expect(d2.opened).toEqual([]);
    expect(d2.closed).toEqual([{ from: MONITORING, to: SHOP_API, ports: ['TCP 3000'], ...API_INGRESS }]);
  });

  test('namespaceSelector {} narrowed to monitoring by name: any other namespace (and the shop\'s own web) closed, monitoring unchanged', () => {
    const any = handWrittenShop([RULES.anyNamespace], { web: true });
    const monitoring = handWrittenShop([RULES.monitoring], { web: true });
    const d = json(['diff', any, monitoring]);
    expect(d.summary).toBe('Network changes: 2 flows closed.');
    expect(d.opened).toEqual([]);
    expect(d.closed).toEqual([
      { from: ANY, to: SHOP_API, ports: ['TCP 3000'], ...API_INGRESS },
      { from: WEB, to: SHOP_API, ports: ['TCP 3000'], allowedBy: ['shop/api-ingress', 'shop/web-egress'], declared: [], declaredBy: [], calls: [] },
    ]);
    expect(d.exposure).toEqual({ widened: [], narrowed: [{ workload: SHOP_API, path: 'app.yaml#3', sources: [ANY] }] });
    expect(cli(['diff', any, monitoring, '--fail-on', 'opened,exposure']).code).toBe(0);

    const back = json(['diff', monitoring, any]);
    expect(back.summary).toBe('Network changes: 2 flows opened, exposure widened for 1 workload.');
    expect(back.opened.map((f: any) => `${f.from} -> ${f.to}`)).toEqual([`${ANY} -> ${SHOP_API}`, `${WEB} -> ${SHOP_API}`]);
    expect(back.closed).toEqual([]);
    expect(back.exposure).toEqual({ widened: [{ workload: SHOP_API, path: 'app.yaml#3', sources: [ANY] }], narrowed: [] });
  });
});

/** api's ingress rule from every pod of the namespaces a namespaceSelector (YAML flow mapping) selects, on 3000. */
const fromNamespaces = (selector: string) => handWrittenShop([`{ from: [{ namespaceSelector: ${selector} }], ports: [{ port: 3000 }] }`]);
const TEAM_OPS = '{ matchLabels: { team: ops } }';
const stand = (labels: string) => `[namespaces ${labels}]/Peer/*`;
const flow = (from: string) => ({ from, to: SHOP_API, ports: ['TCP 3000'], ...API_INGRESS });
const exposed = (sources: string[]) => [{ workload: SHOP_API, path: 'app.yaml#3', sources }];

describe('namespaces matched by labels: a stand-in per label value, evaluated by both outputs', () => {
  let ops: string;
  beforeAll(() => {
    ops = fromNamespaces(TEAM_OPS);
  });

  test('team=ops widened to team In (ops, dev): namespaces labelled team=dev opened, team=ops unchanged; back, closed only', () => {
    const wide = fromNamespaces('{ matchExpressions: [{ key: team, operator: In, values: [ops, dev] }] }');
    const d = json(['diff', ops, wide]);
    expect(d.code).toBe(1);
    expect(d.summary).toBe('Network changes: 1 flow opened, exposure widened for 1 workload.');
    expect(d.opened).toEqual([flow(stand('team=dev'))]);
    expect([d.closed, d.changed]).toEqual([[], []]);
    expect(d.exposure).toEqual({ widened: exposed([stand('team=dev')]), narrowed: [] });
    expect(d.endpoints[stand('team=dev')]).toEqual({
      id: stand('team=dev'), type: 'exposure', namespace: '[namespaces team=dev]', name: 'any pod in every namespace labelled team=dev',
      labels: {}, isolated: { ingress: false, egress: false }, namespaceLabels: { team: 'dev' },
    });
    expect(d.notes).toBeUndefined();
    expect(cli(['diff', ops, wide, '--fail-on', 'opened']).code).toBe(1);
    expect(cli(['diff', ops, wide, '--fail-on', 'exposure']).code).toBe(1);
    expect(cli(['diff', ops, wide]).stdout).toContain('#### Flows opened\n\n| From | To | Ports | Declared by | Allowed by |\n|---|---|---|---|---|\n'
      + '| [namespaces team=dev]/any pod in every namespace labelled team=dev | shop/api | TCP 3000 | not declared | shop/api-ingress |\n');

    const back = json(['diff', wide, ops]);
    expect(back.summary).toBe('Network changes: 1 flow closed.');
    expect(back.closed).toEqual([flow(stand('team=dev'))]);
    expect(back.opened).toEqual([]);
    expect(cli(['diff', wide, ops, '--fail-on', 'opened,exposure']).code).toBe(0);
  });

  test('an In widened by one more value opens that value only', () => {
    const two = fromNamespaces('{ matchExpressions: [{ key: team, operator: In, values: [ops, dev] }] }');
    const three = fromNamespaces('{ matchExpressions: [{ key: team, operator: In, values: [ops, dev, qa] }] }');
    const d = json(['diff', two, three]);
    expect(d.opened).toEqual([flow(stand('team=qa'))]);
    expect([d.closed, d.changed]).toEqual([[], []]);
  });

  test('team=ops widened to team Exists: namespaces with any other team opened, team=ops unchanged; back, closed only', () => {
    const exists = fromNamespaces('{ matchExpressions: [{ key: team, operator: Exists }] }');
    const d = json(['diff', ops, exists]);
    expect(d.summary).toBe('Network changes: 1 flow opened, exposure widened for 1 workload.');
    expect(d.opened).toEqual([flow(stand('team'))]);
    expect(d.closed).toEqual([]);
    expect(d.endpoints[stand('team')]).toEqual(expect.objectContaining({ name: 'any pod in every namespace labelled team', namespaceLabels: { team: 'any' } }));
    expect(cli(['diff', ops, exists, '--fail-on', 'opened']).code).toBe(1);
    const back = json(['diff', exists, ops]);
    expect(back.closed).toEqual([flow(stand('team'))]);
    expect(back.opened).toEqual([]);
    expect(cli(['diff', exists, ops, '--fail-on', 'opened,exposure']).code).toBe(0);
  });

  test('the same namespaces spelled another way (matchLabels as an In of one value): no change', () => {
    const d = json(['diff', ops, fromNamespaces('{ matchExpressions: [{ key: team, operator: In, values: [ops] }] }')]);
    expect(d.code).toBe(0);
    expect(d.summary).toBe('No network changes: connectivity and entry points are the same.');
    expect([d.opened, d.closed, d.changed, d.exposure]).toEqual([[], [], [], { widened: [], narrowed: [] }]);
  });

  test('narrowed by another label (team=ops, env=prod): namespaces labelled team=ops alone closed, nothing opened', () => {
    const prod = fromNamespaces('{ matchLabels: { team: ops, env: prod } }');
    const d = json(['diff', ops, prod]);
    expect(d.summary).toBe('Network changes: 1 flow closed.');
    expect(d.closed).toEqual([flow(stand('team=ops'))]);
    expect(d.opened).toEqual([]);
    // The narrower stand-in is admitted by team=ops in both: widening back opens team=ops alone.
    const back = json(['diff', prod, ops]);
    expect(back.opened).toEqual([flow(stand('team=ops'))]);
    expect(back.closed).toEqual([]);
  });

  test('widened to every namespace ({}): any other namespace opened, team=ops unchanged', () => {
    const d = json(['diff', ops, handWrittenShop([RULES.anyNamespace])]);
    expect(d.opened).toEqual([flow(ANY)]);
    expect(d.closed).toEqual([]);
    expect(d.exposure).toEqual({ widened: exposed([ANY]), narrowed: [] });
  });

  test('team=ops turned into team NotIn (ops): team=ops closed, namespaces without the label (any other namespace) opened', () => {
    const notOps = fromNamespaces('{ matchExpressions: [{ key: team, operator: NotIn, values: [ops] }] }');
    const d = json(['diff', ops, notOps]);
    expect(d.closed).toEqual([flow(stand('team=ops'))]);
    expect(d.opened).toEqual([flow(ANY)]);
    expect(cli(['diff', ops, notOps, '--fail-on', 'opened']).code).toBe(1);
  });

  test('an old network report without namespaceLabels: its labelled stand-ins compare by id, with a note', () => {
    const report = JSON.parse(cli(['analyze', ops, '--json']).stdout);
    expect(report.endpoints.find((e: any) => e.id === stand('team=ops')).namespaceLabels).toEqual({ team: 'ops' });
    const old = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-networking-old-report-')), 'network-report.json');
    fs.writeFileSync(old, JSON.stringify({ ...report, endpoints: report.endpoints.map(({ namespaceLabels: _, ...e }: any) => e) }));
    // Widened to every namespace: team=ops is still admitted, but NEW cannot evaluate a stand-in whose labels it is not given.
    const d = json(['diff', old, handWrittenShop([RULES.anyNamespace])]);
    expect(d.closed).toEqual([flow(stand('team=ops'))]);
    expect(d.opened).toEqual([flow(ANY)]);
    expect(d.notes).toEqual([`OLD is a network report without manifests: the flows of the endpoint \`${ANY}\`, which only NEW names, `
      + 'cannot be computed for it, so they are compared by endpoint id and may be listed as opened or closed although the same pods are '
      + 'admitted through another endpoint.', `OLD is a network report without the labels of the namespaces its endpoint \`${stand('team=ops')}\` stands for `
      + '(written by an older version), so NEW cannot compute their flows: they are compared by endpoint id and may be listed as opened or '
      + 'closed although the same namespaces are admitted through another endpoint.']);
    // With the labels (this version's report), NEW computes it: nothing closed, and the note is the other one only.
    const current = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-networking-report-')), 'network-report.json');
    fs.writeFileSync(current, JSON.stringify(report));
    const now = json(['diff', current, handWrittenShop([RULES.anyNamespace])]);
    expect(now.closed).toEqual([]);
    expect(now.opened).toEqual([flow(ANY)]);
    expect(now.notes).toEqual([d.notes[0]]);
  });

  test('an old report\'s [any other namespace] needs no labels: computed by the other side, which admits every source', () => {
    const report = JSON.parse(cli(['analyze', handWrittenShop([RULES.anyNamespace]), '--json']).stdout);
    const old = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-networking-old-report-')), 'network-report.json');
    fs.writeFileSync(old, JSON.stringify({ ...report, endpoints: report.endpoints.map(({ namespaceLabels: _, ...e }: any) => e) }));
    const d = json(['diff', old, handWrittenShop(['{ ports: [{ port: 3000 }] }'])]);
    expect(d.closed).toEqual([]);
    expect(d.notes).toBeUndefined();
  });
});

describe('a side read from a network report alone cannot be computed again', () => {
  let prometheus: string;
  let namespace: string;
  beforeAll(() => {
    prometheus = scrape({ from: 'prometheus' });
    namespace = scrape({ from: 'namespace' });
  });
  const note = (self: string, id: string, them: string) => `${self} is a network report without manifests: the flows of the endpoint \`${id}\`, `
    + `which only ${them} names, cannot be computed for it, so they are compared by endpoint id and may be listed as opened or closed `
    + 'although the same pods are admitted through another endpoint.';

  test('an old report: its flows compare by id, with a note; the new manifests still compute the old endpoints', () => {
    const d = json(['diff', path.join(prometheus, 'network-report.json'), namespace]);
    expect(d.notes).toEqual([note('OLD', MONITORING, 'NEW')]);
    expect(d.opened.map((f: any) => f.from)).toEqual([MONITORING]);
    // The new output computed Prometheus, so it is not closed.
    expect(d.closed).toEqual([]);
    const md = cli(['diff', path.join(prometheus, 'network-report.json'), namespace]).stdout;
    expect(md.split('\n').slice(0, 4)).toEqual(['**Network changes: 1 flow opened, exposure widened for 1 workload.**', '', `> Note: ${note('OLD', MONITORING, 'NEW')}`, '']);
  });

  test('two reports: the plain id comparison, with a note for each', () => {
    const d = json(['diff', path.join(prometheus, 'network-report.json'), path.join(namespace, 'network-report.json')]);
    expect(d.notes).toEqual([note('OLD', MONITORING, 'NEW'), note('NEW', PROM, 'OLD')]);
    expect(d.opened.map((f: any) => f.from)).toEqual([MONITORING]);
    expect(d.closed.map((f: any) => f.from)).toEqual([PROM]);
  });

  test('a new report: the old manifests compute its endpoint; no note when the report lacks nothing the other has flows for', () => {
    const d = json(['diff', namespace, path.join(prometheus, 'network-report.json')]);
    expect(d.notes).toEqual([note('NEW', MONITORING, 'OLD')]);
    expect(d.closed.map((f: any) => f.from)).toEqual([MONITORING]);
    expect(d.opened).toEqual([]);
    expect(json(['diff', path.join(prometheus, 'network-report.json'), path.join(prometheus, 'network-report.json')]).notes).toBeUndefined();
  });
});
