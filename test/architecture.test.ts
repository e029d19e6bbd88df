/**
 * The map of the house, kept true: every file of lib/ belongs to one layer of lib/README.md, imports
 * only what its layer may import there, and no import cycle exists, type-only imports included.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const LIB = path.join(__dirname, '..', 'lib');

/** A layer of lib/README.md: the files it holds and the layers it may import. */
interface Layer {
  readonly name: string;
  readonly paths: readonly string[];
  readonly imports: readonly string[];
}

/** Reads the ```layers block of lib/README.md: `name | paths | may import`. */
export function readLayers(readme: string): Layer[] {
  const block = /```layers\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('lib/README.md has no ```layers block');
  return block[1].split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((line) => {
    const [name, paths, imports] = line.split('|').map((c) => c.trim());
    return { name, paths: paths.split(/\s+/), imports: imports === '-' ? [] : imports.split(/\s+/) };
  });
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Every relative module a file imports or re-exports, type-only and `import('...')` types included. */
export function importsOf(file: string, text = fs.readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const specs: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specs.push(node.moduleSpecifier.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      specs.push(node.argument.literal.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])
      && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      specs.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specs.filter((s) => s.startsWith('.')).map((s) => resolve(path.dirname(file), s));
}

function resolve(dir: string, spec: string): string {
  const base = path.resolve(dir, spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(candidate)) return candidate;
  throw new Error(`cannot resolve ${spec} from ${dir}`);
}

function layerOf(file: string, layers: readonly Layer[]): Layer | undefined {
  const rel = path.relative(LIB, file).split(path.sep).join('/');
  return layers.find((l) => l.paths.some((p) => (p.endsWith('/') ? rel.startsWith(p) : rel === p)));
}

/** Import cycles as lists of files (strongly connected components of more than one file, or a self-import). */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) {
        low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do { w = stack.pop()!; on.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) strong(v);
  return out;
}

/**
 * Imports against the rules that are being removed right now, each with the change that removes it.
 * The test fails when one of them no longer occurs, so the list cannot go stale.
 */
const PENDING: readonly string[] = [];

const rel = (f: string) => path.relative(LIB, f).split(path.sep).join('/');

describe('architecture (lib/README.md)', () => {
  const layers = readLayers(fs.readFileSync(path.join(LIB, 'README.md'), 'utf8'));
  const files = walk(LIB).sort();
  const graph = new Map(files.map((f) => [f, importsOf(f)]));

  test('the layers block names every layer it lets others import, and no layer twice', () => {
    const names = layers.map((l) => l.name);
    expect(new Set(names).size).toBe(names.length);
    for (const l of layers) for (const i of l.imports) expect(names).toContain(i);
    expect(names).toEqual(expect.arrayContaining(['evaluator', 'util', 'checks', 'report', 'model', 'synth', 'gateway', 'argocd', 'constructs']));
  });

  test('every file of lib/ belongs to a layer', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((f) => !layerOf(f, layers)).map(rel)).toEqual([]);
  });

  test('every import goes in an allowed direction', () => {
    const wrong: string[] = [];
    for (const [file, deps] of graph) {
      const from = layerOf(file, layers)!;
      for (const dep of deps) {
        const to = layerOf(dep, layers)!;
        if (to !== from && !from.imports.includes(to.name)) wrong.push(`${rel(file)} (${from.name}) imports ${rel(dep)} (${to.name})`);
      }
    }
    expect(wrong.filter((w) => !PENDING.includes(w))).toEqual([]);
    expect(PENDING.filter((p) => !wrong.includes(p))).toEqual([]);
  });

  test('the evaluator imports nothing from the rest of lib/', () => {
    const evaluator = layers.find((l) => l.name === 'evaluator')!;
    expect(evaluator.imports).toEqual([]);
  });

  test('no import cycle, type-only imports included', () => {
    expect(cycles(graph).map((c) => c.map(rel).join(' -> '))).toEqual([]);
  });

  // The checks above are only as good as their parts: they must see what they claim to see.
  test('sees type-only imports, re-exports and import() types', () => {
    const file = path.join(LIB, 'synth', 'steps.ts');
    const text = "import type { A } from './pipeline';\nexport * from './options';\ntype B = import('./call').SynthCall;\n";
    expect(importsOf(file, text).map(rel)).toEqual(['synth/pipeline.ts', 'synth/options.ts', 'synth/call.ts']);
  });

  test('finds a cycle, including one through a type-only import', () => {
    const g = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
    expect(cycles(g)).toEqual([['a', 'b', 'c']]);
    expect(cycles(new Map([['a', ['b']], ['b', []]]))).toEqual([]);
  });
});
