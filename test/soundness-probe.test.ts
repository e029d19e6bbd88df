/**
 * Soundness probes: hand-written policies whose selectors admit pods the app does not define, in
 * ways the exposure analysis once missed. Each program must fail synth naming what it admits.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Cni, NetworkModel, Peer, PodSecurityLevel, Port, WebApp, ZeroTrustNamespace } from '../lib';
import { captureWarnings, synth, synthError, testApp } from './util';

function shop() {
  const app = testApp();
  const chart = new Chart(app, 'shop');
  const prod = new ZeroTrustNamespace(chart, 'production');
  const api = new WebApp(chart, 'api', { namespace: prod, image: 'ghcr.io/acme/api:1.0.0', containerPort: 3000 });
  const worker = new WebApp(chart, 'worker', { namespace: prod, image: 'ghcr.io/acme/worker:1.0.0', containerPort: 9090 });
  worker.allowTo(api);
  return { app, chart, prod, api, worker };
}

function policy(chart: Chart, kind: 'NetworkPolicy' | 'CiliumNetworkPolicy', name: string, spec: any): ApiObject {
  const apiVersion = kind === 'NetworkPolicy' ? 'networking.k8s.io/v1' : 'cilium.io/v2';
  return new ApiObject(chart, name, { apiVersion, kind, metadata: { name, namespace: 'production' }, spec });
}

function linesOf(message: string, check: string): string[] {
  return message.split('\n').filter((l) => l.includes(`[${check}]`));
}

const NAME = 'kubernetes.io/metadata.name';

describe('namespaceSelector and podSelector with In over several values', () => {
  test('a namespace name in (production, tools): the pods of tools are admitted too', () => {
    // production is zero-trust (no app=debug pod there), tools is outside the app.
    const s = shop();
    policy(s.chart, 'NetworkPolicy', 'debug-in', {
      podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: NAME, operator: 'In', values: ['production', 'tools'] }] },
        podSelector: { matchLabels: { app: 'debug' } } }] }],
    });
    const [line] = linesOf(synthError(s.app), 'undeclared-flow');
    expect(line).toContain('shop/debug-in: NetworkPolicy production/debug-in is invalid');
    expect(line).toContain('tools/Peer/app=debug (pods labelled app=debug in namespace tools) -> production/Deployment/api on TCP all, UDP all, SCTP all');
  });

  test('pods labelled app in (batch, evil) beside the app\'s batch pods: the app=evil pods are admitted too', () => {
    const s = shop();
    const batch = new WebApp(s.chart, 'batch', { namespace: 'legacy', image: 'a:1', containerPort: 80 });
    s.api.allowFrom(batch);
    policy(s.chart, 'NetworkPolicy', 'legacy-in', {
      podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NAME]: 'legacy' } },
        podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['batch', 'evil'] }] } }], ports: [{ port: 3000 }] }],
    });
    const lines = linesOf(synthError(s.app), 'undeclared-flow');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('legacy/Peer/app=evil (pods labelled app in (batch,evil) in namespace legacy) -> production/Deployment/api on TCP 3000');
    // The declared batch pods (and pods outside the app labelled as they are) are not listed.
    expect(lines[0]).not.toContain('app=batch');
    expect(lines[0]).not.toContain('legacy/Deployment/batch');
  });
});

test('a namespace by name and another label: the namespace outside the app may carry that label', () => {
  const s = shop();
  policy(s.chart, 'NetworkPolicy', 'tools-in', {
    podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'],
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NAME]: 'tools', env: 'prod' } } }] }],
  });
  const [line] = linesOf(synthError(s.app), 'undeclared-flow');
  expect(line).toContain('tools/Peer/* (any pod in namespace tools) -> production/Deployment/api on TCP all, UDP all, SCTP all');
});

describe('CiliumNetworkPolicy endpoint selectors admitting pods the app does not define', () => {
  test('fromEndpoints naming a namespace outside the app', () => {
    const s = shop();
    NetworkModel.of(s.app).configure({ cni: Cni.cilium() });
    policy(s.chart, 'CiliumNetworkPolicy', 'tools-in', {
      endpointSelector: { matchLabels: { app: 'api' } },
      ingress: [{ fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'tools' } }], toPorts: [{ ports: [{ port: '3000', protocol: 'TCP' }] }] }],
    });
    const [line] = linesOf(synthError(s.app), 'cilium-policy-widens');
    expect(line).toContain('shop/tools-in: CiliumNetworkPolicy production/tools-in is invalid: it allows in-cluster connections the standard NetworkPolicies do not: '
      + 'tools/Peer/* -> production/Deployment/api on TCP 3000');
  });

  test('toEndpoints in any namespace but the app\'s', () => {
    const s = shop();
    NetworkModel.of(s.app).configure({ cni: Cni.cilium() });
    policy(s.chart, 'CiliumNetworkPolicy', 'out', {
      endpointSelector: { matchLabels: { app: 'worker' } },
      egress: [{ toEndpoints: [{ matchLabels: { app: 'db' }, matchExpressions: [{ key: 'k8s:io.kubernetes.pod.namespace', operator: 'NotIn', values: ['production'] }] }] }],
    });
    const [line] = linesOf(synthError(s.app), 'cilium-policy-widens');
    expect(line).toContain('production/Deployment/worker -> [any other namespace]/Peer/app=db on TCP all, UDP all, SCTP all');
  });

  test('fromEndpoints in the policy\'s own namespace, when it is shared with pods outside the app', () => {
    const s = shop();
    NetworkModel.of(s.app).configure({ cni: Cni.cilium(), sharedNamespaces: ['production'] });
    policy(s.chart, 'CiliumNetworkPolicy', 'helm-in', {
      endpointSelector: { matchLabels: { app: 'api' } },
      ingress: [{ fromEndpoints: [{ matchLabels: { app: 'helm-thing' } }] }],
    });
    const [line] = linesOf(synthError(s.app), 'cilium-policy-widens');
    expect(line).toContain('production/Peer/app=helm-thing -> production/Deployment/api on TCP all, UDP all, SCTP all');
  });
});

test('a host-network workload is named: policies neither isolate it nor see it as a peer', () => {
  // WebApps refuse hostNetwork; workloads the user writes can still have it. A privileged namespace lets
  // the pods in (restricted and baseline Pod Security would reject them).
  const app = testApp();
  const chart = new Chart(app, 'shop');
  const prod = new ZeroTrustNamespace(chart, 'production', { podSecurity: PodSecurityLevel.PRIVILEGED });
  const worker = new WebApp(chart, 'worker', { namespace: prod, image: 'a:1', containerPort: 9090 });
  const deployment = (name: string, namespace: string, port: number) => new ApiObject(chart, name, {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: {
      hostNetwork: true, containers: [{ name, image: 'a:1', ports: [{ containerPort: port }] }] } } },
  });
  deployment('agent', 'production', 3000);
  worker.allowTo(Peer.pods({ namespace: 'production', labels: { app: 'agent' } }), { ports: [Port.tcp(3000)] });
  new ApiObject(chart, 'probe', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe', namespace: 'production', labels: { app: 'probe' } },
    spec: { hostNetwork: true, containers: [{ name: 'probe', image: 'a:1' }] } });
  // Outside the zero-trust namespace, as the source of a declared flow: its connections come from the node address.
  deployment('exporter', 'legacy', 9100);
  worker.allowFrom(Peer.pods({ namespace: 'legacy', labels: { app: 'exporter' } }));
  const { warnings } = captureWarnings(() => app.synth());
  const hostNetwork = warnings.filter((w) => w.includes('hostNetwork'));
  expect(hostNetwork).toEqual([
    '[pod-networkpolicy] shop/agent: Deployment production/agent spec.template.spec.hostNetwork true is accepted, but: Kubernetes leaves '
      + 'NetworkPolicy on host-network pods undefined and most CNIs treat their traffic as the node\'s: policies neither isolate them nor match '
      + 'them as peers, so flows declared to or from them may be dropped and undeclared ones admitted. Fix: drop hostNetwork, or declare the '
      + 'flows of the nodes (Peer.nodes()) instead of these pods, outside the zero-trust namespaces (to accept it, annotate Deployment '
      + 'production/agent with cdk8s-networking.io/skip-checks: pod-networkpolicy)',
    expect.stringContaining('[pod-networkpolicy] shop/exporter: Deployment legacy/exporter spec.template.spec.hostNetwork true is accepted'),
    expect.stringContaining('[pod-networkpolicy] shop/probe: Pod production/probe spec.hostNetwork true is accepted, but: Kubernetes leaves'),
  ]);
  // The host-network warning takes the place of the one on isolation.
  expect(warnings.filter((w) => w.includes('shop/exporter:'))).toHaveLength(1);
});

test('a CiliumNetworkPolicy with a list of specs is read spec by spec', () => {
  const s = shop();
  NetworkModel.of(s.app).configure({ cni: Cni.cilium() });
  new ApiObject(s.chart, 'world-in', {
    apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'world-in', namespace: 'production' },
    specs: [
      { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [{ fromEntities: ['world'], toPorts: [{ ports: [{ port: '3000', protocol: 'TCP' }] }] }] },
      { endpointSelector: { matchLabels: { app: 'worker' } }, ingress: [{ fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'tools' } }] }] },
    ],
  } as any);
  const message = synthError(s.app);
  expect(linesOf(message, 'undeclared-flow')).toEqual([expect.stringContaining('shop/world-in: CiliumNetworkPolicy production/world-in is invalid: it allows '
    + 'connections touching a zero-trust namespace that no flow declares: entity:world -> production/Deployment/api on TCP 3000.')]);
  expect(linesOf(message, 'cilium-policy-widens')).toEqual([expect.stringContaining('tools/Peer/* -> production/Deployment/worker on TCP all')]);
});

test('a network policy of an API the verification does not read is named in a warning (and a cluster-scoped one needs no namespace)', () => {
  const s = shop();
  new ApiObject(s.chart, 'calico', { apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: { name: 'calico', namespace: 'production' },
    spec: { selector: "app == 'api'", types: ['Ingress'], ingress: [{ action: 'Allow' }] } });
  new ApiObject(s.chart, 'anp', { apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name: 'anp' },
    spec: { priority: 10, subject: { namespaces: {} }, ingress: [{ action: 'Allow', from: [{ namespaces: {} }] }] } });
  new ApiObject(s.chart, 'ccnp', { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'ccnp' },
    spec: { endpointSelector: { matchLabels: { app: 'api' } }, ingress: [{ fromEntities: ['world'] }] } });
  const { warnings } = captureWarnings(() => s.app.synth());
  expect(warnings.filter((w) => !w.startsWith('[policy-unverified]'))).toEqual([]);
  expect(warnings.map((w) => w.slice(0, w.indexOf(' is accepted')))).toEqual([
    '[policy-unverified] shop/anp: AdminNetworkPolicy anp apiVersion "policy.networking.k8s.io/v1alpha1"',
    '[policy-unverified] shop/calico: NetworkPolicy production/calico apiVersion "projectcalico.org/v3"',
    '[policy-unverified] shop/ccnp: CiliumClusterwideNetworkPolicy ccnp apiVersion "cilium.io/v2"',
  ]);
  expect(warnings[1]).toContain('is accepted, but: the flow verification reads networking.k8s.io/v1 NetworkPolicy and cilium.io/v2 '
    + 'CiliumNetworkPolicy only, so what this policy allows or denies is not in the proof or the report');
});

test('a default-deny patched to leave zero-trust pods open fails synth, naming each open workload and direction', () => {
  const s = shop();
  NetworkModel.of(s.app).renderPolicies();
  // worker has no ingress flow, api no egress flow besides DNS: with Ingress gone from the default-deny, only api's
  // declared ingress isolates it, and nothing isolates worker for ingress.
  ApiObject.of(s.prod.node.findChild('DefaultDeny')).addJsonPatch(JsonPatch.replace('/spec/policyTypes', ['Egress']));
  const lines = linesOf(synthError(s.app), 'undeclared-flow');
  expect(lines).toEqual([
    '  - [undeclared-flow] shop/worker/Deployment: Deployment production/worker pods "worker" is invalid: no NetworkPolicy isolates them for '
      + 'ingress in zero-trust namespace "production", so every pod and address reaches them, which no flow declares. Fix: restore the '
      + 'namespace\'s default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress): a JSON patch or an override changed it '
      + '(to accept it, annotate Deployment production/worker with cdk8s-networking.io/skip-checks: undeclared-flow)',
  ]);
});

test('with both directions patched away, the egress side is named too', () => {
  const s = shop();
  new WebApp(s.chart, 'idle', { namespace: s.prod, image: 'a:1', containerPort: 8080 });
  NetworkModel.of(s.app).renderPolicies();
  ApiObject.of(s.prod.node.findChild('DefaultDeny')).addJsonPatch(JsonPatch.replace('/spec/podSelector', { matchLabels: { app: 'none' } }));
  ApiObject.of(s.prod.node.findChild('Policy:allow-dns-egress')).addJsonPatch(JsonPatch.replace('/spec/podSelector', { matchLabels: { app: 'none' } }));
  const lines = linesOf(synthError(s.app), 'undeclared-flow');
  expect(lines.find((l) => l.includes('production/idle pods'))).toContain('no NetworkPolicy isolates them for ingress or egress in zero-trust '
    + 'namespace "production", so every pod and address reaches them and they reach every pod and address, which no flow declares');
  expect(lines.find((l) => l.includes('production/api pods'))).toContain('no NetworkPolicy isolates them for egress in zero-trust namespace');
});

test('a policy accepted with the skip annotation does not accept what another, not accepted, opens on the same pair', () => {
  const s = shop();
  const fromTools = [{ namespaceSelector: { matchLabels: { [NAME]: 'tools' } } }];
  const accepted = policy(s.chart, 'NetworkPolicy', 'a-accepted', {
    podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: fromTools, ports: [{ port: 3000 }] }],
  });
  accepted.metadata.addAnnotation('cdk8s-networking.io/skip-checks', 'undeclared-flow');
  policy(s.chart, 'NetworkPolicy', 'b-rogue', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: fromTools }] });
  const [line] = linesOf(synthError(s.app), 'undeclared-flow');
  expect(line).toContain('shop/b-rogue: NetworkPolicy production/a-accepted, production/b-rogue is invalid');
  expect(line).toContain('tools/Peer/* (any pod in namespace tools) -> production/Deployment/api on TCP all, UDP all, SCTP all');
  expect(line).toContain('annotate NetworkPolicy production/b-rogue with cdk8s-networking.io/skip-checks: undeclared-flow');
});

test('a CiliumNetworkPolicy that isolates pods no NetworkPolicy isolates is named: the flows it drops would look allowed', () => {
  // Cilium puts batch into default deny for egress, so its declared flow to api is dropped; the NetworkPolicies leave batch open.
  const s = shop();
  NetworkModel.of(s.app).configure({ cni: Cni.cilium() });
  const batch = new WebApp(s.chart, 'batch', { namespace: 'legacy', image: 'a:1', containerPort: 80 });
  batch.allowTo(s.api);
  new ApiObject(s.chart, 'batch-out', { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'batch-out', namespace: 'legacy' },
    spec: { endpointSelector: { matchLabels: { app: 'batch' } }, egress: [{ toEntities: ['world'] }] } });
  const { warnings } = captureWarnings(() => s.app.synth());
  const unverified = warnings.filter((w) => w.startsWith('[cilium-policy-unverified]'));
  expect(unverified).toEqual([
    '[cilium-policy-unverified] shop/batch-out: CiliumNetworkPolicy legacy/batch-out field spec.egress is not verified: it puts '
      + 'legacy/Deployment/batch; legacy/Peer/app=batch into default deny for egress, which no NetworkPolicy does, and the flow verification '
      + 'judges connections between pods by the NetworkPolicies: the flows from these pods that it drops are reported as allowed. Fix: isolate '
      + 'the pods with a NetworkPolicy too (a ZeroTrustNamespace does) and declare their flows, or accept it with the skip annotation (to accept '
      + 'it, annotate CiliumNetworkPolicy legacy/batch-out with cdk8s-networking.io/skip-checks: cilium-policy-unverified)',
  ]);
});

describe('pods of an Argo Rollout or a ReplicationController are pods of the app', () => {
  const workload = (chart: Chart, apiVersion: string, kind: string, name: string) => new ApiObject(chart, name, {
    apiVersion, kind, metadata: { name, namespace: 'production' },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'a:1', ports: [{ containerPort: 8080 }] }] } } },
  });

  test.each([['argoproj.io/v1alpha1', 'Rollout'], ['v1', 'ReplicationController']])('a policy opening the pods of a %s %s to everyone is an undeclared flow', (apiVersion, kind) => {
    const s = shop();
    workload(s.chart, apiVersion, kind, 'canary');
    policy(s.chart, 'NetworkPolicy', 'open-canary', { podSelector: { matchLabels: { app: 'canary' } }, policyTypes: ['Ingress'], ingress: [{}] });
    const message = synthError(s.app);
    expect(linesOf(message, 'networkpolicy-targets-pod')).toEqual([]);
    expect(linesOf(message, 'undeclared-flow')).toEqual([expect.stringContaining(`cidr:0.0.0.0/0 -> production/${kind}/canary on TCP all, UDP all, SCTP all`)]);
  });

  test('a flow to a Rollout\'s pods renders and verifies', () => {
    const s = shop();
    workload(s.chart, 'argoproj.io/v1alpha1', 'Rollout', 'canary');
    s.worker.allowEgressTo(Peer.pods({ namespace: 'production', labels: { app: 'canary' } }), Port.tcp(8080));
    const { warnings } = captureWarnings(() => s.app.synth());
    // Only Pod Security, which the plain Rollout above does not meet: the pods are seen.
    expect(warnings.map((w) => w.slice(0, w.indexOf(':')))).toEqual(['[pod-security] shop/canary']);
  });
});

test('an egress port given by name towards pods outside the app is named: their port numbers are unknown', () => {
  const s = shop();
  // Any pod of any other namespace naming a port "http", whatever its number: the proof cannot see it.
  policy(s.chart, 'NetworkPolicy', 'api-out', {
    podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Egress'],
    egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: 'http' }] }, { ports: [{ port: 'metrics' }] }],
  });
  // Towards the app's own zero-trust pods the name is known: no warning.
  policy(s.chart, 'NetworkPolicy', 'worker-out', {
    podSelector: { matchLabels: { app: 'worker' } }, policyTypes: ['Egress'],
    egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 'http' }] }],
  });
  const { warnings } = captureWarnings(() => s.app.synth());
  expect(warnings.map((w) => w.slice(0, w.indexOf(' is accepted')))).toEqual([
    '[policy-unverified] shop/api-out: NetworkPolicy production/api-out spec.egress[0].ports[0].port "http"',
    '[policy-unverified] shop/api-out: NetworkPolicy production/api-out spec.egress[1].ports[0].port "metrics"',
  ]);
  expect(warnings[0]).toContain('is accepted, but: an egress port given by name resolves on the destination pods, and this rule reaches pods '
    + 'the app does not define, whose port numbers it does not know: what the rule allows towards them is not in the proof or the report. '
    + 'Fix: give the port number');
});

test('a declared flow with a port name towards pods outside the app gives no such warning: the flow names the port itself', () => {
  const s = shop();
  // The library renders the name in the worker's egress policy; what it opens is the declared flow.
  s.worker.allowEgressTo(Peer.namespace('tools'), Port.named('http'));
  const { warnings } = captureWarnings(() => s.app.synth());
  expect(warnings.filter((w) => w.startsWith('[policy-unverified]'))).toEqual([]);
  const out = s.app.synthYaml();
  expect(out).toContain('port: http');
});

test('pods a controller creates in a zero-trust namespace (cert-manager\'s solver) get a stand-in too: policies opening them are verified', () => {
  const s = shop();
  const solver = { matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' } };
  policy(s.chart, 'NetworkPolicy', 'solver-out', { podSelector: solver, policyTypes: ['Egress'], egress: [{}] });
  policy(s.chart, 'NetworkPolicy', 'solver-to-api', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: solver }] }] });
  const lines = linesOf(synthError(s.app), 'undeclared-flow');
  const stand = 'production/Peer/acme.cert-manager.io/http01-solver=true (pods labelled acme.cert-manager.io/http01-solver=true in namespace production)';
  expect(lines.join('\n')).toContain(`${stand} -> cidr:0.0.0.0/0 on TCP all, UDP all, SCTP all`);
  expect(lines.join('\n')).toContain(`${stand} -> production/Deployment/api on TCP all, UDP all, SCTP all`);
});

describe('a workload that carries the labels selecting a WebApp\'s pods (shared-pod-labels)', () => {
  /** A plain Deployment in production whose pods carry `labels`, meeting the restricted Pod Security level. */
  function handWritten(
    chart: Chart, name: string, labels: Record<string, string>, annotations?: Record<string, string>, kind = 'Deployment',
  ): ApiObject {
    return new ApiObject(chart, `${kind}-${name}`, {
      apiVersion: 'apps/v1', kind, metadata: { name, namespace: 'production', ...(annotations ? { annotations } : {}) },
      spec: { ...(kind === 'StatefulSet' ? { serviceName: name } : {}), selector: { matchLabels: labels }, template: { metadata: { labels }, spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{ name, image: 'a:1', ports: [{ containerPort: 3000 }], securityContext: {
          allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true } }] } } },
    });
  }

  test.each([
    ['a Deployment with the same labels', 'legacy', 'Deployment', { app: 'api' }],
    ['a Deployment with more labels', 'legacy', 'Deployment', { app: 'api', track: 'canary' }],
    ['a StatefulSet of the same name', 'api', 'StatefulSet', { app: 'api' }],
    ['a StatefulSet of the same name, written before the WebApp', 'api', 'StatefulSet', { app: 'api' }, true],
  ])('%s takes api\'s flows and Service traffic: synth fails naming it, api and the way out', (_name, name, kind, labels, before = false) => {
    let s: ReturnType<typeof shop>;
    if (before) {
      const app = testApp();
      const chart = new Chart(app, 'shop');
      const prod = new ZeroTrustNamespace(chart, 'production');
      handWritten(chart, name, labels, undefined, kind);
      const api = new WebApp(chart, 'api', { namespace: prod, image: 'ghcr.io/acme/api:1.0.0', containerPort: 3000 });
      const worker = new WebApp(chart, 'worker', { namespace: prod, image: 'ghcr.io/acme/worker:1.0.0', containerPort: 9090 });
      worker.allowTo(api);
      s = { app, chart, prod, api, worker };
    } else {
      s = shop();
      handWritten(s.chart, name, labels, undefined, kind);
    }
    const message = synthError(s.app);
    const lines = linesOf(message, 'shared-pod-labels');
    expect(lines).toEqual([
      `  - [shared-pod-labels] shop/${kind}-${name}: ${kind} production/${name} pod labels {"app":"api"} is invalid: they select the pods of `
        + `Deployment production/api in declared flows, so the NetworkPolicies rendered for its flows and its Service select ${name}'s pods `
        + `too: they take traffic that no flow declares for ${name}. Fix: give ${name}'s pods labels of their own (in its pod template and `
        + 'selector) and declare its flows; if it shares api\'s traffic on purpose (a canary), accept it with the skip annotation (to accept '
        + `it, annotate ${kind} production/${name} with cdk8s-networking.io/skip-checks: shared-pod-labels)`,
    ]);
    // Before, the worker -> legacy connection passed as declared: nothing else names it.
    expect(message.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(1);
  });

  test('accepted with the skip annotation (a canary on purpose), it synthesizes and the report lists the accepted finding', () => {
    const s = shop();
    handWritten(s.chart, 'api-canary', { app: 'api', track: 'canary' }, { 'cdk8s-networking.io/skip-checks': 'shared-pod-labels' });
    // synth() validates every manifest written against the Kubernetes schema.
    const { warnings, result } = captureWarnings(() => synth(s.app));
    expect(result.objects.map((o) => `${o.kind} ${o.metadata.name}`)).toContain('Deployment api-canary');
    expect(warnings.filter((w) => w.includes('shared-pod-labels'))).toEqual([]);
    const report = JSON.parse(fs.readFileSync(path.join(s.app.outdir, 'network-report.json'), 'utf8'));
    expect(report.suppressed.filter((f: any) => f.check === 'shared-pod-labels')).toEqual([{
      check: 'shared-pod-labels', severity: 'error', object: 'shop/Deployment-api-canary',
      message: expect.stringMatching(/^shop\/Deployment-api-canary: Deployment production\/api-canary pod labels \{"app":"api"\} is invalid: they select/),
      fix: expect.stringContaining('if it shares api\'s traffic on purpose (a canary)'),
    }]);
  });

  test('workloads with labels of their own, the WebApp itself, and WebApps outside the zero-trust namespaces are not named', () => {
    const s = shop();
    handWritten(s.chart, 'other', { app: 'other' });
    // Outside the zero-trust namespaces nothing is verified as undeclared: the same labels there are not this check's concern.
    const outside = new WebApp(s.chart, 'batch', { namespace: 'legacy', image: 'a:1', containerPort: 80 });
    s.api.allowFrom(outside);
    new ApiObject(s.chart, 'batch-copy', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'batch-copy', namespace: 'legacy' },
      spec: { selector: { matchLabels: { app: 'batch' } }, template: { metadata: { labels: { app: 'batch' } }, spec: {
        containers: [{ name: 'b', image: 'a:1' }] } } },
    });
    // Synth passes: the api WebApp and the others are not named, nor are the same labels outside zero-trust namespaces.
    const { warnings, result } = captureWarnings(() => synth(s.app));
    expect(result.objects.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual(expect.arrayContaining(['Deployment other', 'Deployment batch-copy']));
    expect(warnings.filter((w) => w.includes('shared-pod-labels'))).toEqual([]);
    const report = JSON.parse(fs.readFileSync(path.join(s.app.outdir, 'network-report.json'), 'utf8'));
    expect(report.suppressed).toEqual([]);
    expect(report.flows.length).toBeGreaterThan(0);
  });
});

