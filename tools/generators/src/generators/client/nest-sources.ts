import * as ts from 'typescript';

/** A parsed TypeScript file of a Nest app, with its path. */
export interface SourceFile {
  path: string;
  text: string;
  ast: ts.SourceFile;
}

export function parse(path: string, text: string): SourceFile {
  return { path, text, ast: ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true) };
}

/** Every node of `root` (depth first) for which `match` returns a value, with that value. */
export function findAll<T>(root: ts.Node, match: (node: ts.Node) => T | undefined): T[] {
  const found: T[] = [];
  const visit = (node: ts.Node): void => {
    const value = match(node);
    if (value !== undefined) found.push(value);
    ts.forEachChild(node, visit);
  };
  visit(root);
  return found;
}

/** The call `<callee>(...)`, e.g. `FlotillaModule.forRoot`, if `node` is one. */
export function callOf(node: ts.Node, callee: string): ts.CallExpression | undefined {
  return ts.isCallExpression(node) && node.expression.getText() === callee ? node : undefined;
}

/** The object literal that is the first argument of `call`, if it is one. */
export function objectArgument(call: ts.CallExpression): ts.ObjectLiteralExpression | undefined {
  const first = call.arguments[0];
  return first && ts.isObjectLiteralExpression(first) ? first : undefined;
}

/** The `name: <initializer>` property of an object literal. */
export function property(
  object: ts.ObjectLiteralExpression,
  name: string,
): ts.PropertyAssignment | undefined {
  return object.properties.find(
    (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === name,
  );
}

/** The array literal of `name: [...]` in an object literal. */
export function arrayProperty(
  object: ts.ObjectLiteralExpression,
  name: string,
): ts.ArrayLiteralExpression | undefined {
  const initializer = property(object, name)?.initializer;
  return initializer && ts.isArrayLiteralExpression(initializer) ? initializer : undefined;
}

/** The string value of `name: '...'` in an object literal. */
export function stringProperty(object: ts.ObjectLiteralExpression, name: string): string | undefined {
  const initializer = property(object, name)?.initializer;
  return initializer && ts.isStringLiteralLike(initializer) ? initializer.text : undefined;
}

/** The names a file imports from `moduleName` (`import { a, b as c }` gives a and c). */
export function importedNames(file: SourceFile, moduleName: string): string[] {
  return importsFrom(file, moduleName).flatMap((declaration) => {
    const bindings = declaration.importClause?.namedBindings;
    return bindings && ts.isNamedImports(bindings) ? bindings.elements.map((e) => e.name.text) : [];
  });
}

export function importsFrom(file: SourceFile, moduleName: string): ts.ImportDeclaration[] {
  return file.ast.statements.filter(
    (s): s is ts.ImportDeclaration =>
      ts.isImportDeclaration(s) &&
      ts.isStringLiteral(s.moduleSpecifier) &&
      s.moduleSpecifier.text === moduleName,
  );
}

/** The leftmost identifier of `a.b.c` (or `a`). */
export function rootIdentifier(expression: string): string {
  return (expression.split('.')[0] ?? '').trim();
}
