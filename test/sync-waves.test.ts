import type { App } from 'cdk8s';
import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import {
  Cni, DEFAULT_SYNC_WAVES, NetworkModel, Peer, Port, ServiceType, SYNC_WAVE_ANNOTATION, SyncWaves, WebApp, ZeroTrustNamespace,
  SynthPhase,
} from '../lib';
import { buildApp } from '../apps/main';
import { expectWarnings, find, synth, testApp } from './util';

const wave = (o: any): string | undefined => o.metadata?.annotations?.[SYNC_WAVE_ANNOTATION];

/** A small app: a zero-trust namespace, two apps with a flow, and objects made with cdk8s-plus and plain cdk8s. */
function shop(app: App = testApp()) {
  const chart = new Chart(app, 'shop');
  const ns = new ZeroTrustNamespace(chart, 'production');
  const api = new WebApp(chart, 'api', { namespace: ns, image: 'ghcr.io/acme/api:1.0.0', containerPort: 3000 });
  const web = new WebApp(chart, 'web', { namespace: ns, image: 'ghcr.io/acme/web:1.0.0', containerPort: 8080 });
  api.allowFrom(web);
  new kplus.ConfigMap(chart, 'settings', { metadata: { name: 'settings', namespace: 'production' }, data: { LEVEL: 'info' } });
  new k8s.KubeIngress(chart, 'ingress', {
    metadata: { name: 'shop', namespace: 'production' },
    spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } },
  });
  new ApiObject(chart, 'route', {
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute',
    metadata: { name: 'shop', namespace: 'production' },
    spec: { parentRefs: [{ name: 'gateway' }], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] },
  });
  return { app, chart, ns, api, web };
}

