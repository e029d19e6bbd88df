/**
 * `sync-wave-order`: Argo CD starts a workload's pods before a network policy that selects them is
 * applied (a PreSync hook, or waves that put the policy later), so during a sync they run without
 * the isolation or the allows the proof counts. Every synthesized manifest is schema-validated by `synth`.
 */
import type { App } from 'cdk8s';
import { ApiObject, Chart } from 'cdk8s';
import { Cni, NetworkModel, Peer, Port, SyncWaves, WebApp, ZeroTrustNamespace } from '../lib';
import { syncPosition } from '../lib/checks/argocd-hooks';
import { captureWarnings, find, synth, testApp } from './util';

const RULE = 'Argo CD starts the pods, and waits for them to be healthy, before it applies the policy, so during a sync that creates or changes it '
  + 'the pods run without the isolation or the allows the proof counts (a flow declared for them is dead, and one they need to become ready stops the sync)';
const FIX = 'Fix: leave the ordering to SyncWaves (NetworkPolicies and CiliumNetworkPolicies in wave -2, workloads in 0), or give the policies a wave '
  + 'lower than the workload\'s; run a migration Job as a Sync hook in a wave after the policies rather than PreSync';
const skip = (what: string) => ` (to accept it, annotate ${what} with cdk8s-networking.io/skip-checks: sync-wave-order)`;

function warningsOf(app: App): string[] {
  const { result, warnings } = captureWarnings(() => synth(app));
  void result;
  return warnings.filter((w) => w.startsWith('[sync-wave-order]'));
}

function shop(app: App = testApp()) {
  const chart = new Chart(app, 'shop');
  const prod = new ZeroTrustNamespace(chart, 'production');
  const api = new WebApp(chart, 'api', { namespace: prod, image: 'ghcr.io/acme/api:1.0.0', containerPort: 3000 });
  const web = new WebApp(chart, 'web', { namespace: prod, image: 'ghcr.io/acme/web:1.0.0', containerPort: 8080 });
  api.allowFrom(web);
  return { app, chart, prod, api, web };
}

/** A restricted-compliant Job of the user's own in production, labelled app=migrate, with these annotations. */
function job(chart: Chart, annotations: Record<string, string>): ApiObject {
  return new ApiObject(chart, 'migrate', {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: { name: 'migrate', namespace: 'production', annotations },
    spec: {
      template: {
        metadata: { labels: { app: 'migrate' } },
        spec: {
          restartPolicy: 'Never',
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'migrate', image: 'ghcr.io/acme/migrate:1.0.0',
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
          }],
        },
      },
    },
  });
}

