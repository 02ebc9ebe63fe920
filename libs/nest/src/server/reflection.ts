import type { Server } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { FileDescriptorProto } from 'ts-proto-descriptors';
import type { ProtoSchema } from '@flotilla/rpc';

/**
 * Adds server reflection (grpc.reflection.v1 and v1alpha), built from the file descriptors that
 * ts-proto embeds in each generated file (`outputSchema=true`): no .proto file is read at run
 * time. Returns the served services it has no descriptor for (reflection cannot describe them).
 */
export function addReflection(
  server: Server,
  schemas: readonly ProtoSchema[],
  served: readonly string[],
): string[] {
  const files = new Map<string, Uint8Array>();
  const visit = (schema: ProtoSchema) => {
    const descriptor = schema.fileDescriptor as FileDescriptorProto;
    if (files.has(descriptor.name)) return;
    files.set(
      descriptor.name,
      FileDescriptorProto.encode(FileDescriptorProto.fromPartial(descriptor)).finish(),
    );
    for (const dependency of schema.dependencies ?? []) visit(dependency);
  };
  for (const schema of schemas) visit(schema);
  const described = new Set(
    schemas.flatMap((s) =>
      (s.fileDescriptor.service ?? []).map((svc) => qualified(s.fileDescriptor.package, svc.name)),
    ),
  );
  const missing = served.filter((name) => !described.has(name));
  // ReflectionService reads `fileDescriptorProtos` from the entries of a proto-loader package
  // definition; one entry carrying every file is all it needs.
  const definition = {
    files: { fileDescriptorProtos: [...files.values()].map((bytes) => Buffer.from(bytes)) },
  };
  new ReflectionService(definition as unknown as ConstructorParameters<typeof ReflectionService>[0], {
    services: served.filter((name) => described.has(name)),
  }).addToServer(server);
  return missing;
}

function qualified(pkg: string | undefined, name: string | undefined): string {
  return pkg ? `${pkg}.${name ?? ''}` : (name ?? '');
}
