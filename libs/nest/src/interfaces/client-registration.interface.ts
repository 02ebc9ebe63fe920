import type { ServiceRpcConfig, ServiceShape } from '@flotilla/rpc';
import type { ClientInterceptor } from '@flotilla/rpc';

/** One client that `FlotillaModule.forClients([...])` provides for `@InjectClient(service)`. */
export interface ClientRegistration<S extends ServiceShape = ServiceShape> {
  /** The ts-proto service definition, e.g. `GreeterService`. */
  service: S;
  /**
   * The registered name of the service to call. Default: the proto service's name in lower case
   * (`greeter` for `helloworld.v1.Greeter`).
   */
  name?: string;
  /** Default `etcd:///<name>`, through this application's registry connection; or static addresses. */
  target?: string | readonly string[];
  /** Load balancing, breakers, retries, deadlines (see @flotilla/rpc). */
  config?: ServiceRpcConfig;
  interceptors?: ClientInterceptor[];
}
