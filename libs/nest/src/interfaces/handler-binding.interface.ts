import type { ServiceShape } from '@flotilla/rpc';
import type { ServerMethodShape } from './service-handlers.interface.js';

/** What `@RpcController` records on each handler for FlotillaServer: its service and method. */
export interface HandlerBinding {
  /** The ts-proto service definition the controller serves. */
  readonly definition: ServiceShape;
  /** The method's key in the definition (`sayHello`). */
  readonly key: string;
  readonly method: ServerMethodShape;
}
