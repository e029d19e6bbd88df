/**
 * The library as users get it: `npm pack`, then the tarball installed into fresh consumer projects
 * outside the repository, one per kind of project the library supports:
 *
 * - (a) `template`: laid out like today's `cdk8s init typescript-app` (cdk8s-plus-33, the template's
 *   strict tsconfig, typescript, ts-node and `@types/node@14`, `app: npx ts-node main.ts`);
 * - (b) `plus-27`: cdk8s-plus-27 on the cdk8s and constructs the repository tests with;
 * - (c) `oldest`: the oldest cdk8s, constructs and cdk8s-plus-27 that the peer ranges admit.
 *
 * In each: one copy of cdk8s, constructs and the project's cdk8s-plus (cdk8s-plus-27 is an optional
 * peer: the template project gets no second cdk8s-plus), `tsc` type-checks the README tutorial and a
 * `Peer.workload()` of the project's own cdk8s-plus workloads (a Job among them), the installed
 * `cdk8s-networking/register` hook synthesizes them, and every object is schema-validated.
 * The installs run in parallel and from the npm cache (`--prefer-offline`).
 */
import { execFile, execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { handWrittenShop, OPEN_LEDGER_POLICY, RULES, synthShop } from './cli.fixtures';
import { find, ofKind, readOutput } from './util';

// The installs come from the npm cache, but a cold cache or a busy machine takes its time.
jest.setTimeout(300000);

const ROOT = path.join(__dirname, '..');
const own = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const ENV: NodeJS.ProcessEnv = { ...process.env, CDK8S_CHECK_UPGRADE: 'false', npm_config_update_notifier: 'false' };
delete ENV.CDK8S_OUTDIR;
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const CDK8S_CLI = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = ENV) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env });
const runAsync = promisify(execFile);

/** The lowest version a `^x.y.z` peer range admits. */
const floor = (range: string) => {
  const m = /^\^(\d+\.\d+\.\d+)$/.exec(range);
  if (!m) throw new Error(`peer range ${range} is not of the form ^x.y.z`);
  return m[1];
};
const peers: Record<string, string> = own.peerDependencies;
const dev: Record<string, string> = own.devDependencies;

interface Consumer {
  readonly name: string;
  /** The cdk8s-plus the project's own workloads use. */
  readonly plus: 'cdk8s-plus-27' | 'cdk8s-plus-33';
  /** What `npm install` adds besides the tarball. */
  readonly deps: readonly string[];
  readonly tsconfig: object;
}

const STRICT = { target: 'ES2022', module: 'commonjs', strict: true, esModuleInterop: true, skipLibCheck: false, types: [] };
const CONSUMERS: readonly Consumer[] = [
  {
    name: 'template',
    plus: 'cdk8s-plus-33',
    deps: [`cdk8s@${dev.cdk8s}`, `constructs@${dev.constructs}`, 'cdk8s-plus-33@2.5.57',
      `typescript@${require('typescript/package.json').version}`, 'ts-node@10.9.2', '@types/node@^14'],
    // `cdk8s init typescript-app`'s tsconfig.json, as the template writes it.
    tsconfig: JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'tsconfig.json'), 'utf8')),
  },
  {
    name: 'plus-27', plus: 'cdk8s-plus-27', deps: [`cdk8s@${dev.cdk8s}`, `constructs@${dev.constructs}`, `cdk8s-plus-27@${dev['cdk8s-plus-27']}`],
    // The versions the library is built against: its .d.ts files were checked by the build itself.
    tsconfig: { compilerOptions: { ...STRICT, skipLibCheck: true } },
  },
  {
    name: 'oldest', plus: 'cdk8s-plus-27',
    deps: [`cdk8s@${floor(peers.cdk8s)}`, `constructs@${floor(peers.constructs)}`, `cdk8s-plus-27@${floor(peers['cdk8s-plus-27'])}`],
    tsconfig: { compilerOptions: STRICT },
  },
];

/** The README tutorial's programs (its ```ts blocks up to the next top-level section). */
function tutorial(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Tutorial');
  const end = readme.indexOf('\n## ', start + 1);
  const blocks = [...readme.slice(start, end).matchAll(/^```ts\s*\n([\s\S]*?)^```/gm)].map((m) => m[1]);
  if (blocks.length < 3) throw new Error(`expected the README tutorial's programs, found ${blocks.length}`);
  return blocks;
}

/**
 * A program with the project's own cdk8s-plus workloads as peers, and container and pod fields
 * typed with the project's own cdk8s-plus (converted by it: the library brings none).
 */
