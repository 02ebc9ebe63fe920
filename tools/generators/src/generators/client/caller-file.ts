import type { NameForms } from '../../utils/names.js';
import type { ServedApi } from './nest-app.js';

/** The provider that receives the injected client: the place to wrap calls in the app's own terms. */
export function callerFile(service: NameForms, api: ServedApi, protoImports: string[]): string {
  return `import { Injectable } from '@nestjs/common';
import { type FlotillaClient, InjectClient } from '@flotilla/nest';
import { ${protoImports.join(', ')} } from '@flotilla/proto';

/**
 * Calls the ${service.kebab} service by name (etcd:///${api.registryName}) through the app's registry connection:
 * load-balanced, with deadlines, retries of idempotent methods and circuit breakers (@flotilla/rpc).
 * Inject this class, or \`@InjectClient(${api.definition})\` directly, where the app needs it.
 */
@Injectable()
export class ${service.pascal}Caller {
  constructor(
    @InjectClient(${api.definition}) readonly ${service.camel}: FlotillaClient<typeof ${api.definition}>,
  ) {}
}
`;
}
