import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { isServiceError } from '@flotilla/rpc';
import { errorBody, type ErrorBody } from './error-body.js';
import { grpcCodeName, httpStatusOf } from './grpc-http-status.js';

/** The HTTP status names Nest's own exceptions (unknown route, bad query) map back to. */
const CODE_OF_HTTP: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  404: 'NOT_FOUND',
  405: 'UNIMPLEMENTED',
};

/** What the gateway answers for an error: the status and the body. */
export function errorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (isServiceError(error)) {
    return { status: httpStatusOf(error.code), body: errorBody(grpcCodeName(error.code), error.details) };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return { status, body: errorBody(CODE_OF_HTTP[status] ?? 'UNKNOWN', error.message) };
  }
  return { status: 500, body: errorBody('INTERNAL', 'internal error') };
}

interface JsonResponse {
  status(code: number): { json(body: unknown): void };
}

/** Answers every error as `{ error: { code, message } }` with the mapped status; logs unexpected ones. */
@Catch()
export class GatewayErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('gateway');

  catch(error: unknown, host: ArgumentsHost): void {
    const { status, body } = errorResponse(error);
    if (status === 500)
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    host.switchToHttp().getResponse<JsonResponse>().status(status).json(body);
  }
}
