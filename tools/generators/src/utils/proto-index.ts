import type { Tree } from '@nx/devkit';
import type { NameForms } from './names.js';

/** @flotilla/proto's public index: every generated file the apps use is exported from it. */
export const PROTO_INDEX = 'libs/proto/src/index.ts';

/** What a generated service's proto is exported as from @flotilla/proto. */
export interface ProtoExports {
  /** `ordersV1`: the generated module as a namespace (its message names cannot clash with another file's). */
  namespace: string;
  /** `ordersSchema`: the file's `protoMetadata`, for reflection and partial requests. */
  schema: string;
  /** `ordersV1.OrdersService`: the ts-proto service definition. */
  definition: string;
  /** `gen/orders/v1/orders.js`, relative to libs/proto/src. */
  generatedModule: string;
}

export function protoExportsOf(names: NameForms): ProtoExports {
  const namespace = `${names.camel}V1`;
  return {
    namespace,
    schema: `${names.camel}Schema`,
    definition: `${namespace}.${names.pascal}Service`,
    generatedModule: `gen/${names.snake}/v1/${names.snake}.js`,
  };
}

/** Throws unless the index exists and exports neither name yet. */
export function assertProtoExportsFree(tree: Tree, exports: ProtoExports): void {
  const index = tree.read(PROTO_INDEX, 'utf-8');
  if (index === null) {
    throw new Error(`${PROTO_INDEX} not found: the service generator adds the new proto's exports there`);
  }
  for (const identifier of [exports.namespace, exports.schema]) {
    if (new RegExp(`\\b${identifier}\\b`).test(index)) {
      throw new Error(`@flotilla/proto already exports "${identifier}" (${PROTO_INDEX}); pick another name`);
    }
  }
}

export function addProtoExports(tree: Tree, protoName: string, exports: ProtoExports): void {
  const index = tree.read(PROTO_INDEX, 'utf-8') ?? '';
  const lines = [
    `// ${protoName}: a namespace, so that its messages and per-file helpers cannot clash with another file's.`,
    `export * as ${exports.namespace} from './${exports.generatedModule}';`,
    `export { protoMetadata as ${exports.schema} } from './${exports.generatedModule}';`,
  ];
  tree.write(PROTO_INDEX, `${index.replace(/\n*$/, '\n')}${lines.join('\n')}\n`);
}
