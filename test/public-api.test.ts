/**
 * The public API names only public types: every signature of everything `lib/index.ts` exports
 * (transitively, through the `checks`, `report` and `evaluator` namespaces too) may reference a
 * type of the library only if that type is exported as well and not `@internal`. Otherwise the
 * build's declarations (`stripInternal`) and jsii's assembly name a type the user cannot see.
 */
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');

function isInternal(node: ts.Node): boolean {
  return ts.getJSDocTags(node).some((t) => t.tagName.text === 'internal');
}

function isHidden(member: ts.Declaration): boolean {
  const name = ts.getNameOfDeclaration(member);
  if (name && ts.isPrivateIdentifier(name)) return true;
  if (name && ts.isIdentifier(name) && name.text.startsWith('_')) return true;
  const flags = ts.getCombinedModifierFlags(member);
  return (flags & ts.ModifierFlags.Private) !== 0 || isInternal(member);
}

/**
 * Problems: "<where>: <Type> (<why>)". Types declared under `ownDir` are the library's own and must
 * be exported; types of dependencies (cdk8s, constructs, the standard library) are not checked.
 */
function publicApiProblems(entry: string, ownDir: string): string[] {
  const own = ownDir.split(path.sep).join('/') + '/';
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  })!;
  const program = ts.createProgram([entry], config.options);
  const checker = program.getTypeChecker();
  const resolve = (s: ts.Symbol): ts.Symbol => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);

  // Everything reachable from the entry point's exports, through namespace re-exports.
  const exported = new Set<ts.Symbol>();
  const roots: { symbol: ts.Symbol; name: string }[] = [];
  const visitModule = (module: ts.Symbol, prefix: string) => {
    for (const e of checker.getExportsOfModule(module)) {
      const target = resolve(e);
      if (target.flags & ts.SymbolFlags.ValueModule && target.declarations?.some(ts.isSourceFile)) {
        visitModule(target, `${prefix}${e.name}.`);
      } else if (!exported.has(target)) {
        exported.add(target);
        roots.push({ symbol: target, name: `${prefix}${e.name}` });
      }
    }
  };
  visitModule(checker.getSymbolAtLocation(program.getSourceFile(entry)!)!, '');

  const problems = new Set<string>();
  const fromLib = (s: ts.Symbol) => (s.declarations ?? []).some((d) => d.getSourceFile().fileName.startsWith(own));
  const checkSymbol = (s: ts.Symbol | undefined, where: string) => {
    if (!s) return;
    const target = resolve(s);
    if (target.flags & ts.SymbolFlags.TypeParameter || !fromLib(target)) return;
    const decls = target.declarations ?? [];
    if (decls.some(isInternal)) problems.add(`${where}: ${target.name} (@internal)`);
    else if (!exported.has(target)) problems.add(`${where}: ${target.name} (not exported)`);
  };
  // A written type: every type reference in it.
  const checkTypeNode = (node: ts.Node | undefined, where: string) => {
    if (!node) return;
    const visit = (n: ts.Node) => {
      if (ts.isTypeReferenceNode(n)) checkSymbol(checker.getSymbolAtLocation(n.typeName), where);
      else if (ts.isExpressionWithTypeArguments(n)) checkSymbol(checker.getSymbolAtLocation(n.expression), where);
      else if (ts.isTypeQueryNode(n)) checkSymbol(checker.getSymbolAtLocation(n.exprName), where);
      ts.forEachChild(n, visit);
    };
    visit(node);
  };
  // An inferred type (no annotation): its symbol, alias and type arguments.
  const checkType = (type: ts.Type, where: string, seen = new Set<ts.Type>()) => {
    if (seen.has(type)) return;
    seen.add(type);
    checkSymbol(type.aliasSymbol, where);
    if (type.isUnionOrIntersection()) type.types.forEach((t) => checkType(t, where, seen));
    if (type.flags & ts.TypeFlags.Object && !(type.symbol?.flags & ts.SymbolFlags.TypeLiteral)) checkSymbol(type.symbol, where);
    if (type.flags & ts.TypeFlags.Object) checker.getTypeArguments(type as ts.TypeReference).forEach?.((t) => checkType(t, where, seen));
  };
  const checkTyped = (decl: ts.Node & { type?: ts.TypeNode }, where: string) => {
    if (decl.type) checkTypeNode(decl.type, where);
    else checkType(checker.getTypeAtLocation(decl), where);
  };
  const checkSignature = (decl: ts.SignatureDeclaration, where: string) => {
    decl.typeParameters?.forEach((p) => checkTypeNode(p.constraint, where));
    decl.parameters.forEach((p) => checkTyped(p, `${where}(${p.name.getText()})`));
    if (decl.type) checkTypeNode(decl.type, where);
    else if (!ts.isConstructorDeclaration(decl)) {
      const sig = checker.getSignatureFromDeclaration(decl);
      if (sig) checkType(checker.getReturnTypeOfSignature(sig), where);
    }
  };
  const checkMembers = (members: ts.NodeArray<ts.ClassElement | ts.TypeElement>, owner: string) => {
    for (const m of members) {
      if (isHidden(m)) continue;
      const where = `${owner}${ts.isConstructorDeclaration(m) ? '.constructor' : `.${ts.getNameOfDeclaration(m)?.getText() ?? '?'}`}`;
      if (ts.isConstructorDeclaration(m)) {
        // Parameter properties are members too.
        for (const p of m.parameters) if (ts.isParameterPropertyDeclaration(p, m) && !isHidden(p)) checkTyped(p, `${owner}.${p.name.getText()}`);
        checkSignature(m, where);
      } else if (ts.isMethodDeclaration(m) || ts.isMethodSignature(m) || ts.isGetAccessor(m) || ts.isSetAccessor(m)
        || ts.isCallSignatureDeclaration(m) || ts.isIndexSignatureDeclaration(m)) {
        checkSignature(m, where);
      } else if (ts.isPropertyDeclaration(m) || ts.isPropertySignature(m)) {
        checkTyped(m, where);
      }
    }
  };

  for (const { symbol, name } of roots) {
    for (const decl of symbol.declarations ?? []) {
      if (!decl.getSourceFile().fileName.startsWith(own)) continue;
      // An @internal export (a helper other layers import) is stripped from the declarations.
      if (isInternal(decl)) continue;
      if (ts.isClassDeclaration(decl) || ts.isInterfaceDeclaration(decl)) {
        decl.heritageClauses?.forEach((h) => h.types.forEach((t) => checkTypeNode(t, `${name} heritage`)));
        decl.typeParameters?.forEach((p) => checkTypeNode(p.constraint, name));
        checkMembers(decl.members, name);
      } else if (ts.isTypeAliasDeclaration(decl)) {
        checkTypeNode(decl.type, name);
      } else if (ts.isFunctionDeclaration(decl)) {
        checkSignature(decl, name);
      } else if (ts.isVariableDeclaration(decl)) {
        checkTyped(decl, name);
      }
    }
  }
  return [...problems].sort();
}

describe('public API', () => {
  test('public signatures reference only exported, non-internal types', () => {
    expect(publicApiProblems(path.join(ROOT, 'lib', 'index.ts'), path.join(ROOT, 'lib'))).toEqual([]);
  });

  test('the check finds an internal type in a public signature (it is not vacuous)', () => {
    // A fixture library whose public members name non-exported and @internal types.
    const fixtures = path.join(ROOT, 'test', 'fixtures', 'public-api');
    expect(publicApiProblems(path.join(fixtures, 'index.ts'), fixtures)).toEqual([
      'Leaky.add(flow): Flow (not exported)',
      'Leaky.graph: Graph (not exported)',
      'Leaky.policies: Secret (@internal)',
      'Leaky.take: Secret (@internal)',
      'ns.Open.hidden(x): Graph (not exported)',
    ]);
  });
});
