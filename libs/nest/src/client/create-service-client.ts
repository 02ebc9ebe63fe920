import { type ClientInterceptor, createClient, type ProtoSchema, type ServiceShape } from '@flotilla/rpc';
import type { ClientRegistration } from '../interfaces/client-registration.interface.js';
import type { FlotillaClient } from '../interfaces/flotilla-client.interface.js';
import type { RegistryConnection } from '../module/registry-connection.js';
import { serviceNameOf } from './client-token.js';

/**
 * The client for one `forClients` entry: `etcd:///<name>` through this application's own registry
 * connection unless the entry names a target; closed when the application shuts down.
 */
export function createServiceClient(
  registration: ClientRegistration,
  connection: RegistryConnection,
  schemas: readonly ProtoSchema[],
  moduleInterceptors: readonly ClientInterceptor[] = [],
): FlotillaClient<ServiceShape> {
  const fullName = serviceNameOf(registration.service);
  const name = registration.name ?? fullName.slice(fullName.lastIndexOf('.') + 1).toLowerCase();
  const target = registration.target ?? `etcd:///${name}`;
  const discovery = connection.discovery;
  if (typeof target === 'string' && target.startsWith('etcd:') && !discovery) {
    throw new Error(
      `FlotillaModule.forClients: ${fullName} is called through ${target}, but no registry is configured (set FLOTILLA_REGISTRY or --registry, or give the client a static target)`,
    );
  }
  const client = createClient(registration.service, target, {
    serviceName: name,
    schemas,
    ...(discovery ? { discovery } : {}),
    ...(registration.config ? { config: registration.config } : {}),
    interceptors: [...moduleInterceptors, ...(registration.interceptors ?? [])],
  });
  connection.track(client);
  return client;
}
