import protobuf from 'protobufjs';

/**
 * ts-proto's grpc-js definitions do not carry method options, so idempotency is read from the
 * `.proto` itself (protobufjs): methods with `option idempotency_level = IDEMPOTENT` or
 * `NO_SIDE_EFFECTS`. Returns their proto names (e.g. `SayHello`) for `fullServiceName`.
 */
export function idempotentMethodsFromProto(protoPath: string, fullServiceName: string): Set<string> {
  const root = protobuf.loadSync(protoPath);
  const service = root.lookupService(fullServiceName);
  const names = new Set<string>();
  for (const method of Object.values(service.methods)) {
    const level: unknown = method.options?.['idempotency_level'];
    if (level === 'IDEMPOTENT' || level === 'NO_SIDE_EFFECTS') names.add(method.name);
  }
  return names;
}
