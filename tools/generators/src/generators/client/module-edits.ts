import * as ts from 'typescript';
import type { NestApp, ServedApi } from './nest-app.js';
import {
  arrayProperty,
  callOf,
  findAll,
  importedNames,
  importsFrom,
  objectArgument,
  rootIdentifier,
} from './nest-sources.js';
import { applyInsertions, type Insertion } from './source-edits.js';

/** What the client generator adds to an app's module. */
export interface ClientRegistrationEdit {
  api: ServedApi;
  /** The provider class that receives the injected client, e.g. `OrdersCaller`. */
  caller: string;
  /** Its module specifier relative to the module file, e.g. `./orders.caller.js`. */
  callerImport: string;
}

/**
 * The module file with `FlotillaModule.forClients([{ service, name }])` in its imports, the
 * service's schemas in forRoot's `schemas`, the caller among its providers, and the imports they
 * need. Throws, naming the file, if its `@Module({...})` cannot be found or already has the client.
 */
export function addClientToModule(app: NestApp, edit: ClientRegistrationEdit): string {
  const { module } = app;
  const decorator = findAll(module.ast, (node) => {
    const call = callOf(node, 'Module');
    return call && ts.isDecorator(call.parent) ? objectArgument(call) : undefined;
  })[0];
  if (!decorator) throw new Error(`${module.path}: no @Module({ ... }) found to register the client in`);
  const entry = `{ service: ${edit.api.definition}, name: '${edit.api.registryName}' }`;
  const mentionsDefinition = new RegExp(
    `(^|[^\\w.$])${edit.api.definition.replace(/[.$]/g, '\\$&')}(?![\\w$])`,
  );
  // Any module of the app may register clients (a feature module of its own, say).
  for (const file of app.sources) {
    const calls = findAll(file.ast, (node) => callOf(node, 'FlotillaModule.forClients'));
    if (calls.some((call) => mentionsDefinition.test(call.getText()))) {
      throw new Error(`${app.root} already has a client of ${edit.api.definition} (${file.path})`);
    }
  }
  const existingClients = findAll(module.ast, (node) => callOf(node, 'FlotillaModule.forClients'));

  const insertions: Insertion[] = [];
  const clientsArray = existingClients
    .map((call) => call.arguments[0])
    .find(
      (argument): argument is ts.ArrayLiteralExpression =>
        !!argument && ts.isArrayLiteralExpression(argument),
    );
  if (clientsArray) {
    insertions.push(appendToArray(clientsArray, entry));
  } else {
    const forClients = `FlotillaModule.forClients([${entry}])`;
    insertions.push(appendOrAddArray(decorator, 'imports', forClients));
  }
  const schemas = arrayProperty(app.forRoot, 'schemas');
  const presentSchemas = new Set(schemas?.elements.map((element) => element.getText()) ?? []);
  const missingSchemas = edit.api.schemas.filter((schema) => !presentSchemas.has(schema));
  if (missingSchemas.length > 0)
    insertions.push(appendOrAddArray(app.forRoot, 'schemas', missingSchemas.join(', ')));
  insertions.push(appendOrAddArray(decorator, 'providers', edit.caller));

  const fromProto = new Set(importedNames(module, '@flotilla/proto'));
  const needed = [rootIdentifier(edit.api.definition), ...edit.api.schemas.map(rootIdentifier)].filter(
    (name, index, all) => !fromProto.has(name) && all.indexOf(name) === index,
  );
  const protoImport = importsFrom(module, '@flotilla/proto').find((declaration) => {
    const bindings = declaration.importClause?.namedBindings;
    return bindings && ts.isNamedImports(bindings) && !declaration.importClause?.isTypeOnly;
  });
  const lastImport = module.ast.statements.filter(ts.isImportDeclaration).at(-1);
  const importsAt = lastImport?.getEnd() ?? 0;
  if (needed.length > 0) {
    const bindings = protoImport?.importClause?.namedBindings as ts.NamedImports | undefined;
    const last = bindings?.elements.at(-1);
    if (last) {
      insertions.push({ at: last.getEnd(), text: `, ${needed.join(', ')}` });
    } else {
      insertions.push({ at: importsAt, text: `\nimport { ${needed.join(', ')} } from '@flotilla/proto';` });
    }
  }
  insertions.push({ at: importsAt, text: `\nimport { ${edit.caller} } from '${edit.callerImport}';` });
  return applyInsertions(module.text, insertions);
}

/** Appends `text` as the last element of an array literal. */
function appendToArray(array: ts.ArrayLiteralExpression, text: string): Insertion {
  const last = array.elements.at(-1);
  return last ? { at: last.getEnd(), text: `, ${text}` } : { at: array.getStart() + 1, text };
}

/** Appends `text` to `object.name`'s array, or adds `name: [text]` as the object's last property. */
function appendOrAddArray(object: ts.ObjectLiteralExpression, name: string, text: string): Insertion {
  const array = arrayProperty(object, name);
  if (array) return appendToArray(array, text);
  if (object.properties.some((p) => p.name?.getText() === name)) {
    throw new Error(
      `"${name}" is not an array literal in ${object.getText().slice(0, 60)}...; add ${text} by hand`,
    );
  }
  const last = object.properties.at(-1);
  return last
    ? { at: last.getEnd(), text: `, ${name}: [${text}]` }
    : { at: object.getStart() + 1, text: ` ${name}: [${text}] ` };
}
