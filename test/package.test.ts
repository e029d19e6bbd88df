/**
 * The library is a real npm package: pack it, install the tarball into a fresh cdk8s project
 * outside the repository, type-check and synthesize a small app there, and check the output.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readOutput } from './util';

const ROOT = path.join(__dirname, '..');
const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });

describe('the packed package', () => {
  test('installs into a fresh cdk8s project and synthesizes with types', () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-networking-pack-'));
    // `npm pack` runs `prepack` (the build) and prints the tarball name last.
    const tarball = run('npm', ['pack', '--silent', '--pack-destination', work], ROOT).trim().split('\n').pop()!;
    const listing = run('tar', ['-tzf', path.join(work, tarball)], work);
    expect(listing).toContain('package/build/index.js');
    expect(listing).toContain('package/build/index.d.ts');
    expect(listing).not.toContain('package/lib/');
    expect(listing).not.toContain('package/test/');

    const project = path.join(work, 'project');
    fs.mkdirSync(project);
    const own = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({
      name: 'user-project', version: '1.0.0', private: true,
      dependencies: { 'cdk8s': own.dependencies.cdk8s, 'constructs': own.dependencies.constructs, 'cdk8s-plus-27': own.dependencies['cdk8s-plus-27'] },
    }, null, 2));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(work, tarball)], project);

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
});
