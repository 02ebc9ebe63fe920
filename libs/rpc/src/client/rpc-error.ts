import { Metadata, type ServiceError, status } from '@grpc/grpc-js';

/** A ServiceError made on the client side (deadline passed before sending, cancelled, ...). */
export function rpcError(code: status, details: string, metadata = new Metadata()): ServiceError {
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });
}

export function isServiceError(error: unknown): error is ServiceError {
  return (
    error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && 'details' in error
  );
}
