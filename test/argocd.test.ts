import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing, YamlOutputType } from 'cdk8s';
import type { ArgoCdApplicationProps } from '../lib';
import {
  ArgoCdApplication, ArgoCdApplicationSet, ClusterGenerator, WebApp, ZeroTrustNamespace,
} from '../lib';
import { buildApp } from '../apps/main';
import { find, ofKind, synth, testApp, validateManifest } from './util';

const REPO = 'https://github.com/acme/platform.git';

/** An app with a zero-trust namespace chart and an `argocd` chart, in the given layout. */
function appWith(yamlOutputType?: YamlOutputType) {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'argocd-')), yamlOutputType });
  const shop = new Chart(app, 'shop');
  const ns = new ZeroTrustNamespace(shop, 'production');
  new WebApp(shop, 'api', { namespace: ns, image: 'ghcr.io/acme/api:1.0.0', containerPort: 3000 });
  const argocd = new Chart(app, 'argocd');
  return { app, shop, argocd };
}

function application(chart: Chart, id: string, props: Partial<ArgoCdApplicationProps> = {}): ArgoCdApplication {
  return new ArgoCdApplication(chart, id, { repoURL: REPO, path: 'dist', ...props });
}

function synthOne(chart: Chart): any[] {
  const objects = Testing.synth(chart);
  objects.forEach(validateManifest);
  return objects;
}

