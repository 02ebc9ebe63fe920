import type { ServiceShape } from '@flotilla/rpc';

/** The full proto name of a ts-proto service definition, from its methods' paths. */
export function serviceNameOf(definition: ServiceShape): string {
  const first = Object.values(definition)[0];
  const name = first?.path.split('/')[1];
  if (!name)
    throw new TypeError('not a ts-proto service definition (no method with a /package.Service/Method path)');
  return name;
}

/**
 * The injection token of the client for `definition`. A string derived from the service's full
 * name, so that `@InjectClient(GreeterService)` and `forClients([{ service: GreeterService }])`
 * agree even across two copies of this package.
 */
export function clientToken(definition: ServiceShape): string {
  return `flotilla:client:${serviceNameOf(definition)}`;
}