const workloadProgram = (plus: string) => `
import { App, Chart } from 'cdk8s';
import * as kplus from '${plus}';
import * as k8s from '${plus}/lib/imports/k8s';
import { Peer, Port, WebApp, ZeroTrustNamespace } from 'cdk8s-networking';

const app = new App();
const chart = new Chart(app, 'workloads');
const prod = new ZeroTrustNamespace(chart, 'production');
const container: Partial<k8s.Container> = { volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] };
const podSpec: Partial<k8s.PodSpec> = { volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }], hostIpc: false };
const api = new WebApp(chart, 'api', { namespace: prod, image: 'ghcr.io/acme/api:1.4.2', containerPort: 3000, container, podSpec });

const cache = new kplus.Deployment(chart, 'cache', {
  metadata: { name: 'cache', namespace: 'production' },
  containers: [{ image: 'redis:7.4', portNumber: 6379, securityContext: { ensureNonRoot: true } }],
});
const dns = new kplus.DaemonSet(chart, 'resolver', {
  metadata: { name: 'resolver', namespace: 'production' },
  containers: [{ image: 'coredns/coredns:1.11.1', ports: [{ number: 53, protocol: kplus.Protocol.UDP }], securityContext: { ensureNonRoot: true } }],
});
// A Job has no selector (cdk8s-plus builds it with select: false): its pod template's labels select its pods.
const migrate = new kplus.Job(chart, 'migrate', {
  metadata: { name: 'migrate', namespace: 'production' },
  containers: [{ image: 'ghcr.io/acme/migrate:1', securityContext: { ensureNonRoot: true } }],
});
api.allowTo(Peer.workload(cache));
api.allowTo(Peer.workload(dns));
api.allowFrom(Peer.workload(cache), { ports: [Port.tcp(3000)] });
api.allowFrom(Peer.workload(migrate));
app.synth();
`;

/** Runs every program of the project in one process, each into its own outdir (JavaScript: tsc leaves it alone). */
const RUNNER = `
const path = require('path');
for (const name of process.argv.slice(2)) {
  process.env.CDK8S_OUTDIR = path.join('out', name);
  require('./' + name);
}
`;

let work: string;
let tarball: string;
const installs = new Map<string, Promise<string>>();

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-networking-pack-'));
  // `npm pack` runs `prepack` (the build) and prints the tarball name last.
  tarball = path.join(work, run('npm', ['pack', '--silent', '--pack-destination', work], ROOT).trim().split('\n').pop()!);
  const programs = tutorial();
  for (const c of CONSUMERS) {
    const dir = path.join(work, c.name);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `consumer-${c.name}`, version: '1.0.0', private: true }, null, 2));
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ ...c.tsconfig, include: ['**/*.ts'], exclude: ['node_modules'] }, null, 2));
    // The tutorial's cdk8s-plus workloads, with the project's own cdk8s-plus (the README uses cdk8s-plus-27).
    programs.forEach((code, i) => fs.writeFileSync(path.join(dir, `tutorial-${i + 1}.ts`), code.replace(/'cdk8s-plus-27'/g, `'${c.plus}'`)));
    fs.writeFileSync(path.join(dir, 'workloads.ts'), workloadProgram(c.plus));
    fs.writeFileSync(path.join(dir, 'run.js'), RUNNER);
    // Started here, awaited by the tests: the three installs share the machine's npm cache.
    const install = runAsync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...c.deps, tarball], { cwd: dir, env: ENV, encoding: 'utf8' })
      .then(() => dir, (e) => { throw new Error(`npm install in ${c.name} failed: ${e.stderr || e.message}`); });
    install.catch(() => undefined); // reported by the tests that await it
    installs.set(c.name, install);
  }
}, 120000);

describe('the packed tarball', () => {
  test('holds the compiled library, its types, the register hook and the docs, nothing else', () => {
    const listing = run('tar', ['-tzf', tarball], work).trim().split('\n').sort();
    expect(listing).toContain('package/build/index.js');
    expect(listing).toContain('package/build/index.d.ts');
    expect(listing).toContain('package/register.js');
    expect(listing).toContain('package/build/cli/main.js');
    const unexpected = listing.filter((f) => !/^package\/(build\/.+\.(js|d\.ts)|register\.js|README\.md|CHANGELOG\.md|LICENSE|package\.json)$/.test(f));
    expect(unexpected).toEqual([]);
    // The network map's browser assets, copied at build (scripts/copy-assets.js): the page script and Cytoscape.js.
    const assets = ['package/build/report/html/map.js', 'package/build/report/html/cytoscape.min.js'];
    expect(listing).toEqual(expect.arrayContaining(assets));
    // Every other compiled file comes from a source file: nothing stale from an earlier build.
    const stale = listing.filter((f) => f.endsWith('.js') && f.startsWith('package/build/') && !assets.includes(f))
      .filter((f) => !fs.existsSync(path.join(ROOT, 'lib', f.slice('package/build/'.length).replace(/\.js$/, '.ts'))));
    expect(stale).toEqual([]);
  });

  test('declares cdk8s, constructs and cdk8s-plus-27 as peers, not as dependencies', () => {
    const packed = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json'], work));
    expect(Object.keys(packed.peerDependencies).sort()).toEqual(['cdk8s', 'cdk8s-plus-27', 'constructs']);
    // The library runs without cdk8s-plus-27: a project on cdk8s-plus-33 gets no second cdk8s-plus.
    expect(packed.peerDependenciesMeta).toEqual({ 'cdk8s-plus-27': { optional: true } });
    for (const name of ['cdk8s', 'constructs', 'cdk8s-plus-27']) expect(packed.dependencies?.[name]).toBeUndefined();
  });
});

