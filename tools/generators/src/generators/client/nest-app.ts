import { getProjects, type Tree, visitNotIgnoredFiles } from '@nx/devkit';
import * as ts from 'typescript';
import {
  arrayProperty,
  callOf,
  findAll,
  importedNames,
  objectArgument,
  parse,
  rootIdentifier,
  type SourceFile,
  stringProperty,
} from './nest-sources.js';

const PROTO_PACKAGE = '@flotilla/proto';

/** A Nest app on FlotillaModule, as far as the client generator needs to know it. */
export interface NestApp {
  project: string;
  root: string;
  /** The file whose module calls `FlotillaModule.forRoot({...})`. */
  module: SourceFile;
  /** Every non-spec TypeScript file under its src/. */
  sources: SourceFile[];
  forRoot: ts.ObjectLiteralExpression;
}

/** What calling a service takes: its definition and schemas, as exported by @flotilla/proto. */
export interface ServedApi {
  /** The name it registers under (forRoot's `service`), the client's `etcd:///<name>`. */
  registryName: string;
  /** e.g. `GreeterService` or `ordersV1.OrdersService`. */
  definition: string;
  /** e.g. `greeterSchema`. */
  schemas: string[];
}

/** The app of Nx project `name`, or an error naming what is missing (`role` says what it is for). */
export function readNestApp(tree: Tree, name: string, role: 'service' | 'app'): NestApp {
  const project = getProjects(tree).get(name);
  if (!project) {
    throw new Error(
      role === 'service'
        ? `service "${name}" not found: no Nx project named "${name}" (create it with nx g @flotilla/generators:service ${name})`
        : `app "${name}" not found: no Nx project named "${name}"`,
    );
  }
  const modules: { file: SourceFile; forRoot: ts.ObjectLiteralExpression }[] = [];
  const sources = sourceFiles(tree, project.root);
  for (const file of sources) {
    for (const call of findAll(file.ast, (node) => callOf(node, 'FlotillaModule.forRoot'))) {
      const options = objectArgument(call);
      if (options) modules.push({ file, forRoot: options });
    }
  }
  const [found] = modules;
  if (!found || modules.length !== 1) {
    throw new Error(
      `${role} "${name}" (${project.root}) is not an app on @flotilla/nest: expected one FlotillaModule.forRoot({ ... }) call in its src/, found ${modules.length}`,
    );
  }
  return { project: name, root: project.root, module: found.file, sources, forRoot: found.forRoot };
}

/** The API `app` serves: the definition of its first @RpcController and the schemas of its forRoot. */
export function servedApi(app: NestApp): ServedApi {
  const definitions = app.sources.flatMap((file) =>
    findAll(file.ast, (node) => {
      const call = callOf(node, 'RpcController');
      const argument = call?.arguments[0];
      if (!call || !argument || !ts.isDecorator(call.parent)) return undefined;
      const definition = argument.getText();
      return importedNames(file, PROTO_PACKAGE).includes(rootIdentifier(definition)) ? definition : undefined;
    }),
  );
  const [definition] = definitions;
  if (definition === undefined) {
    throw new Error(
      `service "${app.project}" serves nothing a client can call: no @RpcController(<definition from ${PROTO_PACKAGE}>) in ${app.root}/src`,
    );
  }
  const schemaNames = new Set(importedNames(app.module, PROTO_PACKAGE));
  const schemas = (arrayProperty(app.forRoot, 'schemas')?.elements ?? [])
    .map((element) => element.getText())
    .filter((schema) => schemaNames.has(rootIdentifier(schema)));
  if (schemas.length === 0) {
    throw new Error(
      `service "${app.project}" has no schemas from ${PROTO_PACKAGE} in FlotillaModule.forRoot (${app.module.path}); a client needs them for partial requests`,
    );
  }
  return {
    registryName: stringProperty(app.forRoot, 'service') ?? app.project,
    definition,
    schemas,
  };
}

function sourceFiles(tree: Tree, root: string): SourceFile[] {
  const files: SourceFile[] = [];
  visitNotIgnoredFiles(tree, `${root}/src`, (path) => {
    if (!path.endsWith('.ts') || path.endsWith('.spec.ts') || path.endsWith('.d.ts')) return;
    files.push(parse(path, tree.read(path, 'utf-8') ?? ''));
  });
  return files;
}
