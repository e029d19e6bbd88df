/**
 * The API reference in docs/api is generated from the TSDoc (`npm run docs`) and must match the
 * code; and every prop of the public API is documented, optional ones with their `@default`.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');

function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!fs.existsSync(dir)) return out;
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child);
      else out.set(child, fs.readFileSync(path.join(dir, child), 'utf8'));
    }
  };
  walk('');
  return out;
}

describe('API reference', () => {
  test('docs/api is current (regenerate with `npm run docs`)', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-api-'));
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out, '--logLevel', 'Error'], { cwd: ROOT, stdio: 'pipe' });
    const fresh = readTree(out);
    const committed = readTree(path.join(ROOT, 'docs', 'api'));
    expect([...fresh.keys()]).toEqual(expect.arrayContaining(['README.md']));
    expect([...fresh.keys()].some((f) => f.includes('WebApp'))).toBe(true);
    const stale = [...new Set([...fresh.keys(), ...committed.keys()])].sort()
      .filter((f) => fresh.get(f) !== committed.get(f))
      .map((f) => `${f} (${!committed.has(f) ? 'missing' : !fresh.has(f) ? 'no longer generated' : 'changed'})`);
    if (stale.length) {
      throw new Error(`docs/api is stale: run \`npm run docs\` and commit docs/api. Differences:\n  ${stale.join('\n  ')}`);
    }
  });

  test('every property of an exported Props or Options interface has TSDoc, optional ones an @default', () => {
    const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.build.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
    const index = path.join(ROOT, 'lib', 'index.ts');
    const program = ts.createProgram([index], parsed.options);
    const checker = program.getTypeChecker();
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(index)!)!;
    const problems: string[] = [];
    let checked = 0;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const sym = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (!/(Props|Options)$/.test(sym.name)) continue;
      for (const decl of sym.declarations ?? []) {
        if (!ts.isInterfaceDeclaration(decl)) continue;
        for (const member of decl.members) {
          if (!ts.isPropertySignature(member)) continue;
          checked++;
          const where = `${path.relative(ROOT, decl.getSourceFile().fileName)}: ${sym.name}.${member.name.getText()}`;
          if (ts.getJSDocCommentsAndTags(member).length === 0) problems.push(`${where} has no TSDoc`);
          else if (member.questionToken && !ts.getJSDocTags(member).some((t) => t.tagName.text === 'default')) problems.push(`${where} is optional but has no @default`);
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(problems).toEqual([]);
  });
});