test('no class of the library has a method that constructs 10.3.0 refuses on a construct (the oldest peer range)', () => {
  // constructs <= 10.3.0 throw at synth for a construct with any of these methods (the cdk8s 1 construct API).
  const refused = ['validate', 'onValidate', 'synthesize', 'onSynthesize', 'prepare', 'onPrepare'];
  const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
  const methods = new RegExp(`^\\s+(?:public |private |protected )?(?:static )?(${refused.join('|')})\\(`, 'gm');
  const found = files(path.join(ROOT, 'lib')).flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(methods)]
    .map((m) => `${path.relative(ROOT, f)}: ${m[1]}()`));
  expect(found).toEqual([]);
});

describe.each(CONSUMERS.map((c) => [c.name, c] as const))('consumer project %s', (name, c) => {
  const dir = () => installs.get(name)!;

  test('installs one copy of cdk8s, constructs and the project\'s own cdk8s-plus (no copy nested under the library, no second cdk8s-plus)', async () => {
    const project = await dir();
    for (const dep of ['cdk8s', 'constructs', c.plus]) {
      expect(fs.existsSync(path.join(project, 'node_modules', dep, 'package.json'))).toBe(true);
      expect(fs.existsSync(path.join(project, 'node_modules', 'cdk8s-networking', 'node_modules', dep))).toBe(false);
    }
    // cdk8s-plus-27 is an optional peer: npm does not add it to a project on another cdk8s-plus.
    const plusPackages = fs.readdirSync(path.join(project, 'node_modules')).filter((d) => d.startsWith('cdk8s-plus-'));
    expect(plusPackages).toEqual([c.plus]);
    const installed = (dep: string) => JSON.parse(fs.readFileSync(path.join(project, 'node_modules', dep, 'package.json'), 'utf8')).version;
    if (name === 'oldest') {
      expect(installed('cdk8s')).toBe(floor(peers.cdk8s));
      expect(installed('constructs')).toBe(floor(peers.constructs));
      expect(installed('cdk8s-plus-27')).toBe(floor(peers['cdk8s-plus-27']));
    }
  });

  test('type-checks the tutorial and the workload peers with tsc', async () => {
    const project = await dir();
    // The template has its own typescript; the others use the repository's.
    const tsc = c.name === 'template' ? path.join(project, 'node_modules', 'typescript', 'bin', 'tsc') : TSC;
    try {
      run(process.execPath, [tsc, '--noEmit', '-p', 'tsconfig.json'], project);
    } catch (e) {
      throw new Error(`tsc failed in ${name}:\n${(e as { stdout?: string }).stdout}`, { cause: e });
    }
  });

  test('synthesizes them with `node -r cdk8s-networking/register`, into valid objects', async () => {
    const project = await dir();
    const programs = fs.readdirSync(project).filter((f) => /^(tutorial-\d+|workloads)\.ts$/.test(f)).map((f) => f.replace(/\.ts$/, ''));
    run(process.execPath, ['-r', 'cdk8s-networking/register', 'run.js', ...programs], project);

    const first = readOutput(path.join(project, 'out', 'tutorial-1')).objects;
    expect(first.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Deployment/api', 'Deployment/frontend', 'Namespace/production',
      'NetworkPolicy/allow-dns-egress', 'NetworkPolicy/allow-frontend-egress-to-api', 'NetworkPolicy/allow-frontend-to-api', 'NetworkPolicy/default-deny',
      'Service/api', 'Service/frontend',
    ]);
    expect(find(first, 'Deployment', 'frontend').spec.template.spec.containers[0].env)
      .toEqual([{ name: 'API_URL', value: 'http://api.production.svc.cluster.local' }]);
    for (const p of programs) expect(readOutput(path.join(project, 'out', p)).objects.length).toBeGreaterThan(0);

    // The project's own cdk8s-plus workloads: selected by their own selector labels, on their own ports and protocols.
    const objects = readOutput(path.join(project, 'out', 'workloads')).objects;
    const selector = (kind: string, n: string) => find(objects, kind, n).spec.selector.matchLabels;
    expect(Object.keys(selector('Deployment', 'cache')).length).toBeGreaterThan(0);
    const policy = (n: string) => find(objects, 'NetworkPolicy', n).spec;
    expect(policy('allow-api-egress-to-cache').egress).toEqual([{ to: [{ podSelector: { matchLabels: selector('Deployment', 'cache') } }], ports: [{ port: 6379 }] }]);
    expect(policy('allow-api-to-cache')).toEqual({
      podSelector: { matchLabels: selector('Deployment', 'cache') }, policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 6379 }] }],
    });
    expect(policy('allow-api-egress-to-resolver').egress).toEqual([
      { to: [{ podSelector: { matchLabels: selector('DaemonSet', 'resolver') } }], ports: [{ protocol: 'UDP', port: 53 }] },
    ]);
    expect(policy('allow-cache-to-api').ingress).toEqual([{ from: [{ podSelector: { matchLabels: selector('Deployment', 'cache') } }], ports: [{ port: 3000 }] }]);
    const jobLabels = find(objects, 'Job', 'migrate').spec.template.metadata.labels;
    expect(Object.keys(jobLabels)).toEqual(['cdk8s.io/metadata.addr']);
    expect(policy('allow-migrate-to-api').ingress).toEqual([{ from: [{ podSelector: { matchLabels: jobLabels } }], ports: [{ port: 3000 }] }]);
    expect(policy('allow-migrate-egress-to-api').podSelector).toEqual({ matchLabels: jobLabels });
    expect(ofKind(objects, 'NetworkPolicy').length).toBe(10);
    // Container and pod fields typed with the project's cdk8s-plus, converted to Kubernetes JSON.
    const pod = find(objects, 'Deployment', 'api').spec.template.spec;
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    expect(pod.hostIPC).toBe(false);
  });
});

