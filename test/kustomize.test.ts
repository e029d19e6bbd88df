import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, YamlOutputType } from 'cdk8s';
import { ArgoCdApplication, KUSTOMIZATION_FILE, WebApp, writeKustomization, ZeroTrustNamespace } from '../lib';
import { buildApp } from '../apps/main';
import { ValidationError } from '../lib/util/errors';
import { parseYaml, readOutput, synthError, testApp } from './util';

/** `kubectl kustomize <dir>` as objects, or undefined (with a logged note) when kubectl is not installed. */
function kustomize(dir: string): any[] | undefined {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
     
    console.log(`kubectl is not on PATH: skipped the kubectl kustomize check of ${dir}`);
    return undefined;
  }
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${result.stderr}`);
  return parseYaml(result.stdout);
}

const key = (o: any) => `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
const byKey = (objects: any[]) => Object.fromEntries(objects.map((o) => [key(o), o]));
const isArgo = (o: any) => String(o.apiVersion).startsWith('argoproj.io/');

/** One chart per namespace, the layout the folder-per-chart output needs. */
function perNamespaceApp(yamlOutputType: YamlOutputType): App {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'kustomize-')), yamlOutputType });
  const prodChart = new Chart(app, 'production');
  const paymentsChart = new Chart(app, 'payments');
  const prod = new ZeroTrustNamespace(prodChart, 'production');
  const payments = new ZeroTrustNamespace(paymentsChart, 'payments');
  const ledger = new WebApp(paymentsChart, 'ledger', { namespace: payments, image: 'ghcr.io/acme/ledger:3', containerPort: 9000 });
  const api = new WebApp(prodChart, 'api', { namespace: prod, image: 'ghcr.io/acme/api:1', containerPort: 3000 });
  ledger.allowFrom(api);
  new ArgoCdApplication(new Chart(app, 'argocd'), 'platform', { repoURL: 'https://github.com/acme/platform.git', path: 'dist' });
  return app;
}