describe('sync waves', () => {
  test('every object of the example app has a wave: namespaces, then policies, then Services, then workloads', () => {
    const { objects, files } = synth(buildApp(testApp()));
    for (const o of objects) expect({ kind: o.kind, name: o.metadata.name, wave: wave(o) }).toEqual({ kind: o.kind, name: o.metadata.name,
      wave: expect.any(String) });
    const wavesOf = (kind: string) => new Set(objects.filter((o) => o.kind === kind).map((o) => Number(wave(o))));
    expect(wavesOf('Namespace')).toEqual(new Set([-3]));
    expect(wavesOf('NetworkPolicy')).toEqual(new Set([-2]));
    expect(wavesOf('Service')).toEqual(new Set([-1]));
    expect(wavesOf('Deployment')).toEqual(new Set([0]));
    // A string in YAML, as Argo CD requires: quoted.
    expect(files['shop.k8s.yaml']).toContain(`${SYNC_WAVE_ANNOTATION}: "-3"`);
  });

  test('orders each kind by the default table, including objects made with cdk8s-plus and plain ApiObjects', () => {
    const { app } = shop();
    const { objects } = synth(app);
    const byKind = Object.fromEntries(objects.map((o) => [o.kind, wave(o)]));
    expect(byKind).toEqual({
      Namespace: '-3', NetworkPolicy: '-2', Service: '-1', ConfigMap: '-1', Deployment: '0', Ingress: '1', HTTPRoute: '1',
    });
    const order = (k: string) => DEFAULT_SYNC_WAVES[k];
    expect(order('Namespace')).toBeLessThan(order('NetworkPolicy'));
    expect(order('NetworkPolicy')).toBeLessThan(order('Service'));
    expect(order('Service')).toBeLessThan(order('Deployment'));
    expect(order('Deployment')).toBeLessThan(order('Ingress'));
    expect(order('Deployment')).toBeLessThan(order('HTTPRoute'));
  });

  test('on Cilium, the CiliumNetworkPolicies are in the NetworkPolicies\' wave, before the workloads', () => {
    const app = testApp();
    NetworkModel.of(app).configure({ cni: Cni.cilium() });
    const { api } = shop(app);
    api.allowEgressTo(Peer.fqdn('api.stripe.com'), Port.tcp(443));
    api.allowEgressTo(Peer.kubeApiServer(), Port.tcp(443));
    const { objects } = synth(app);
    const cilium = objects.filter((o) => o.kind === 'CiliumNetworkPolicy');
    expect(cilium.map((o) => o.metadata.name).sort()).toEqual(['allow-api-egress-to-fqdn-api-stripe-com', 'allow-api-egress-to-kube-apiserver']);
    expect(new Set(cilium.map(wave))).toEqual(new Set(['-2']));
    expect(wave(find(objects, 'NetworkPolicy', 'default-deny', 'production'))).toBe('-2');
    expect(wave(find(objects, 'Deployment', 'api', 'production'))).toBe('0');
    expect([DEFAULT_SYNC_WAVES.CiliumNetworkPolicy, DEFAULT_SYNC_WAVES.CiliumClusterwideNetworkPolicy]).toEqual([-2, -2]);
  });

  test('keeps a wave the object already has', () => {
    const { app, api } = shop();
    api.service.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, '5');
    const { objects } = synth(app);
    expect(wave(objects.find((o) => o.kind === 'Service' && o.metadata.name === 'api'))).toBe('5');
    expect(wave(objects.find((o) => o.kind === 'Service' && o.metadata.name === 'web'))).toBe('-1');
  });

  test('configurable by kind, with a default for unlisted kinds', () => {
    const { app } = shop();
    const waves = SyncWaves.of(app).configure({ waves: { HTTPRoute: 2 }, defaultWave: 7 });
    new ApiObject(new Chart(app, 'extra'), 'cert', {
      apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'shop', namespace: 'production' },
      spec: { secretName: 'shop-tls', issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer' }, dnsNames: ['shop.example'] },
    });
    expect(waves.waveOf('HTTPRoute')).toBe(2);
    expect(waves.waveOf('Certificate')).toBe(7);
    expect(waves.table.Namespace).toBe(-3);
    app.synth();
    const objects = [...Testing.synth(app.node.findChild('shop') as Chart), ...Testing.synth(app.node.findChild('extra') as Chart)];
    expect(Object.fromEntries(objects.map((o) => [o.kind, wave(o)]))).toMatchObject({ HTTPRoute: '2', Ingress: '1', Certificate: '7',
      Namespace: '-3' });
  });

  test('can be turned off', () => {
    const { app } = shop();
    expect(SyncWaves.of(app).disable().isEnabled).toBe(false);
    const { objects, files } = synth(app);
    expect(objects.filter(wave)).toEqual([]);
    expect(Object.values(files).join('')).not.toContain('argocd.argoproj.io');
  });

  test('configure({ enabled: false }) turns it off too, and the App-wide instance is shared', () => {
    const { app, chart } = shop();
    SyncWaves.of(chart).configure({ enabled: false });
    expect(SyncWaves.of(app).isEnabled).toBe(false);
    expect(synth(app).objects.filter(wave)).toEqual([]);
  });

  test('Services reachable from outside the cluster join the wave of Ingress', () => {
    const app = testApp();
    const chart = new Chart(app, 'c');
    const ns = new ZeroTrustNamespace(chart, 'edge');
    new WebApp(chart, 'lb', { namespace: ns, image: 'ghcr.io/acme/lb:1', containerPort: 8080, serviceType: ServiceType.LOAD_BALANCER });
    new WebApp(chart, 'np', { namespace: ns, image: 'ghcr.io/acme/np:1', containerPort: 8080, serviceType: ServiceType.NODE_PORT });
    new WebApp(chart, 'internal', { namespace: ns, image: 'ghcr.io/acme/in:1', containerPort: 8080 });
    SyncWaves.of(app).configure({ waves: { Ingress: 3 } });
    // No client outside the cluster is declared: the check says so; the waves do not depend on it.
    const { objects } = expectWarnings(['[external-service-unreachable] c/lb/Service', '[external-service-unreachable] c/np/Service'], () => synth(app));
    const services = objects.filter((o) => o.kind === 'Service');
    expect(Object.fromEntries(services.map((s) => [s.metadata.name, wave(s)]))).toEqual({ lb: '3', np: '3', internal: '-1' });
  });

  test('objects added by a synth step are annotated too: the waves are applied last', () => {
    const { app, chart } = shop();
    NetworkModel.of(app).addSynthStep({
      name: 'late-object',
      phase: SynthPhase.RENDER,
      run: () => {
        if (!chart.node.tryFindChild('late')) {
          new kplus.Secret(chart, 'late', { metadata: { name: 'late', namespace: 'production' }, stringData: { k: 'v' } });
        }
      },
    });
    const secret = synth(app).objects.find((o) => o.kind === 'Secret');
    expect(wave(secret)).toBe('-1');
  });

  test('apps that use only cdk8s-plus get waves once SyncWaves is configured', () => {
    const app = testApp();
    const chart = new Chart(app, 'plain');
    new kplus.Deployment(chart, 'd', { containers: [{ image: 'nginx', portNumber: 80, securityContext: { ensureNonRoot: false } }] });
    SyncWaves.of(app).configure({ waves: { Deployment: 4 } });
    const { objects } = synth(app);
    expect(objects.map(wave)).toEqual(['4']);
  });

  test('chart-by-chart synthesis (Testing.synth) annotates too', () => {
    const { chart } = shop(Testing.app());
    const objects = Testing.synth(chart);
    expect(objects.every((o) => wave(o) !== undefined)).toBe(true);
  });

  test.each<[string, () => void, string]>([
    ['a fractional wave', () => SyncWaves.of(Testing.app()).configure({ waves: { Deployment: 1.5 } }),
      'App: syncWaves.waves["Deployment"] 1.5 is invalid: must be a whole number'],
    ['a kind', () => SyncWaves.of(Testing.app()).configure({ waves: { deployment: 1 } }),
      'App: syncWaves.waves key "deployment" is invalid: must be a Kubernetes kind'],
    ['the default wave', () => SyncWaves.of(Testing.app()).configure({ defaultWave: 2.5 }),
      'App: syncWaves.defaultWave 2.5 is invalid: must be a whole number'],
  ])('validates %s', (_what, act, message) => {
    expect(act).toThrow(message);
  });

  test('a wave for a kind that looks like a typo of one the app has is an error at synth; a kind the app lacks is fine', () => {
    const { app } = shop();
    // A wave table shared between apps may name kinds this app does not have, some of them close to others
    // (TCPRoute and HTTPRoute, both in the default table; a CRD's Certificate).
    SyncWaves.of(app).configure({ waves: { StatefulSet: 2, CronJob: 1, TCPRoute: 3, Certificate: 1 } });
    expect(() => synth(app)).not.toThrow();
    SyncWaves.of(app).configure({ waves: { Deploymnet: 4 } });
    expect(() => app.synth()).toThrow('App: syncWaves.waves key "Deploymnet" is invalid: no object of the app has this kind, and it looks '
      + 'like a typo of "Deployment"; use the kind as the objects spell it (kinds in the app: ConfigMap, Deployment, HTTPRoute, Ingress, Namespace, '
      + 'NetworkPolicy, Service)');
  });

  test('re-synthesizing after configure updates the waves it set', () => {
    const { app } = shop();
    const first = synth(app).objects.find((o) => o.kind === 'Deployment');
    expect(wave(first)).toBe('0');
    SyncWaves.of(app).configure({ waves: { Deployment: 3 } });
    const second = synth(app).objects.find((o) => o.kind === 'Deployment');
    expect(wave(second)).toBe('3');
  });
});