describe('consumer project template, through the cdk8s CLI', () => {
  test('`cdk8s synth` with the template\'s `npx ts-node main.ts` and with the register hook write the same files', async () => {
    const project = await installs.get('template')!;
    fs.copyFileSync(path.join(project, 'tutorial-1.ts'), path.join(project, 'main.ts'));
    const synth = (app: string, output: string) => {
      fs.writeFileSync(path.join(project, 'cdk8s.yaml'), `language: typescript\napp: ${app}\noutput: ${output}\n`);
      run(process.execPath, [CDK8S_CLI, 'synth'], project);
      return readOutput(path.join(project, output)).files;
    };
    const typeChecked = synth('npx ts-node main.ts', 'dist-ts-node');
    const fast = synth('node -r cdk8s-networking/register main.ts', 'dist-register');
    expect(Object.keys(typeChecked)).toEqual(['shop.k8s.yaml']);
    expect(fast).toEqual(typeChecked);
  });
});

describe('a project on a cdk8s older than the peer range', () => {
  test('fails at install with npm\'s own peer-dependency message', async () => {
    await installs.get('oldest'); // one install at a time here: this one only reads the cache
    const project = path.join(work, 'too-old');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'too-old', version: '1.0.0', private: true }));
    const [major, minor] = floor(peers.cdk8s).split('.').map(Number);
    const tooOld = `cdk8s@~${major}.${minor - 1}.0`;
    const failure = await runAsync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tooOld, `constructs@${dev.constructs}`, tarball], { cwd: project, env: ENV, encoding: 'utf8' })
      .then(() => undefined, (e) => e.stderr as string);
    expect(failure).toMatch(/ERESOLVE/);
    expect(failure).toMatch(/peer cdk8s@"\^[\d.]+" from cdk8s-networking/);
  });
});

describe('the cdk8s-networking command from the packed package (in the plus-27 project)', () => {
  test('the packed bin classifies each kind of change between outputs of real programs', async () => {
    const project = await installs.get('plus-27')!;
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

  test('ships the cdk8s-networking command: diff --base synthesizes the Git ref, explain and analyze run from the bin', async () => {
    const project = await installs.get('plus-27')!;
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
    // The worker computes the first side; the second phase computes each side with the other's endpoints of pods
    // outside the app in the main thread: the same output either way. Prometheus widened to its namespace is not closed.
    const prometheus = handWrittenShop([RULES.prometheus]);
    const monitoring = handWrittenShop([RULES.monitoring]);
    const inOrder = cli(['diff', prometheus, monitoring, '--json'], repo);
    const parallel = spawnSync(bin, ['diff', prometheus, monitoring, '--json'], {
      cwd: repo, encoding: 'utf8', env: { ...process.env, CDK8S_NETWORKING_PARALLEL_BYTES: '0' },
    });
    expect(parallel.stderr).toBe('');
    expect(parallel.stdout).toBe(inOrder.stdout);
    expect(JSON.parse(parallel.stdout).opened.map((f: any) => `${f.from} -> ${f.to}`)).toEqual(['monitoring/Peer/* -> shop/Deployment/api']);
    expect(JSON.parse(parallel.stdout).closed).toEqual([]);

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