describe('kustomization', () => {
  test('lists every manifest but the Argo CD ones; kubectl kustomize yields exactly the synthesized objects', () => {
    const app = buildApp(testApp());
    app.synth();
    const synthesized = readOutput(app.outdir).objects.filter((o) => !isArgo(o));
    const resources = writeKustomization(app);
    expect(resources).toEqual(['seed.k8s.yaml', 'shop.k8s.yaml']);
    expect(fs.readFileSync(path.join(app.outdir, KUSTOMIZATION_FILE), 'utf8')).toBe([
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      '  - seed.k8s.yaml',
      '  - shop.k8s.yaml',
      '',
    ].join('\n'));
    const built = kustomize(app.outdir);
    if (built) {
      expect(Object.keys(byKey(built)).sort()).toEqual(Object.keys(byKey(synthesized)).sort());
      expect(byKey(built)).toEqual(byKey(synthesized));
    }
  });

  test('folder per chart: files in folders, and kubectl kustomize agrees', () => {
    const app = perNamespaceApp(YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE);
    app.synth();
    const synthesized = readOutput(app.outdir).objects.filter((o) => !isArgo(o));
    const resources = writeKustomization(app);
    expect(resources).toContain('production/NetworkPolicy.default-deny.k8s.yaml');
    expect(resources).toContain('payments/Namespace.payments.k8s.yaml');
    expect(resources.filter((r) => r.startsWith('argocd/'))).toEqual([]);
    expect(resources).toHaveLength(synthesized.length);
    const built = kustomize(app.outdir);
    if (built) expect(byKey(built)).toEqual(byKey(synthesized));
  });

  test('includeArgoCdObjects lists the Argo CD files too', () => {
    const app = buildApp(testApp());
    app.synth();
    expect(writeKustomization(app, { includeArgoCdObjects: true })).toEqual(['argocd.k8s.yaml', 'seed.k8s.yaml', 'shop.k8s.yaml']);
  });

  test('lists only what this synth wrote, not files left in the output folder', () => {
    const app = buildApp(testApp());
    // Left by an earlier synth of a chart since removed, and by something else in a subfolder.
    fs.writeFileSync(path.join(app.outdir, 'legacy.k8s.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stale\n');
    fs.mkdirSync(path.join(app.outdir, 'old'));
    fs.writeFileSync(path.join(app.outdir, 'old', 'Service.api.k8s.yaml'), 'apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n');
    app.synth();
    expect(writeKustomization(app)).toEqual(['seed.k8s.yaml', 'shop.k8s.yaml']);
    expect(fs.readFileSync(path.join(app.outdir, KUSTOMIZATION_FILE), 'utf8')).not.toMatch(/legacy|old\//);
  });

  test('names the files as cdk8s does: numbered charts when one depends on another, one file per resource', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'kustomize-')) });
    const base = new Chart(app, 'base');
    const apps = new Chart(app, 'apps');
    const prod = new ZeroTrustNamespace(base, 'production');
    new WebApp(apps, 'api', { namespace: prod, image: 'ghcr.io/acme/api:1', containerPort: 3000 });
    apps.addDependency(base);
    app.synth();
    const onDisk = Object.keys(readOutput(app.outdir).files).sort();
    expect(onDisk).toEqual(['0000-base.k8s.yaml', '0001-apps.k8s.yaml']);
    expect(writeKustomization(app)).toEqual(onDisk);

    // The numbers follow the dependencies, not the order the charts were created in.
    const reversed = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'kustomize-')) });
    const front = new Chart(reversed, 'front');
    const backend = new Chart(reversed, 'backend');
    new WebApp(front, 'web', { namespace: new ZeroTrustNamespace(backend, 'production'), image: 'ghcr.io/acme/web:1', containerPort: 8080 });
    front.addDependency(backend);
    reversed.synth();
    const written = Object.keys(readOutput(reversed.outdir).files).sort();
    expect(written).toEqual(['0000-backend.k8s.yaml', '0001-front.k8s.yaml']);
    expect(writeKustomization(reversed)).toEqual(written);

    const perResource = perNamespaceApp(YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE);
    perResource.synth();
    const files = Object.keys(readOutput(perResource.outdir).files).map((f) => f.split(path.sep).join('/')).sort();
    expect(writeKustomization(perResource, { includeArgoCdObjects: true })).toEqual(files);
  });

  test('refuses to run before synth (a stale output folder is no synth), and a file that mixes Argo CD objects with others', () => {
    const earlier = buildApp(testApp());
    earlier.synth();
    const before = buildApp(new App({ outdir: earlier.outdir }));
    const message = `${earlier.outdir}: writeKustomization(app) is invalid before app.synth(): it lists the manifests that synth wrote `
      + 'into the output folder (not the files it finds there); call app.synth() first';
    expect(() => writeKustomization(before)).toThrow(message);
    // A usage mistake: the house ValidationError, printed once without a stack trace when uncaught.
    expect(() => writeKustomization(before)).toThrow(ValidationError);
    before.synthYaml(); // writes nothing
    expect(() => writeKustomization(before)).toThrow(message);
    const never = buildApp(new App({ outdir: path.join(os.tmpdir(), `never-synthesized-${process.pid}`) }));
    expect(() => writeKustomization(never)).toThrow('is invalid before app.synth()');

    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'kustomize-')), yamlOutputType: YamlOutputType.FILE_PER_APP });
    const chart = new Chart(app, 'all');
    new ZeroTrustNamespace(chart, 'production');
    new ArgoCdApplication(chart, 'platform', { repoURL: 'https://github.com/acme/platform.git', path: 'dist', kustomize: true });
    app.synth();
    expect(() => writeKustomization(app)).toThrow('kustomization resource "app.k8s.yaml" is invalid: it holds Argo CD objects (Application platform) and other objects in one file');
  });

  test('refuses a manifest named like the kustomization file: it would be replaced by a kustomization listing itself', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'kustomize-')), outputFileExtension: '.yaml' });
    new ZeroTrustNamespace(new Chart(app, 'kustomization'), 'production');
    app.synth();
    const manifest = path.join(app.outdir, KUSTOMIZATION_FILE);
    expect(() => writeKustomization(app)).toThrow(`${manifest}: kustomization resource "kustomization.yaml" is invalid: it is the file `
      + 'writeKustomization(app) writes, so the manifest would be replaced by a kustomization listing itself; rename the chart (or choose another '
      + 'outputFileExtension)');
    expect(parseYaml(fs.readFileSync(manifest, 'utf8')).map((o) => o.kind)).toContain('Namespace');
  });
});

