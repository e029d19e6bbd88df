/**
 * The library is a real npm package: pack it, install the tarball into a fresh cdk8s project
 * outside the repository, type-check and synthesize a small app there, and check the output.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OPEN_LEDGER_POLICY, synthShop } from './cli.fixtures';
import { readOutput } from './util';

const ROOT = path.join(__dirname, '..');
const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });

describe('the packed package', () => {
  let work: string;
  let project: string;
  let listing: string;

  // Pack and install once (the slow part); the tests below share the project.
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-networking-pack-'));
    // `npm pack` runs `prepack` (the build) and prints the tarball name last.
    const tarball = run('npm', ['pack', '--silent', '--pack-destination', work], ROOT).trim().split('\n').pop()!;
    listing = run('tar', ['-tzf', path.join(work, tarball)], work);
    project = path.join(work, 'project');
    fs.mkdirSync(project);
    const own = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({
      name: 'user-project', version: '1.0.0', private: true,
      dependencies: { 'cdk8s': own.dependencies.cdk8s, 'constructs': own.dependencies.constructs, 'cdk8s-plus-27': own.dependencies['cdk8s-plus-27'] },
    }, null, 2));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(work, tarball)], project);
  }, 300000);

  test('installs into a fresh cdk8s project and synthesizes with types', () => {
    expect(listing).toContain('package/build/index.js');
    expect(listing).toContain('package/build/index.d.ts');
    expect(listing).toContain('package/build/cli/main.js');
    expect(listing).not.toContain('package/lib/');
    expect(listing).not.toContain('package/test/');

    fs.writeFileSync(path.join(project, 'main.ts'), [
      "import { App, Chart } from 'cdk8s';",
      "import { WebApp, ZeroTrustNamespace } from 'cdk8s-networking';",
      "const app = new App({ outdir: 'dist' });",
      "const chart = new Chart(app, 'user');",
      "const ns = new ZeroTrustNamespace(chart, 'team-a');",
      "const api = new WebApp(chart, 'api', { namespace: ns, image: 'ghcr.io/acme/api:1.0.0', containerPort: 3000 });",
      "const web = new WebApp(chart, 'web', { namespace: ns, image: 'ghcr.io/acme/web:1.0.0', containerPort: 8080, env: { API_URL: api.url } });",
      'api.allowFrom(web);',
      'const url: string = api.url;',
      'console.log(url);',
      'app.synth();',
    ].join('\n'));
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, esModuleInterop: true, skipLibCheck: false, types: [] },
      files: ['main.ts'],
    }));
    // Type-check and compile with the repository's TypeScript against the installed .d.ts files.
    run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], project);
    const printed = run(process.execPath, ['main.js'], project);
    expect(printed.trim()).toBe('http://api.team-a.svc.cluster.local');

    const { objects } = readOutput(path.join(project, 'dist'));
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(kinds).toEqual([
      'Deployment/api', 'Deployment/web', 'Namespace/team-a',
      'NetworkPolicy/allow-dns-egress', 'NetworkPolicy/allow-web-egress-to-api', 'NetworkPolicy/allow-web-to-api', 'NetworkPolicy/default-deny',
      'Service/api', 'Service/web',
    ]);
  }, 300000);

  test('the packed bin classifies each kind of change between outputs of real programs', () => {
    const bin = path.join(project, 'node_modules', '.bin', 'cdk8s-networking');
    const diff = (head: string, ...flags: string[]) => {
      const r = spawnSync(bin, ['diff', base, head, '--json', ...flags], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      return { code: r.status, ...JSON.parse(r.stdout) };
    };
    const base = synthShop();
    const [web, api, ledger] = ['production/Deployment/web', 'production/Deployment/api', 'payments/Deployment/ledger'];
    expect(diff(synthShop()).code).toBe(0);

    const added = diff(synthShop({ addFlow: true }));
    expect(added.code).toBe(1);
    expect(added.opened).toEqual([expect.objectContaining({ from: web, to: ledger, ports: ['TCP 9000'], calls: ['shop/ledger.allowFrom(production/web)'] })]);

    const removed = diff(synthShop({ removeFlow: true }), '--fail-on', 'opened');
    expect(removed.code).toBe(0);
    expect(removed.closed).toEqual([expect.objectContaining({ from: api, to: ledger, ports: ['TCP 9000'] })]);

    const ported = diff(synthShop({ apiPort: 3001 }));
    expect(ported.changed).toEqual([expect.objectContaining({ from: web, to: api, before: ['TCP 3000'], ports: ['TCP 3001'] })]);

    const handWritten = synthShop();
    fs.writeFileSync(path.join(handWritten, 'open-ledger.yaml'), OPEN_LEDGER_POLICY);
    const widened = diff(handWritten, '--fail-on', 'exposure');
    expect(widened.code).toBe(1);
    expect(widened.exposure.widened.map((w: any) => w.workload)).toEqual([ledger]);

    const insecure = diff(synthShop({ noTls: true }), '--fail-on', 'tls-off');
    expect(insecure.code).toBe(1);
    expect(insecure.entryPoints.changed).toEqual([expect.objectContaining({ tlsOff: true, changes: ['tls on -> off'] })]);
  }, 120000);

  test('ships the cdk8s-networking command: diff --base synthesizes the Git ref, explain and analyze run from the bin', () => {
    const bin = path.join(project, 'node_modules', '.bin', 'cdk8s-networking');
    const cli = (args: string[], cwd: string) => {
      const r = spawnSync(bin, args, { cwd, encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const repo = path.join(project, 'review');
    fs.mkdirSync(repo);
    const git = (...args: string[]) => run('git', args, repo);
    fs.writeFileSync(path.join(repo, 'cdk8s.yaml'), 'language: typescript\napp: node shop.js\noutput: dist\n');
    fs.writeFileSync(path.join(repo, '.gitignore'), 'dist/\n');
    fs.writeFileSync(path.join(repo, 'shop.js'), shopProgram({ addFlow: false, tls: true }));
    git('init', '-q');
    git('config', 'user.email', 'test@example.com');
    git('config', 'user.name', 'test');
    git('add', '-A');
    git('commit', '-qm', 'base');
    // The pull request: web may now call the ledger, and the gateway lost TLS.
    fs.writeFileSync(path.join(repo, 'shop.js'), shopProgram({ addFlow: true, tls: false }));
    run(process.execPath, ['shop.js'], repo);

    // dist/ is not committed: the base is synthesized from HEAD in a temporary worktree.
    const d = cli(['diff', '--base', 'HEAD', '--json'], repo);
    expect(d.stderr).toBe('');
    expect(d.code).toBe(1);
    const diff = JSON.parse(d.stdout);
    expect(diff.opened).toEqual([expect.objectContaining({ from: 'production/Deployment/web', to: 'payments/Deployment/ledger', ports: ['TCP 9000'] })]);
    expect(diff.entryPoints.changed).toEqual([expect.objectContaining({ tlsOff: true })]);
    expect(run('git', ['worktree', 'list'], repo).trim().split('\n')).toHaveLength(1);
    const md = cli(['diff', '--base', 'HEAD', '--fail-on', 'tls-off'], repo);
    expect(md.code).toBe(1);
    expect(md.stdout.split('\n')[0]).toMatch(/^\*\*Network changes: 1 flow opened, .*1 entry point without TLS/);

    const explained = cli(['explain', 'dist', 'production/web', 'payments/ledger', '9000'], repo);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toContain('allowed by payments/allow-production-web-to-ledger');
    // Two folders: the first side is read in a worker thread when the folders are large (here forced).
    const base = path.join(work, 'base-dist');
    fs.cpSync(path.join(repo, 'dist'), base, { recursive: true });
    fs.writeFileSync(path.join(repo, 'shop.js'), shopProgram({ addFlow: false, tls: true }));
    run(process.execPath, ['shop.js'], repo);
    const sequential = cli(['diff', 'dist', base, '--json'], repo);
    const r = spawnSync(bin, ['diff', 'dist', base, '--json'], { cwd: repo, encoding: 'utf8', env: { ...process.env, CDK8S_NETWORKING_PARALLEL_BYTES: '0' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(sequential.stdout);
    expect(JSON.parse(r.stdout).opened).toEqual([expect.objectContaining({ from: 'production/Deployment/web', to: 'payments/Deployment/ledger' })]);

    fs.writeFileSync(path.join(work, 'broken.yaml'), 'kind: [\n');
    const broken = cli(['analyze', path.join(work, 'broken.yaml')], repo);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('broken.yaml: document 1');
    expect(broken.stderr).not.toMatch(/\n\s+at /);
  }, 120000);
});

/** A plain-JS cdk8s program using the installed package: production/{web, api}, payments/ledger, a gateway. */
function shopProgram(options: { addFlow: boolean; tls: boolean }): string {
  return [
    "const { App, Chart } = require('cdk8s');",
    "const { ApiGateway, IngressController, Tls, WebApp, ZeroTrustNamespace } = require('cdk8s-networking');",
    'const app = new App();',
    "const chart = new Chart(app, 'shop');",
    "const prod = new ZeroTrustNamespace(chart, 'production');",
    "const payments = new ZeroTrustNamespace(chart, 'payments');",
    "const api = new WebApp(chart, 'api', { namespace: prod, image: 'ghcr.io/acme/api:1.0.0', containerPort: 3000 });",
    "const web = new WebApp(chart, 'web', { namespace: prod, image: 'ghcr.io/acme/web:1.0.0', containerPort: 8080 });",
    "const ledger = new WebApp(chart, 'ledger', { namespace: payments, image: 'ghcr.io/acme/ledger:1.0.0', containerPort: 9000 });",
    'api.allowFrom(web);',
    'ledger.allowFrom(api);',
    options.addFlow ? 'ledger.allowFrom(web);' : '',
    "new ApiGateway(chart, 'gateway', {",
    `  namespace: prod, controller: IngressController.nginx(), tls: ${options.tls ? "Tls.secret('shop-tls')" : 'Tls.none()'},`,
    "  routes: [{ host: 'shop.example.com', path: '/', backend: web }],",
    '});',
    'app.synth();',
  ].join('\n');
}
