import type { ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { EtcdError } from '../mvcc/errors.js';
import { RpcErrors } from '../rpc-errors.js';
import { toServiceError } from './grpc-handlers.js';
import type { StoreNode } from './store-node.js';

/** What the guard reads of a member: whether it is a learner now. */
export type GuardedMember = Pick<StoreNode, 'sm' | 'identity'>;

/**
 * As etcd's interceptors: while this member is a learner it answers only Status and serializable
 * Range; every other call, streams included, gets UNAVAILABLE "rpc not supported for learner", so
 * clients go to a voting member instead.
 */
export function refuseOnLearner(
  node: GuardedMember,
  definition: ServiceDefinition,
  implementation: object,
): UntypedServiceImplementation {
  const wrapped: UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(implementation as UntypedServiceImplementation)) {
    const method = definition[name];
    if (!method || typeof handler !== 'function') {
      wrapped[name] = handler;
      continue;
    }
    const streaming = method.requestStream || method.responseStream;
    const fn = handler as (...args: unknown[]) => void;
    wrapped[name] = (
      call: { request?: unknown; emit(event: 'error', e: unknown): boolean },
      ...rest: unknown[]
    ) => {
      if (isLearner(node) && !(!streaming && supportedForLearner(method.path, call.request))) {
        const error = toServiceError(new EtcdError(RpcErrors.notSupportedForLearner));
        const callback = rest[0];
        if (typeof callback === 'function') callback(error);
        else call.emit('error', error);
        return;
      }
      fn(call, ...rest);
    };
  }
  return wrapped;
}

function isLearner(node: GuardedMember): boolean {
  return node.sm.members.get(node.identity.memberId)?.isLearner ?? false;
}

function supportedForLearner(path: string, request: unknown): boolean {
  if (path === '/etcdserverpb.Maintenance/Status') return true;
  if (path === '/etcdserverpb.KV/Range') return (request as { serializable?: boolean }).serializable === true;
  return false;
}