describe('output layout', () => {
  test('refuses a per-resource layout in which two objects would share a file', () => {
    const app = buildApp(new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'layout-')), yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE }));
    expect(() => app.synth()).toThrow(
      'shop/payments/DefaultDeny: NetworkPolicy name "default-deny" is invalid: is also the name of the NetworkPolicy at shop/production/DefaultDeny; '
      + 'YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE writes both to the file NetworkPolicy.default-deny.k8s.yaml of chart "shop" and only one would be kept. '
      + 'Put each namespace in its own chart, or use YamlOutputType.FILE_PER_CHART',
    );
  });

  test('file per resource collides across charts too', () => {
    const app = perNamespaceApp(YamlOutputType.FILE_PER_RESOURCE);
    expect(() => app.synth()).toThrow('payments/payments/DefaultDeny: NetworkPolicy name "default-deny" is invalid: is also the name of the NetworkPolicy at production/production/DefaultDeny');
  });

  test('one chart per namespace writes every object to its own file', () => {
    const app = perNamespaceApp(YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE);
    app.synth();
    const { files, objects } = readOutput(app.outdir);
    expect(Object.keys(files)).toHaveLength(objects.length);
    expect(Object.keys(files).filter((f) => f.startsWith('argocd/'))).toEqual(['argocd/Application.platform.k8s.yaml']);
  });
});

describe('several Apps of one program in one output folder', () => {
  /** An App with one zero-trust namespace and one app, named after its chart. */
  const team = (outdir: string, name: string): App => {
    const app = new App({ outdir });
    const chart = new Chart(app, name);
    const ns = new ZeroTrustNamespace(chart, name);
    new WebApp(chart, 'api', { namespace: ns, image: 'ghcr.io/acme/api:1.0.0', containerPort: 3000 });
    return app;
  };

  test('a second App that would leave the first\'s manifests beside its own fails synth, naming them; the folder keeps the first\'s report', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'two-apps-'));
    team(outdir, 'one').synth();
    const one = readOutput(outdir);
    const report = fs.readFileSync(path.join(outdir, 'network-report.json'), 'utf8');
    expect(synthError(team(outdir, 'two'))).toBe(`App: outdir ${JSON.stringify(outdir)} is invalid: another cdk8s App of this program `
      + 'synthesized into it, and its manifests (one.k8s.yaml) are still there. The checks, the flow verification and the network report '
      + 'of each App cover its own objects only, so the folder would hold objects never checked together, and its network report would '
      + 'describe this App\'s alone; give each App its own outdir (new App({ outdir: \'dist/<name>\' })), or put the charts in one App');
    expect(fs.readdirSync(outdir).sort()).toEqual(['network-report.json', 'network-report.md', 'one.k8s.yaml']);
    expect(fs.readFileSync(path.join(outdir, 'network-report.json'), 'utf8')).toBe(report);
    expect(one.objects.map((o) => o.metadata.namespace ?? o.metadata.name)).toContain('one');
  });

  test('no error when the second App replaces every file of the first, the first\'s files are gone, the App is the same, or the folders differ', () => {
    const same = fs.mkdtempSync(path.join(os.tmpdir(), 'two-apps-'));
    team(same, 'one').synth();
    team(same, 'one').synth(); // a fresh App with the same charts rewrites the same files (a test run, a watch loop)
    expect(readOutput(same).files).toEqual({ 'one.k8s.yaml': expect.any(String) });
    // The same App synthesized again after a chart was removed leaves that chart's file: its own, not another App's.
    const again = team(same, 'one');
    new Chart(again, 'extra');
    new ZeroTrustNamespace(again.node.findChild('extra') as Chart, 'extra');
    again.synth();
    again.node.tryRemoveChild('extra');
    again.synth();
    expect(Object.keys(readOutput(same).files).sort()).toEqual(['extra.k8s.yaml', 'one.k8s.yaml']);
    const gone = fs.mkdtempSync(path.join(os.tmpdir(), 'two-apps-'));
    team(gone, 'one').synth();
    fs.rmSync(path.join(gone, 'one.k8s.yaml'));
    team(gone, 'two').synth();
    expect(Object.keys(readOutput(gone).files)).toEqual(['two.k8s.yaml']);
    const apart = fs.mkdtempSync(path.join(os.tmpdir(), 'two-apps-'));
    team(path.join(apart, 'one'), 'one').synth();
    team(path.join(apart, 'two'), 'two').synth();
    expect(Object.keys(readOutput(apart).files).sort()).toEqual(['one/one.k8s.yaml', 'two/two.k8s.yaml']);
  });

  test('synthYaml() writes nothing, so it neither fails nor records', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'two-apps-'));
    team(outdir, 'one').synth();
    expect(team(outdir, 'two').synthYaml()).toContain('name: two');
  });
});
