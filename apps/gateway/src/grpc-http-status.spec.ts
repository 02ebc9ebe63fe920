import { Metadata, status } from '@grpc/grpc-js';
import { NotFoundException } from '@nestjs/common';
import { rpcError } from '@flotilla/rpc';
import { errorResponse } from './gateway-error.filter.js';
import { grpcCodeName, httpStatusOf } from './grpc-http-status.js';

describe('gRPC status → HTTP status', () => {
  it.each([
    [status.INVALID_ARGUMENT, 400],
    [status.NOT_FOUND, 404],
    [status.UNAVAILABLE, 503],
    [status.DEADLINE_EXCEEDED, 504],
    [status.INTERNAL, 502],
    [status.UNKNOWN, 502],
    [status.FAILED_PRECONDITION, 502],
    [status.RESOURCE_EXHAUSTED, 502],
    [status.PERMISSION_DENIED, 502],
    [status.CANCELLED, 502],
    [status.UNIMPLEMENTED, 502],
  ])('%s → %s', (code, http) => {
    expect(httpStatusOf(code)).toBe(http);
  });

  it('names codes as the error body carries them', () => {
    expect(grpcCodeName(status.DEADLINE_EXCEEDED)).toBe('DEADLINE_EXCEEDED');
    expect(grpcCodeName(99)).toBe('UNKNOWN');
  });
});

describe('errorResponse', () => {
  it("answers a greeter failure with the mapped status and the greeter's message", () => {
    const error = Object.assign(new Error('5 NOT_FOUND: unknown language "xx"'), {
      code: status.NOT_FOUND,
      details: 'unknown language "xx"',
      metadata: new Metadata(),
    });
    expect(errorResponse(error)).toEqual({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'unknown language "xx"' } },
    });
    expect(errorResponse(rpcError(status.UNAVAILABLE, 'greeter: no endpoint is reachable'))).toEqual({
      status: 503,
      body: { error: { code: 'UNAVAILABLE', message: 'greeter: no endpoint is reachable' } },
    });
  });

  it("keeps Nest's own HTTP errors (an unknown route) in the same body shape", () => {
    expect(errorResponse(new NotFoundException('Cannot GET /nope'))).toEqual({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'Cannot GET /nope' } },
    });
  });

  it('hides the details of anything unexpected', () => {
    expect(errorResponse(new TypeError('x is undefined'))).toEqual({
      status: 500,
      body: { error: { code: 'INTERNAL', message: 'internal error' } },
    });
  });
});
