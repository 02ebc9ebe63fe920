import { Metadata, status, type sendUnaryData, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { EtcdError } from '../mvcc/errors.js';

/** An error as etcd sends it: its gRPC code and exact message; anything unexpected is INTERNAL. */
export function toServiceError(e: unknown): Partial<ServiceError> {
  if (e instanceof EtcdError) return { code: e.code, details: e.message, metadata: new Metadata() };
  // The leader's answer to a call this member passed on (e.g. MemberPromote): relayed as it came.
  if (isServiceError(e)) return { code: e.code, details: e.details, metadata: new Metadata() };
  const message = e instanceof Error ? e.message : String(e);
  return { code: status.INTERNAL, details: `flotilla-store: ${message}`, metadata: new Metadata() };
}

function isServiceError(e: unknown): e is ServiceError {
  return (
    e instanceof Error &&
    typeof (e as Partial<ServiceError>).code === 'number' &&
    typeof (e as Partial<ServiceError>).details === 'string'
  );
}

/** A unary handler from an async function. */
export function unary<Req, Res>(
  fn: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res> | Res,
): (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void {
  return (call, callback) => {
    let result: Promise<Res> | Res;
    try {
      result = fn(call.request, call);
    } catch (e) {
      callback(toServiceError(e));
      return;
    }
    Promise.resolve(result).then(
      (value) => callback(null, value),
      (e: unknown) => callback(toServiceError(e)),
    );
  };
}

function notImplemented(name: string): Partial<ServiceError> {
  return {
    code: status.UNIMPLEMENTED,
    details: `flotilla-store: ${name} is not implemented`,
    metadata: new Metadata(),
  };
}

/** What is not built yet answers UNIMPLEMENTED, naming it. */
export function unimplemented(name: string): (call: unknown, callback: sendUnaryData<never>) => void {
  return (_call, callback) => callback(notImplemented(name));
}

/** The same for a server-streaming or bidirectional method. */
export function unimplementedStream(
  name: string,
): (call: { emit(event: 'error', e: unknown): boolean }) => void {
  return (call) => {
    call.emit('error', notImplemented(name));
  };
}