describe('ArgoCdApplication', () => {
  test('defaults: in-cluster, automated prune and self-heal, no namespace creation, its own file left out', () => {
    const { argocd } = appWith();
    application(argocd, 'shop');
    const [app] = synthOne(argocd);
    expect(app).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'shop', namespace: 'argocd', annotations: { 'argocd.argoproj.io/sync-wave': '0' } },
      spec: {
        project: 'default',
        source: { repoURL: REPO, targetRevision: 'HEAD', path: 'dist', directory: { include: '*.k8s.yaml', exclude: 'argocd.k8s.yaml' } },
        destination: { server: 'https://kubernetes.default.svc' },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ['CreateNamespace=false', 'PruneLast=true'],
        },
      },
    });
  });

  test('the example app includes an Application that leaves out its own file, valid against the Argo CD schema', () => {
    const out = synth(buildApp(testApp()));
    const app = find(out.objects, 'Application', 'example', 'argocd');
    expect(app.spec.source.directory).toEqual({ include: '*.k8s.yaml', exclude: 'argocd.k8s.yaml' });
    expect(Object.keys(out.files)).toContain('argocd.k8s.yaml');
    // Nothing but Argo CD objects in the excluded file, and none anywhere else.
    expect(out.files['argocd.k8s.yaml']).not.toMatch(/^kind: (?!Application)/m);
    for (const [file, text] of Object.entries(out.files)) {
      if (file !== 'argocd.k8s.yaml') expect(text).not.toContain('argoproj.io/v1alpha1');
    }
  });

  test('a chart namespace does not move the Application out of its namespace', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'argocd', { namespace: 'workloads' });
    application(chart, 'shop', { namespace: 'gitops' });
    application(chart, 'other');
    const objects = synthOne(chart);
    expect(objects.map((o) => o.metadata.namespace)).toEqual(['gitops', 'argocd']);
  });

  test('options: revision, project, destination by name, manual sync, extra sync options, cascade delete', () => {
    const { argocd } = appWith();
    application(argocd, 'shop', {
      name: 'shop-eu', targetRevision: 'v1.2.0', project: 'platform',
      destination: { name: 'eu-west', namespace: 'production' },
      autoSync: false, pruneLast: false, syncOptions: ['ServerSideApply=true', 'CreateNamespace=false'],
      cascadeDelete: true,
    });
    const [app] = synthOne(argocd);
    expect(app.metadata.name).toBe('shop-eu');
    expect(app.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    expect(app.spec.project).toBe('platform');
    expect(app.spec.source.targetRevision).toBe('v1.2.0');
    expect(app.spec.destination).toEqual({ name: 'eu-west', namespace: 'production' });
    expect(app.spec.syncPolicy).toEqual({ syncOptions: ['ServerSideApply=true', 'CreateNamespace=false'] });
  });

  test('prune and self-heal can be turned off one by one', () => {
    const { argocd } = appWith();
    application(argocd, 'shop', { prune: false, selfHeal: false });
    const [app] = synthOne(argocd);
    expect(app.spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: false });
  });

  test('charts: only the chosen charts, by file', () => {
    const { argocd, shop } = appWith();
    application(argocd, 'shop', { charts: [shop] });
    const [app] = synthOne(argocd);
    expect(app.spec.source.directory).toEqual({ include: 'shop.k8s.yaml' });
  });

  test('folder per chart: recursion, and folders or files named as cdk8s writes them', () => {
    const { app, argocd, shop } = appWith(YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE);
    const all = application(argocd, 'all');
    application(argocd, 'shop', { charts: [shop, argocd] });
    const objects = synth(app).objects;
    const byName = (n: string) => find(objects, 'Application', n, 'argocd');
    expect(byName('all').spec.source.directory).toEqual({
      recurse: true, include: '*.k8s.yaml', exclude: '{argocd/Application.all.k8s.yaml,argocd/Application.shop.k8s.yaml}',
    });
    expect(byName('shop').spec.source.directory).toEqual({ recurse: true, include: '{argocd/*,shop/*}' });
    // The excluded paths are the files cdk8s wrote.
    for (const f of ['argocd/Application.all.k8s.yaml', 'argocd/Application.shop.k8s.yaml']) {
      expect(fs.existsSync(path.join(app.outdir, f))).toBe(true);
    }
    expect(all.apiObject.kind).toBe('Application');
  });

  test('file per resource: the Argo CD objects\' files are left out', () => {
    const { app, argocd } = appWith(YamlOutputType.FILE_PER_RESOURCE);
    application(argocd, 'shop');
    const out = synth(app);
    const spec = find(out.objects, 'Application', 'shop').spec;
    expect(spec.source.directory).toEqual({ include: '*.k8s.yaml', exclude: 'Application.shop.k8s.yaml' });
    expect(Object.keys(out.files)).toContain('Application.shop.k8s.yaml');
  });

  test('charts that depend on each other: the numbered file names cdk8s writes', () => {
    const { app, argocd, shop } = appWith();
    argocd.addDependency(shop);
    application(argocd, 'shop', { charts: [shop] });
    application(argocd, 'rest');
    const out = synth(app);
    expect(Object.keys(out.files).sort()).toEqual(['0000-shop.k8s.yaml', '0001-argocd.k8s.yaml']);
    expect(find(out.objects, 'Application', 'shop').spec.source.directory).toEqual({ include: '0000-shop.k8s.yaml' });
    expect(find(out.objects, 'Application', 'rest').spec.source.directory).toEqual({ include: '*.k8s.yaml', exclude: '0001-argocd.k8s.yaml' });
  });

  test('app of apps: a bootstrap Application syncs the chart of Applications; the children leave both out', () => {
    const { app, argocd } = appWith();
    const bootstrap = new Chart(app, 'bootstrap');
    application(bootstrap, 'root', { charts: [argocd], destination: { namespace: 'argocd' } });
    application(argocd, 'shop');
    const out = synth(app);
    const root = find(out.objects, 'Application', 'root');
    expect(root.spec.source.directory).toEqual({ include: 'argocd.k8s.yaml' });
    expect(root.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'argocd' });
    expect(find(out.objects, 'Application', 'shop').spec.source.directory).toEqual({ include: '*.k8s.yaml', exclude: '{argocd.k8s.yaml,bootstrap.k8s.yaml}' });
  });

  test('kustomize: no directory options', () => {
    const { argocd } = appWith();
    application(argocd, 'shop', { kustomize: true });
    const [app] = synthOne(argocd);
    expect(app.spec.source).toEqual({ repoURL: REPO, targetRevision: 'HEAD', path: 'dist' });
  });

  test('refuses CreateNamespace=true and says why', () => {
    const { argocd } = appWith();
    expect(() => application(argocd, 'shop', { syncOptions: ['CreateNamespace=true'] })).toThrow(
      'argocd/shop: syncOptions[0] "CreateNamespace=true" is invalid: must not create namespaces: ZeroTrustNamespace emits each Namespace with its Pod Security labels, default-deny and DNS policies',
    );
  });

  test('refuses Argo CD objects in the same file as the objects they deploy', () => {
    const app = testApp();
    const chart = new Chart(app, 'everything');
    new ZeroTrustNamespace(chart, 'production');
    application(chart, 'shop');
    expect(() => app.synth()).toThrow(
      'everything/shop: chart "everything" is invalid: holds Argo CD objects and other objects (Namespace production) in one file; put the Argo CD objects in a chart of their own',
    );
  });

  test('refuses a layout that writes everything into one file', () => {
    const { argocd } = appWith(YamlOutputType.FILE_PER_APP);
    expect(() => application(argocd, 'shop')).toThrow('argocd/shop: path "dist" is invalid: cannot be split by chart: YamlOutputType.FILE_PER_APP');
    // With kustomize, Argo CD reads the kustomization.yaml, not file names: one file is fine.
    application(argocd, 'kustomized', { kustomize: true });
    const [kustomized] = synthOne(argocd);
    expect(kustomized.spec.source).toEqual({ repoURL: REPO, targetRevision: 'HEAD', path: 'dist' });
  });

  test.each<[string, Partial<ArgoCdApplicationProps>, string]>([
    ['name', { name: 'Shop_App' }, 'argocd/x: name "Shop_App" is invalid: must be a DNS-1123 subdomain'],
    ['name length', { name: `${'a'.repeat(30)}.${'b'.repeat(40)}` }, 'is invalid: must be at most 63 characters: Argo CD\'s tracking label'],
    ['namespace', { namespace: 'Argo' }, 'argocd/x: namespace "Argo" is invalid: must be a DNS-1123 label'],
    ['empty repoURL', { repoURL: '' }, 'argocd/x: repoURL "" is invalid: must be a non-empty Git URL without whitespace'],
    ['repoURL', { repoURL: 'github.com/acme/platform' }, 'argocd/x: repoURL "github.com/acme/platform" is invalid: must be a Git repository URL'],
    ['targetRevision', { targetRevision: 'main branch' }, 'argocd/x: targetRevision "main branch" is invalid: must be a branch, tag or commit without whitespace'],
    ['absolute path', { path: '/dist' }, 'argocd/x: path "/dist" is invalid: must be relative to the repository root'],
    ['path outside', { path: 'deploy/../../dist' }, 'argocd/x: path "deploy/../../dist" is invalid: must stay inside the repository'],
    ['empty path', { path: '' }, 'argocd/x: path "" is invalid: must be a non-empty folder'],
    ['project', { project: 'My Project' }, 'argocd/x: project "My Project" is invalid: must be a DNS-1123 subdomain'],
    ['both clusters', { destination: { server: 'https://a.example', name: 'a' } }, 'argocd/x: destination {"server":"https://a.example","name":"a"} is invalid: must give the cluster by server or by name, not both'],
    ['server', { destination: { server: 'kubernetes.default.svc' } }, 'argocd/x: destination.server "kubernetes.default.svc" is invalid: must be a cluster API server URL'],
    ['destination namespace', { destination: { namespace: 'Prod' } }, 'argocd/x: destination.namespace "Prod" is invalid'],
    ['prune without automation', { autoSync: false, prune: true }, 'argocd/x: prune true is invalid: only applies to automated sync'],
    ['sync option', { syncOptions: ['Prune'] }, 'argocd/x: syncOptions[0] "Prune" is invalid: must be NAME=VALUE'],
    ['PruneLast twice', { pruneLast: true, syncOptions: ['PruneLast=false'] }, 'argocd/x: syncOptions[0] "PruneLast=false" is invalid: conflicts with the pruneLast property'],
    ['no charts', { charts: [] }, 'argocd/x: charts [] is invalid: must name at least one chart'],
  ])('validates %s', (_what, props, message) => {
    const { argocd } = appWith();
    expect(() => application(argocd, 'x', props)).toThrow(message);
  });

  test('refuses charts of another app and two Applications of one name', () => {
    const { argocd } = appWith();
    const other = new Chart(Testing.app(), 'other');
    expect(() => application(argocd, 'x', { charts: [other] })).toThrow('argocd/x: charts[0] "other" is invalid: must belong to the same cdk8s App');
    application(argocd, 'a', { name: 'shop' });
    expect(() => application(argocd, 'b', { name: 'shop' })).toThrow('argocd/b: name "shop" is invalid: a Application named "shop" already exists in namespace "argocd"');
  });

  test('a trailing slash in the path is dropped', () => {
    const { argocd } = appWith();
    application(argocd, 'shop', { path: 'deploy/dist/' });
    expect(synthOne(argocd)[0].spec.source.path).toBe('deploy/dist');
  });
});

