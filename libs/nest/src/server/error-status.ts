import { randomBytes } from 'node:crypto';
import { Metadata, status } from '@grpc/grpc-js';
import { HttpException } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { encodeStatusDetails, STATUS_DETAILS_KEY } from '@flotilla/rpc';
import { RpcStatusError } from '../errors/rpc-status-error.js';

/** The status a failed call ends with, as grpc-js sends it. */
export interface ErrorStatus {
  code: status;
  details: string;
  metadata: Metadata;
  /** Set for an error nobody meant to send: log it (with `ref`), the caller only sees the ref. */
  unexpected?: { ref: string; error: unknown };
}

// Nest's HTTP exceptions thrown from shared code (e.g. a ValidationPipe's BadRequestException).
const HTTP_TO_GRPC: Readonly<Record<number, status>> = {
  400: status.INVALID_ARGUMENT,
  401: status.UNAUTHENTICATED,
  403: status.PERMISSION_DENIED,
  404: status.NOT_FOUND,
  409: status.ALREADY_EXISTS,
  412: status.FAILED_PRECONDITION,
  422: status.INVALID_ARGUMENT,
  429: status.RESOURCE_EXHAUSTED,
  499: status.CANCELLED,
  501: status.UNIMPLEMENTED,
  503: status.UNAVAILABLE,
  504: status.DEADLINE_EXCEEDED,
};

/**
 * Maps what a handler threw to a gRPC status. Errors thrown on purpose keep their code and message
 * and get a google.rpc.Status with an ErrorInfo (reason, `domain`) in `grpc-status-details-bin`:
 * RpcStatusError (ValidationError, NotFoundError), Nest's RpcException({ code, message }) and
 * HttpException, and zod's ZodError (INVALID_ARGUMENT). Anything else is INTERNAL, with only a
 * reference the server logs next to the stack: internals never reach the caller. A downstream
 * call's DEADLINE_EXCEEDED or CANCELLED keeps its code (the caller's own deadline ran out).
 */
export function errorStatus(error: unknown, domain: string): ErrorStatus {
  if (error instanceof RpcStatusError)
    return rich(error.code, error.message, domain, error.reason, error.metadata);
  if (error instanceof RpcException) {
    const inner = error.getError();
    if (
      typeof inner === 'object' &&
      inner !== null &&
      typeof (inner as { code?: unknown }).code === 'number'
    ) {
      const { code, message } = inner as { code: status; message?: unknown };
      return rich(code, typeof message === 'string' ? message : status[code], domain, status[code]);
    }
    return rich(status.UNKNOWN, typeof inner === 'string' ? inner : 'error', domain, status[status.UNKNOWN]);
  }
  if (error instanceof HttpException) {
    const code = HTTP_TO_GRPC[error.getStatus()];
    if (code !== undefined) return rich(code, httpMessage(error), domain, status[code]);
  }
  if (isZodError(error)) {
    const message = error.issues
      .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
      .join('; ');
    return rich(status.INVALID_ARGUMENT, message, domain, status[status.INVALID_ARGUMENT]);
  }
  if (isDownstreamTimeout(error)) return rich(error.code, error.details, domain, status[error.code]);
  const ref = randomBytes(4).toString('hex');
  return {
    ...rich(status.INTERNAL, `internal error (ref ${ref})`, domain, 'INTERNAL'),
    unexpected: { ref, error },
  };
}

function rich(
  code: status,
  details: string,
  domain: string,
  reason: string,
  metadata: Readonly<Record<string, string>> = {},
): ErrorStatus {
  const trailers = new Metadata();
  trailers.set(
    STATUS_DETAILS_KEY,
    encodeStatusDetails({ code, message: details, errorInfo: { reason, domain, metadata: { ...metadata } } }),
  );
  return { code, details, metadata: trailers };
}

function httpMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : error.message;
}

interface ZodLikeError {
  issues: { path: PropertyKey[]; message: string }[];
}

// Duck-typed: the application may bring its own copy of zod.
function isZodError(error: unknown): error is ZodLikeError {
  return (
    error instanceof Error &&
    error.name === 'ZodError' &&
    Array.isArray((error as Partial<ZodLikeError>).issues)
  );
}

function isDownstreamTimeout(error: unknown): error is { code: status; details: string } {
  const e = error as { code?: unknown; details?: unknown } | null;
  return (
    error instanceof Error &&
    (e?.code === status.DEADLINE_EXCEEDED || e?.code === status.CANCELLED) &&
    typeof e.details === 'string'
  );
}