describe('sync-wave-order', () => {
  test('the default waves put every policy before the workloads it selects: no finding, Cilium policies included', () => {
    const s = shop();
    NetworkModel.of(s.app).configure({ cni: Cni.cilium() });
    s.web.allowEgressTo(Peer.fqdn('api.stripe.com'), Port.tcp(443));
    expect(warningsOf(s.app)).toEqual([]);
  });

  test('NetworkPolicies moved after the workloads: each workload names the policies that select it, with their waves', () => {
    const s = shop();
    SyncWaves.of(s.app).configure({ waves: { NetworkPolicy: 5 } });
    const warnings = warningsOf(s.app);
    expect(warnings).toEqual([
      '[sync-wave-order] shop/api/Deployment: Deployment production/api metadata.annotations["argocd.argoproj.io/sync-wave"] "0" is accepted, but: '
        + 'puts its pods in wave 0, before NetworkPolicy production/allow-dns-egress (wave 5), NetworkPolicy production/allow-web-to-api (wave 5), '
        + `NetworkPolicy production/default-deny (wave 5), which select them: ${RULE}. ${FIX}${skip('Deployment production/api')}`,
      '[sync-wave-order] shop/web/Deployment: Deployment production/web metadata.annotations["argocd.argoproj.io/sync-wave"] "0" is accepted, but: '
        + 'puts its pods in wave 0, before NetworkPolicy production/allow-dns-egress (wave 5), NetworkPolicy production/allow-web-egress-to-api '
        + `(wave 5), NetworkPolicy production/default-deny (wave 5), which select them: ${RULE}. ${FIX}${skip('Deployment production/web')}`,
    ]);
    const { objects } = synth(s.app);
    expect(find(objects, 'NetworkPolicy', 'default-deny').metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('5');
  });

  test('a late policy selects pods of its own namespace only: one in another namespace that selects every pod is no finding', () => {
    const s = shop();
    new ApiObject(s.chart, 'staging-late', {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
      metadata: { name: 'late', namespace: 'staging', annotations: { 'argocd.argoproj.io/sync-wave': '5' } },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    });
    expect(warningsOf(s.app)).toEqual([]);
    // With a late policy of its own namespace too, the workload's warning names that one only.
    new ApiObject(s.chart, 'api-late', {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
      metadata: { name: 'api-late', namespace: 'production', annotations: { 'argocd.argoproj.io/sync-wave': '5' } },
      spec: { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'] },
    });
    expect(warningsOf(s.app)).toEqual([
      '[sync-wave-order] shop/api/Deployment: Deployment production/api metadata.annotations["argocd.argoproj.io/sync-wave"] "0" is accepted, but: '
        + `puts its pods in wave 0, before NetworkPolicy production/api-late (wave 5), which selects them: ${RULE}. ${FIX}${skip('Deployment production/api')}`,
    ]);
  });

  test('NetworkPolicies in the workloads\' wave are applied first (kind order); CiliumNetworkPolicies there are applied last', () => {
    const same = shop();
    SyncWaves.of(same.app).configure({ waves: { NetworkPolicy: 0 } });
    expect(warningsOf(same.app)).toEqual([]);

    const cilium = shop();
    NetworkModel.of(cilium.app).configure({ cni: Cni.cilium() });
    cilium.web.allowEgressTo(Peer.fqdn('api.stripe.com'), Port.tcp(443));
    SyncWaves.of(cilium.app).configure({ waves: { CiliumNetworkPolicy: 0 } });
    const warnings = warningsOf(cilium.app);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^\[sync-wave-order\] shop\/web\/Deployment: Deployment production\/web metadata\.annotations\["argocd\.argoproj\.io\/sync-wave"\] "0" is accepted, but: puts its pods in wave 0, before CiliumNetworkPolicy production\/[a-z0-9-]+ \(wave 0\), which selects them: /);
  });

  test('a PreSync hook runs before every policy of the sync; a Helm pre-upgrade hook is one too; PostSync and Sync hooks after them are not', () => {
    const pre = shop();
    job(pre.chart, { 'argocd.argoproj.io/hook': 'PreSync' });
    expect(warningsOf(pre.app)).toEqual([
      '[sync-wave-order] shop/migrate: Job production/migrate metadata.annotations["argocd.argoproj.io/hook"] "PreSync" is accepted, but: '
        + 'makes Argo CD run its pods in the PreSync phase, before the manifests of the sync are applied, before NetworkPolicy '
        + `production/allow-dns-egress (wave -2), NetworkPolicy production/default-deny (wave -2), which select them: ${RULE}. ${FIX}`
        + skip('Job production/migrate'),
    ]);

    const helm = shop();
    job(helm.chart, { 'helm.sh/hook': 'pre-install,pre-upgrade' });
    expect(warningsOf(helm.app).map((w) => w.slice(0, w.indexOf(' is accepted')))).toEqual([
      '[sync-wave-order] shop/migrate: Job production/migrate metadata.annotations["helm.sh/hook"] "pre-install,pre-upgrade"',
    ]);

    const after = shop();
    job(after.chart, { 'argocd.argoproj.io/hook': 'PostSync' });
    expect(warningsOf(after.app)).toEqual([]);
    const sync = shop();
    job(sync.chart, { 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/sync-wave': '1' });
    expect(warningsOf(sync.app)).toEqual([]);
  });

  test('an annotation of the user\'s own that puts a workload at or before the policies\' wave is judged (the same wave is not: NetworkPolicy comes first); without any ordering annotation nothing is', () => {
    const own = shop();
    job(own.chart, { 'argocd.argoproj.io/sync-wave': '-2' }); // the policies' wave: NetworkPolicy is applied first (kind order)
    expect(warningsOf(own.app)).toEqual([]);
    const early = shop();
    job(early.chart, { 'argocd.argoproj.io/sync-wave': '-3' });
    expect(warningsOf(early.app).map((w) => w.slice(0, w.indexOf(', which')))).toEqual([
      '[sync-wave-order] shop/migrate: Job production/migrate metadata.annotations["argocd.argoproj.io/sync-wave"] "-3" is accepted, but: puts its '
        + 'pods in wave -3, before NetworkPolicy production/allow-dns-egress (wave -2), NetworkPolicy production/default-deny (wave -2)',
    ]);

    const off = shop();
    SyncWaves.of(off.app).disable();
    job(off.chart, {});
    expect(warningsOf(off.app)).toEqual([]);
    // Not synced by Argo CD as far as the app says: a CiliumNetworkPolicy is not judged against its workload either.
    const cilium = shop();
    NetworkModel.of(cilium.app).configure({ cni: Cni.cilium() });
    cilium.web.allowEgressTo(Peer.fqdn('api.stripe.com'), Port.tcp(443));
    SyncWaves.of(cilium.app).disable();
    expect(warningsOf(cilium.app)).toEqual([]);
  });
});

describe('syncPosition: where Argo CD applies an object, read as gitops-engine reads hooks', () => {
  const at = (annotations: Record<string, string>, kind = 'Deployment') =>
    syncPosition({ path: 'x', json: { apiVersion: 'v1', kind, metadata: { name: 'x', annotations } } });

  test('a regular resource is in the Sync phase at its wave (the hook weight when no sync-wave); a NetworkPolicy ranks before a Deployment', () => {
    expect(at({ 'argocd.argoproj.io/sync-wave': '3' })).toEqual({ phase: 0, wave: 3, kind: -5, text: 'wave 3' });
    expect(at({ 'helm.sh/hook-weight': '-1' }, 'NetworkPolicy')).toEqual({ phase: 0, wave: -1, kind: -31, text: 'wave -1' });
    expect(at({}, 'NetworkPolicy').kind).toBeLessThan(at({}).kind);
    expect(at({}, 'CiliumNetworkPolicy').kind).toBeGreaterThan(at({}).kind);
    // helm.sh/hook crd-install makes no hook.
    expect(at({ 'helm.sh/hook': 'crd-install' }).phase).toBe(0);
  });

  test('hooks of a phase: the earliest of their types; Helm pre-install runs as PreSync', () => {
    expect(at({ 'argocd.argoproj.io/hook': 'PostSync,PreSync' })).toMatchObject({ phase: -1, text: 'hook PreSync, wave 0' });
    expect(at({ 'helm.sh/hook': 'pre-install' })).toMatchObject({ phase: -1, text: 'hook PreSync, wave 0' });
    expect(at({ 'argocd.argoproj.io/hook': 'Skip,Sync' })).toMatchObject({ phase: 0, text: 'hook Sync, wave 0' });
  });

  test('never applied by a sync that succeeds: Skip alone, SyncFail, a value Argo CD does not know, a Helm hook it does not run', () => {
    expect(at({ 'argocd.argoproj.io/hook': 'Skip' })).toMatchObject({ phase: undefined, text: 'hook Skip (never applied by a sync that succeeds)' });
    expect(at({ 'argocd.argoproj.io/hook': 'SyncFail' })).toMatchObject({ phase: undefined, text: 'hook SyncFail (never applied by a sync that succeeds)' });
    expect(at({ 'argocd.argoproj.io/hook': 'PreSnyc' })).toMatchObject({ phase: undefined, text: 'hook PreSnyc (never applied by a sync that succeeds)' });
    expect(at({ 'helm.sh/hook': 'test' })).toMatchObject({ phase: undefined, text: 'hook test (never applied by a sync that succeeds)' });
  });
});
