import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { PARAM_ARGS_METADATA } from '@nestjs/microservices/constants.js';
import type { ServiceShape } from '@flotilla/rpc';
import type { HandlerBinding } from '../interfaces/handler-binding.interface.js';
import type { ServerMethodShape, ServiceHandlers } from '../interfaces/service-handlers.interface.js';
import { ErrorPassthroughFilter } from '../server/error-passthrough.filter.js';
import { FLOTILLA_TRANSPORT, HANDLER_BINDING_KEY } from '../server/transport-id.js';

/**
 * Makes the class a Nest controller serving the ts-proto service definition `definition`
 * (e.g. `GreeterService`) on FlotillaServer: each method of the definition is handled by the class
 * method of the same name. The class is checked against the definition when it compiles: a missing
 * or misnamed method, or a wrong request or reply type, is an error on this decorator.
 *
 * Handlers are called as `(request, context)` (see ServiceHandlers); Nest guards, interceptors,
 * pipes and filters apply as usual.
 */
export function RpcController<S extends ServiceShape>(
  definition: S,
): <C extends new (...args: never[]) => ServiceHandlers<S>>(target: C) => void {
  return (target) => {
    Controller()(target);
    UseFilters(ErrorPassthroughFilter)(target);
    const prototype = target.prototype as Record<string, unknown>;
    for (const [key, method] of Object.entries(definition)) {
      const descriptor = Object.getOwnPropertyDescriptor(prototype, key) ?? findDescriptor(prototype, key);
      if (typeof descriptor?.value !== 'function') {
        throw new TypeError(
          `@RpcController: ${target.name} has no method "${key}" for ${method.path} (every method of the service needs a handler)`,
        );
      }
      bindArguments(prototype, key);
      const binding: HandlerBinding = { definition, key, method: method as ServerMethodShape };
      MessagePattern(method.path, FLOTILLA_TRANSPORT, { [HANDLER_BINDING_KEY]: binding })(
        prototype,
        key,
        descriptor,
      );
    }
  };
}

/** Inherited handlers count too. */
function findDescriptor(prototype: object, key: string): PropertyDescriptor | undefined {
  for (
    let p = Object.getPrototypeOf(prototype) as object | null;
    p;
    p = Object.getPrototypeOf(p) as object | null
  ) {
    const descriptor = Object.getOwnPropertyDescriptor(p, key);
    if (descriptor) return descriptor;
  }
  return undefined;
}

/**
 * Nest hands a handler only the arguments that have parameter decorators. Unless the handler
 * declares its own, it gets the request (`@Payload()`) first and the CallContext (`@Ctx()`) second.
 */
function bindArguments(prototype: object, key: string): void {
  const declared = (Reflect.getMetadata(PARAM_ARGS_METADATA, prototype.constructor, key) ?? {}) as Record<
    string,
    { index: number }
  >;
  const taken = new Set(Object.values(declared).map((arg) => arg.index));
  if (!taken.has(0)) Payload()(prototype, key, 0);
  if (!taken.has(1)) Ctx()(prototype, key, 1);
}
