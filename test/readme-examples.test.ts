/**
 * Every ```ts block in README.md, lib/checks/README.md and docs/*.md is a complete program a user can copy: this test
 * type-checks each against the library's sources (as if installed as `cdk8s-networking`), runs it,
 * and schema-validates what it synthesized. Blocks fenced as ```ts nocheck are skipped.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { captureWarnings, readOutput } from './util';

const ROOT = path.join(__dirname, '..');

interface Example { readonly file: string; readonly line: number; readonly code: string }

function examples(file: string): Example[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const out: Example[] = [];
  const fence = /^```ts\s*\n([\s\S]*?)^```/gm;
  for (let m = fence.exec(text); m; m = fence.exec(text)) {
    out.push({ file, line: text.slice(0, m.index).split('\n').length, code: m[1] });
  }
  return out;
}

const docs = ['README.md', 'lib/checks/README.md', ...(fs.existsSync(path.join(ROOT, 'docs'))
  ? fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`) : [])];
const all = docs.flatMap(examples);

const fileOf = (ex: Example) => path.join(ROOT, 'test', `__${ex.file.replace(/[^a-zA-Z0-9]/g, '_')}_${ex.line}.ts`);

/** Type-checks every example in one program (one compile instead of one per example); errors by example. */
function typeCheckAll(): Map<Example, string[]> {
  const files = new Map(all.map((ex) => [fileOf(ex), ex] as const));
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, esModuleInterop: true,
    skipLibCheck: true, noEmit: true, types: ['node'], baseUrl: ROOT,
    paths: { 'cdk8s-networking': ['lib/index.ts'] },
  };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang) => (files.has(name) ? ts.createSourceFile(name, files.get(name)!.code, lang) : read(name, lang));
  const program = ts.createProgram([...files.keys()], options, host);
  const errors = new Map<Example, string[]>(all.map((ex) => [ex, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const ex = d.file ? files.get(d.file.fileName) : undefined;
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (ex) errors.get(ex)!.push(text);
    else for (const list of errors.values()) list.push(text);
  }
  return errors;
}

describe('documentation examples', () => {
  let typeErrors: Map<Example, string[]>;
  beforeAll(() => {
    typeErrors = typeCheckAll();
  });

  test('the README has examples', () => {
    expect(examples('README.md').length).toBeGreaterThanOrEqual(4);
  });

  test.each(all.map((ex) => [`${ex.file}:${ex.line}`, ex] as const))('%s type-checks, runs and synthesizes valid YAML', (_where, ex) => {
    expect(typeErrors.get(ex)).toEqual([]);
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-example-'));
    const js = ts.transpileModule(ex.code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022,
      esModuleInterop: true } }).outputText;
    // The example may expect warnings: a `// warns: <check>` comment (e.g. a namespace that is
    // deliberately not migrated yet). Synth prints exactly those (captured here) and reports them.
    const expectedWarnings = [...ex.code.matchAll(/\/\/ warns: ([a-z-]+)/g)].map((m) => m[1]).sort();
    const previous = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = outdir;
    try {
      const fn = new Function('require', 'module', 'exports', js);
      const mod = { exports: {} };
      const { warnings } = captureWarnings(() => fn((id: string) => require(id === 'cdk8s-networking' ? '../lib' : id), mod, mod.exports));
      expect([...new Set(warnings.map((w) => w.slice(1, w.indexOf(']'))))].sort()).toEqual(expectedWarnings);
    } finally {
      if (previous === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = previous;
    }
    const { objects } = readOutput(outdir);
    // What the example's constructs must have written, by kind.
    const kinds = new Set(objects.map((o) => o.kind));
    const implied: [RegExp, string[]][] = [
      [/new ZeroTrustNamespace\(/, ['Namespace', 'NetworkPolicy']],
      [/new WebApp\(/, ['Deployment', 'Service']],
      [/new ArgoCdApplication\(/, ['Application']],
      [/new ArgoCdApplicationSet\(/, ['ApplicationSet']],
    ];
    const expected = implied.filter(([re]) => re.test(ex.code)).flatMap(([, k]) => k);
    expect(expected.length).toBeGreaterThan(0);
    expect([...kinds]).toEqual(expect.arrayContaining(expected));
    if (/new ZeroTrustNamespace\(/.test(ex.code)) {
      const denies = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'default-deny');
      expect(denies.map((d) => d.spec)).toEqual(denies.map(() => ({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] })));
      expect(denies.length).toBe(objects.filter((o) => o.kind === 'Namespace').length);
    }
    // The synth-time checks found nothing to report but the warnings the example expects.
    const reportFile = path.join(outdir, 'network-report.json');
    if (fs.existsSync(reportFile)) {
      const findings: { check: string; severity: string }[] = JSON.parse(fs.readFileSync(reportFile, 'utf8')).findings;
      expect([...new Set(findings.map((f) => `${f.severity} ${f.check}`))].sort()).toEqual(expectedWarnings.map((c) => `warning ${c}`));
    }
  });
});
