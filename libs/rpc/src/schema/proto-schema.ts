/**
 * What ts-proto emits per .proto file with `outputSchema=true` (its `protoMetadata`): the file's
 * FileDescriptorProto, the generated message codecs by fully qualified type name, and the schemas
 * of the files it imports. Only the parts Flotilla reads are spelled out, so any ts-proto output
 * fits without a dependency on its descriptor types.
 */
export interface ProtoSchema {
  readonly fileDescriptor: FileDescriptorShape;
  readonly references: { readonly [typeName: string]: unknown };
  readonly dependencies?: readonly ProtoSchema[] | undefined;
}

export interface FileDescriptorShape {
  readonly name: string;
  readonly package: string;
  readonly service: readonly ServiceDescriptorShape[];
}

export interface ServiceDescriptorShape {
  readonly name: string;
  readonly method: readonly MethodDescriptorShape[];
}

export interface MethodDescriptorShape {
  readonly name: string;
  /** `.helloworld.v1.HelloRequest` */
  readonly inputType: string;
  readonly outputType: string;
  readonly options?: { readonly idempotencyLevel?: number } | undefined;
}

/** A generated message's `fromPartial`: fills every field the caller left out with its default. */
export type FromPartial = (partial: unknown) => unknown;

// google.protobuf.MethodOptions.IdempotencyLevel
const NO_SIDE_EFFECTS = 1;
const IDEMPOTENT = 2;

/** The schema and descriptor of `fullServiceName` (e.g. `helloworld.v1.Greeter`), searched with imports. */
export function findService(
  schemas: readonly ProtoSchema[],
  fullServiceName: string,
): { schema: ProtoSchema; service: ServiceDescriptorShape } | undefined {
  const seen = new Set<ProtoSchema>();
  const search = (list: readonly ProtoSchema[]): ReturnType<typeof findService> => {
    for (const schema of list) {
      if (seen.has(schema)) continue;
      seen.add(schema);
      const { package: pkg, service } = schema.fileDescriptor;
      for (const candidate of service) {
        if ((pkg ? `${pkg}.${candidate.name}` : candidate.name) === fullServiceName)
          return { schema, service: candidate };
      }
      const found = search(schema.dependencies ?? []);
      if (found) return found;
    }
    return undefined;
  };
  return search(schemas);
}

/** Proto names (`SayHello`) of the methods declared `idempotency_level = IDEMPOTENT` or `NO_SIDE_EFFECTS`. */
export function idempotentMethods(service: ServiceDescriptorShape): Set<string> {
  const names = new Set<string>();
  for (const method of service.method) {
    const level = method.options?.idempotencyLevel;
    if (level === IDEMPOTENT || level === NO_SIDE_EFFECTS) names.add(method.name);
  }
  return names;
}

/** The request message's `fromPartial` for each method of the service, by proto name. */
export function requestFromPartials(
  schema: ProtoSchema,
  service: ServiceDescriptorShape,
): Map<string, FromPartial> {
  const byType = new Map<string, unknown>();
  const collect = (s: ProtoSchema, seen: Set<ProtoSchema>) => {
    if (seen.has(s)) return;
    seen.add(s);
    for (const [name, codec] of Object.entries(s.references)) if (!byType.has(name)) byType.set(name, codec);
    for (const dependency of s.dependencies ?? []) collect(dependency, seen);
  };
  collect(schema, new Set());
  const result = new Map<string, FromPartial>();
  for (const method of service.method) {
    const codec = byType.get(method.inputType) as { fromPartial?: unknown } | undefined;
    if (typeof codec?.fromPartial !== 'function')
      throw new Error(
        `the schema has no codec with fromPartial for ${method.inputType} (input of ${method.name})`,
      );
    const fromPartial = codec.fromPartial as FromPartial;
    result.set(method.name, (partial) => fromPartial.call(codec, partial));
  }
  return result;
}