describe('a pod template in an object of a kind the verification does not read, labelled as a WebApp\'s pods (pod-template-unverified)', () => {
  // A KEDA ScaledJob makes a Job per event from spec.jobTargetRef.template, a Job's pod template
  // (keda.sh/docs/latest/reference/scaledjob-spec; CRD config/crd/bases/keda.sh_scaledjobs.yaml):
  // its pods carry the template's labels, so api's policies and Service select them too.
  function scaledJob(chart: Chart, name: string, labels: Record<string, string>, namespace = 'production', annotations?: Record<string, string>): ApiObject {
    return new ApiObject(chart, `sj-${namespace}-${name}`, {
      apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledJob',
      metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
      spec: {
        jobTargetRef: { template: { metadata: { labels }, spec: { containers: [{ name, image: 'ghcr.io/acme/reindex:1.0.0' }] } } },
        triggers: [{ type: 'rabbitmq', metadata: { queueName: 'reindex', mode: 'QueueLength', value: '1' } }],
      },
    });
  }
  const unverified = (warnings: string[]) => warnings.filter((w) => w.startsWith('[pod-template-unverified]'));

  test('a ScaledJob whose template carries api\'s labels (and more) is named with the path, the labels and the way out', () => {
    const s = shop();
    scaledJob(s.chart, 'reindex', { app: 'api', job: 'reindex' });
    // synth() validates every manifest written, the ScaledJob against a schema derived from KEDA's CRD.
    const { warnings, result } = captureWarnings(() => synth(s.app));
    expect(result.objects.filter((o) => o.kind === 'ScaledJob').map((o) => o.metadata.name)).toEqual(['reindex']);
    expect(unverified(warnings)).toEqual([
      '[pod-template-unverified] shop/sj-production-reindex: ScaledJob production/reindex spec.jobTargetRef.template.metadata.labels '
        + '{"app":"api"} is accepted, but: a ScaledJob is not a workload kind the verification reads, but this pod template\'s labels select '
        + 'the pods of Deployment production/api in declared flows: pods made from it carry them, so the NetworkPolicies rendered for api\'s '
        + 'flows and its Service select those pods too, and they take traffic that no flow declares for them. Fix: give the template labels '
        + 'of its own, which select no other workload\'s pods (WebApps select app: <name>); if the ScaledJob makes no pods from it, or they '
        + 'share api\'s traffic on purpose, accept it with the skip annotation (to accept it, annotate ScaledJob production/reindex with '
        + 'cdk8s-networking.io/skip-checks: pod-template-unverified)',
    ]);
    // Under strict it fails synth.
    const strict = shop();
    scaledJob(strict.chart, 'reindex', { app: 'api' });
    NetworkModel.of(strict.app).configure({ strict: true });
    expect(linesOf(synthError(strict.app), 'pod-template-unverified')[0]).toContain(
      'ScaledJob production/reindex spec.jobTargetRef.template.metadata.labels {"app":"api"} is invalid: a ScaledJob is not a workload kind');
  });

  test('templates in a list and in another zero-trust namespace: a RayCluster\'s worker groups; each named once, with its index', () => {
    const s = shop();
    const mk = (name: string, labels: Record<string, string>) => ({ metadata: { labels }, spec: { containers: [{ name, image: 'rayproject/ray:2.9.0' }] } });
    new ApiObject(s.chart, 'ray', {
      apiVersion: 'ray.io/v1', kind: 'RayCluster', metadata: { name: 'ray', namespace: 'production' },
      spec: {
        headGroupSpec: { rayStartParams: {}, template: mk('head', { ray: 'head' }) },
        workerGroupSpecs: [
          { groupName: 'cpu', minReplicas: 1, maxReplicas: 2, rayStartParams: {}, template: mk('cpu', { ray: 'worker' }) },
          { groupName: 'gpu', minReplicas: 0, maxReplicas: 2, rayStartParams: {}, template: mk('gpu', { app: 'worker', ray: 'worker' }) },
        ],
      },
    });
    // The same labels in another zero-trust namespace select none of worker's pods.
    new ZeroTrustNamespace(s.chart, 'jobs');
    scaledJob(s.chart, 'burst', { app: 'worker' }, 'jobs');
    const lines = unverified(captureWarnings(() => synth(s.app)).warnings);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('shop/ray: RayCluster production/ray spec.workerGroupSpecs[1].template.metadata.labels {"app":"worker"} is accepted, '
      + 'but: a RayCluster is not a workload kind the verification reads, but this pod template\'s labels select the pods of Deployment production/worker');
  });

  test('a kind of another API group named like a workload kind (Volcano\'s Job, tasks[].template) is walked too', () => {
    const s = shop();
    new ApiObject(s.chart, 'vcjob', {
      apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', metadata: { name: 'train', namespace: 'production' },
      spec: { minAvailable: 1, schedulerName: 'volcano', tasks: [{ name: 'trainer', replicas: 2, template: {
        metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'trainer', image: 'ghcr.io/acme/trainer:1.0.0' }] } } }] },
    });
    const lines = unverified(captureWarnings(() => synth(s.app)).warnings);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('shop/vcjob: Job production/train spec.tasks[0].template.metadata.labels {"app":"api"} is accepted, but: a Job is '
      + 'not a workload kind the verification reads');
  });

  test('a Volcano Job in a zero-trust namespace is no workload of the verification: no pod group, none of the workload checks', () => {
    // Volcano's Job (batch.volcano.sh/v1alpha1) keeps its pod templates under spec.tasks[].template (CRD
    // config/crd/volcano/bases/batch.volcano.sh_jobs.yaml): the evaluator reads Jobs of the batch group only.
    const volcano = (labels: Record<string, string>) => {
      const s = shop();
      new ApiObject(s.chart, 'vcjob', {
        apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', metadata: { name: 'train', namespace: 'production' },
        spec: { minAvailable: 1, schedulerName: 'volcano', tasks: [{ name: 'trainer', replicas: 2, template: {
          metadata: { labels }, spec: { containers: [{ name: 'trainer', image: 'ghcr.io/acme/trainer:1.0.0' }] } } }] },
      });
      const { warnings, result } = captureWarnings(() => synth(s.app));
      const report = JSON.parse(fs.readFileSync(path.join(s.app.outdir, 'network-report.json'), 'utf8'));
      return { warnings, objects: result.objects, report };
    };
    // Labels of its own: nothing to say. It is no pod group (the report lists the two WebApps only), and no check of
    // workloads (pod-networkpolicy, pod-security) takes it for a batch/v1 Job.
    const own = volcano({ app: 'trainer' });
    expect(own.objects.filter((o) => o.kind === 'Job').map((o) => o.apiVersion)).toEqual(['batch.volcano.sh/v1alpha1']);
    expect(own.warnings).toEqual([]);
    expect(own.report.findings).toEqual([]);
    const production = own.report.namespaces.find((n: any) => n.name === 'production');
    expect(production.workloads).toEqual(['production/Deployment/api', 'production/Deployment/worker']);
    expect(own.report.endpoints.map((e: any) => e.id).filter((id: string) => id.includes('/Job/'))).toEqual([]);
    // api's labels: pod-template-unverified names the task's template, and still no group stands for the Job.
    const api = volcano({ app: 'api' });
    expect(api.warnings.map((w) => w.split(' ')[0])).toEqual(['[pod-template-unverified]']);
    expect(api.report.endpoints.map((e: any) => e.id).filter((id: string) => id.includes('/Job/'))).toEqual([]);
  });

  test('the worker\'s labels are named too: every end of a declared flow counts', () => {
    const s = shop();
    scaledJob(s.chart, 'burst', { app: 'worker' });
    const lines = unverified(captureWarnings(() => synth(s.app)).warnings);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('this pod template\'s labels select the pods of Deployment production/worker in declared flows');
  });

  test('accepted with the skip annotation, it synthesizes and the report lists the accepted finding', () => {
    const s = shop();
    scaledJob(s.chart, 'reindex', { app: 'api' }, 'production', { 'cdk8s-networking.io/skip-checks': 'pod-template-unverified' });
    const { warnings } = captureWarnings(() => synth(s.app));
    expect(unverified(warnings)).toEqual([]);
    const report = JSON.parse(fs.readFileSync(path.join(s.app.outdir, 'network-report.json'), 'utf8'));
    expect(report.suppressed.map((f: any) => [f.check, f.severity, f.object])).toEqual([['pod-template-unverified', 'warning', 'shop/sj-production-reindex']]);
  });

  test('labels of its own, part of api\'s labels, another namespace, a PodTemplate, and the kinds shared-pod-labels reads are not named', () => {
    const s = shop();
    scaledJob(s.chart, 'reindex', { app: 'reindex' });
    scaledJob(s.chart, 'partial', { job: 'partial' });
    const legacy = new WebApp(s.chart, 'billing', { namespace: 'legacy', image: 'a:1', containerPort: 80 });
    s.api.allowFrom(legacy);
    scaledJob(s.chart, 'billing-jobs', { app: 'billing' }, 'legacy');
    scaledJob(s.chart, 'api-jobs', { app: 'api' }, 'legacy');
    // A PodTemplate makes no pods.
    new ApiObject(s.chart, 'api-template', {
      apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 'api-template', namespace: 'production' },
      template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'a:1' }] } },
    });
    // A Deployment labelled app=api is shared-pod-labels' (accepted here as a canary), not this check's.
    new ApiObject(s.chart, 'api-canary', {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name: 'api-canary', namespace: 'production', annotations: { 'cdk8s-networking.io/skip-checks': 'shared-pod-labels,pod-security' } },
      spec: { selector: { matchLabels: { app: 'api', track: 'canary' } }, template: { metadata: { labels: { app: 'api', track: 'canary' } }, spec: {
        containers: [{ name: 'api', image: 'a:1', ports: [{ containerPort: 3000 }] }] } } },
    });
    const { warnings, result } = captureWarnings(() => synth(s.app));
    expect(result.objects.filter((o) => o.kind === 'ScaledJob')).toHaveLength(4);
    expect(unverified(warnings)).toEqual([]);
  });
});
