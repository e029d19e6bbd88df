/**
 * What a person running synth sees when the program has a mistake: the library's message once,
 * no stack trace into the library, exit status 1, and a true sentence about the output folder for
 * the way the app was run (`cdk8s synth` removes dist/ before it runs the app; a plain run leaves it).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ValidationError } from '../lib';

const ROOT = path.join(__dirname, '..');
const LIB = JSON.stringify(path.join(ROOT, 'lib'));

const PROGRAMS: Record<string, string> = {
  // A construct-time mistake: thrown from the WebApp constructor.
  'bad-port': `
    import { App, Chart } from 'cdk8s';
    import { WebApp, ZeroTrustNamespace } from ${LIB};
    const app = new App();
    const chart = new Chart(app, 'shop');
    new WebApp(chart, 'api', { namespace: new ZeroTrustNamespace(chart, 'production'), image: 'a:1', containerPort: 70000 });
    app.synth();`,
  // A synth-time problem: a Service that selects no pod.
  'dangling-service': `
    import { App, Chart } from 'cdk8s';
    import { k8s } from 'cdk8s-plus-27';
    import { WebApp, ZeroTrustNamespace } from ${LIB};
    const app = new App();
    const chart = new Chart(app, 'shop');
    new WebApp(chart, 'api', { namespace: new ZeroTrustNamespace(chart, 'production'), image: 'a:1', containerPort: 3000 });
    new k8s.KubeService(chart, 'typo', { metadata: { name: 'typo', namespace: 'production' }, spec: { selector: { app: 'apii' }, ports: [{ port: 80 }] } });
    app.synth();`,
  // A wrong-typed value from a config file (a string where a list belongs), as JavaScript passes it.
  'config-string': `
    import { App, Chart } from 'cdk8s';
    import { ExternalTrafficPolicy, ServiceType, WebApp, ZeroTrustNamespace } from ${LIB};
    const app = new App();
    const chart = new Chart(app, 'shop');
    const cfg: any = { sourceRanges: '203.0.113.0/24' };
    new WebApp(chart, 'web', { namespace: new ZeroTrustNamespace(chart, 'production'), image: 'a:1', containerPort: 8080,
      serviceType: ServiceType.LOAD_BALANCER, externalTrafficPolicy: ExternalTrafficPolicy.LOCAL, loadBalancerSourceRanges: cfg.sourceRanges });
    app.synth();`,
  // Not an input mistake (after one that was caught): Node's own report, stack included.
  'bug': `
    import { App, Chart } from 'cdk8s';
    import { WebApp } from ${LIB};
    try {
      new WebApp(new Chart(new App(), 'shop'), 'api', { namespace: 'production', image: 'a:1', containerPort: 0 });
    } catch {
      // handled by the program
    }
    function broken(): never { throw new TypeError('something else broke'); }
    broken();`,
};

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-networking-errors-'));
  for (const [name, code] of Object.entries(PROGRAMS)) fs.writeFileSync(path.join(dir, `${name}.ts`), code);
  // What ts-node compiles with, as in a cdk8s project.
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'commonjs', target: 'ES2020', strict: true } }));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
});

/**
 * Runs a program the way users do: `node -r <register> main.ts` (the library's fast synth, or
 * ts-node's, as the cdk8s template's `npx ts-node main.ts` does), optionally as `cdk8s synth` runs it.
 */
function runProgram(name: string, cliOutdir?: string, register = path.join(ROOT, 'register.js')) {
  const env: NodeJS.ProcessEnv = { ...process.env, CDK8S_CHECK_UPGRADE: 'false' };
  delete env.JEST_WORKER_ID; // the child is a program, not a test
  delete env.CDK8S_OUTDIR;
  if (cliOutdir) env.CDK8S_OUTDIR = cliOutdir;
  const r = spawnSync(process.execPath, ['-r', register, `${name}.ts`], { cwd: dir, env, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe('an input mistake, run as a program', () => {
  test('prints the message once, without a stack trace, and says nothing was written', () => {
    const { status, stderr } = runProgram('bad-port');
    expect(status).toBe(1);
    expect(count(stderr, 'shop/api: containerPort 70000 is invalid: must be a port number from 1 to 65535')).toBe(1);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr).not.toMatch(/validation\.ts|\^/);
    expect(stderr).toContain('\nNo file was written.\n');
  });

  test('under cdk8s synth, says that the CLI removed the output folder before the app ran', () => {
    const { status, stderr } = runProgram('bad-port', 'dist');
    expect(status).toBe(1);
    expect(count(stderr, 'containerPort 70000 is invalid')).toBe(1);
    expect(stderr).toContain('No file was written, and `cdk8s synth` removed dist/ before it ran the app, so the previous output is gone');
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  test('a synth-time problem: one message listing the findings, true for each way of running', () => {
    const plain = runProgram('dangling-service');
    expect(plain.status).toBe(1);
    expect(count(plain.stderr, 'cdk8s-networking: 1 problem found at synth; no file was written; the files already in dist/ were left as they were.')).toBe(1);
    expect(count(plain.stderr, '[service-targets-pod] shop/typo')).toBe(1);
    expect(plain.stderr).not.toMatch(/^\s+at /m);

    const cli = runProgram('dangling-service', 'dist');
    expect(cli.status).toBe(1);
    expect(count(cli.stderr, 'cdk8s-networking: 1 problem found at synth; no file was written, and `cdk8s synth` removed dist/ before it ran the app')).toBe(1);
    expect(cli.stderr).not.toContain('were left as they were');
    expect(cli.stderr).not.toMatch(/^\s+at /m);
  });

  test('under ts-node (the cdk8s template\'s app command) too: a failed synth exits 1 with the message', () => {
    // ts-node loads Node's repl, whose domain module listens for uncaught exceptions as well.
    for (const name of ['bad-port', 'dangling-service']) {
      const { status, stderr } = runProgram(name, 'dist', 'ts-node/register/transpile-only');
      expect(status).toBe(1);
      expect(stderr).toContain(name === 'bad-port' ? 'containerPort 70000 is invalid' : '[service-targets-pod] shop/typo');
      expect(stderr).toContain('`cdk8s synth` removed dist/ before it ran the app');
      expect(stderr).not.toMatch(/^\s+at /m);
    }
  });

  test('a string where a list belongs is named, without a stack trace', () => {
    const { status, stderr } = runProgram('config-string');
    expect(status).toBe(1);
    expect(count(stderr, 'shop/web: loadBalancerSourceRanges "203.0.113.0/24" is invalid: must be a list of CIDRs')).toBe(1);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr).not.toMatch(/TypeError|forEach/);
  });

  test('an error that is not an input mistake keeps its stack trace', () => {
    const { status, stderr } = runProgram('bug');
    expect(status).toBe(1);
    expect(stderr).toContain('TypeError: something else broke');
    expect(stderr).toMatch(/^\s+at broken /m);
  });
});

test('ValidationError is recognized across copies of the library, and is an Error', () => {
  const e = new ValidationError('x: y "z" is invalid: w');
  expect(e).toBeInstanceOf(Error);
  expect(e.name).toBe('ValidationError');
  expect(ValidationError.isValidationError(e)).toBe(true);
  expect(ValidationError.isValidationError(new Error('x'))).toBe(false);
});