describe('ArgoCdApplicationSet', () => {
  test('list generator: one Application per cluster, named {{name}}-<app>', () => {
    const { argocd } = appWith();
    const set = new ArgoCdApplicationSet(argocd, 'shop', {
      repoURL: REPO, path: 'dist',
      generator: ClusterGenerator.list([
        { name: 'eu-west', server: 'https://eu-west.k8s.example' },
        { name: 'us-east', server: 'https://us-east.k8s.example' },
      ]),
    });
    expect(set.applicationNameTemplate).toBe('{{name}}-shop');
    const [obj] = synthOne(argocd);
    expect(obj).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: 'shop', namespace: 'argocd', annotations: { 'argocd.argoproj.io/sync-wave': '0' } },
      spec: {
        generators: [{
          list: {
            elements: [
              { name: 'eu-west', server: 'https://eu-west.k8s.example' },
              { name: 'us-east', server: 'https://us-east.k8s.example' },
            ],
          },
        }],
        template: {
          metadata: { name: '{{name}}-shop' },
          spec: {
            project: 'default',
            source: { repoURL: REPO, targetRevision: 'HEAD', path: 'dist', directory: { include: '*.k8s.yaml', exclude: 'argocd.k8s.yaml' } },
            destination: { server: '{{server}}' },
            syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=false', 'PruneLast=true'] },
          },
        },
      },
    });
  });

  test('cluster generator: clusters by label, named by nameNormalized', () => {
    const { argocd, shop } = appWith();
    new ArgoCdApplicationSet(argocd, 'fleet', {
      repoURL: REPO, path: 'dist', charts: [shop], applicationName: 'shop', destinationNamespace: 'production',
      generator: ClusterGenerator.selector({ tier: 'edge', env: 'prod' }), cascadeDelete: true,
    });
    new ArgoCdApplicationSet(argocd, 'everywhere', { repoURL: REPO, path: 'dist', generator: ClusterGenerator.selector() });
    const [fleet, everywhere] = synthOne(argocd);
    expect(fleet.spec.generators).toEqual([{ clusters: { selector: { matchLabels: { env: 'prod', tier: 'edge' } } } }]);
    expect(fleet.spec.template.metadata).toEqual({ name: '{{nameNormalized}}-shop', finalizers: ['resources-finalizer.argocd.argoproj.io'] });
    expect(fleet.spec.template.spec.destination).toEqual({ server: '{{server}}', namespace: 'production' });
    expect(fleet.spec.template.spec.source.directory).toEqual({ include: 'shop.k8s.yaml' });
    expect(everywhere.spec.generators).toEqual([{ clusters: {} }]);
  });

  test.each<[string, () => ClusterGenerator, string]>([
    ['no clusters', () => ClusterGenerator.list([]), 'argocd/x: generator clusters [] is invalid: must list at least one cluster'],
    ['cluster name', () => ClusterGenerator.list([{ name: 'EU', server: 'https://eu.example' }]), 'argocd/x: generator clusters[0].name "EU" is invalid'],
    ['generated name', () => ClusterGenerator.list([{ name: 'a'.repeat(62), server: 'https://eu.example' }]), `argocd/x: Application name for generator clusters[0] "${'a'.repeat(62)}-x" is invalid: must be at most 63 characters: Argo CD's tracking label app.kubernetes.io/instance holds it, got 64`],
    ['server', () => ClusterGenerator.list([{ name: 'eu', server: 'eu.example' }]), 'argocd/x: generator clusters[0].server "eu.example" is invalid'],
    ['duplicate', () => ClusterGenerator.list([{ name: 'eu', server: 'https://a.example' }, { name: 'eu', server: 'https://b.example' }]), 'argocd/x: generator clusters[1].name "eu" is invalid: must be unique'],
    ['labels', () => ClusterGenerator.selector({ 'env': 'prod value' }), 'argocd/x: generator matchLabels["env"] "prod value" is invalid'],
  ])('validates %s', (_what, generator, message) => {
    const { argocd } = appWith();
    expect(() => new ArgoCdApplicationSet(argocd, 'x', { repoURL: REPO, path: 'dist', generator: generator() })).toThrow(message);
  });

  test('refuses CreateNamespace=true too', () => {
    const { argocd } = appWith();
    expect(() => new ArgoCdApplicationSet(argocd, 'x', {
      repoURL: REPO, path: 'dist', generator: ClusterGenerator.selector(), syncOptions: ['CreateNamespace=true'],
    })).toThrow('argocd/x: syncOptions[0] "CreateNamespace=true" is invalid: must not create namespaces');
  });
});

describe('schema validation has teeth', () => {
  test('an Application without a destination fails the Argo CD schema', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new ApiObject(chart, 'bad', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'bad' }, spec: { project: 'default' } });
    const [obj] = Testing.synth(chart);
    expect(() => validateManifest(obj)).toThrow(/Application \/bad fails schema validation/);
    expect(ofKind([obj], 'Application')).toHaveLength(1);
  });
});
