import { Inject } from '@nestjs/common';
import type { ServiceShape } from '@flotilla/rpc';
import { clientToken } from '../client/client-token.js';

/**
 * Injects the @flotilla/rpc client for `definition` that `FlotillaModule.forClients` provides:
 * `constructor(@InjectClient(GreeterService) private readonly greeter: FlotillaClient<typeof GreeterService>)`.
 */
export function InjectClient(definition: ServiceShape): PropertyDecorator & ParameterDecorator {
  return Inject(clientToken(definition));
}
