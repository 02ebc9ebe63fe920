import { status } from '@grpc/grpc-js';
import { BadRequestException, ForbiddenException, NotFoundException } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { decodeStatusDetails, STATUS_DETAILS_KEY } from '@flotilla/rpc';
import { z } from 'zod';
import { NotFoundError, RpcStatusError, ValidationError } from '../errors/rpc-status-error.js';
import { errorStatus } from './error-status.js';

const details = (error: unknown) => {
  const result = errorStatus(error, 'svc');
  const raw = result.metadata.get(STATUS_DETAILS_KEY)[0] as Buffer;
  return {
    code: result.code,
    details: result.details,
    rich: decodeStatusDetails(raw),
    unexpected: result.unexpected,
  };
};

describe('errorStatus (what a handler threw -> gRPC status + google.rpc.Status/ErrorInfo)', () => {
  it.each([
    [
      new ValidationError('bad name', { reason: 'NAME_BAD', metadata: { field: 'name' } }),
      status.INVALID_ARGUMENT,
      'bad name',
      'NAME_BAD',
    ],
    [new NotFoundError('no such user'), status.NOT_FOUND, 'no such user', 'NOT_FOUND'],
    [
      new RpcStatusError(status.FAILED_PRECONDITION, 'not yet'),
      status.FAILED_PRECONDITION,
      'not yet',
      'FAILED_PRECONDITION',
    ],
    [
      new RpcException({ code: status.ALREADY_EXISTS, message: 'taken' }),
      status.ALREADY_EXISTS,
      'taken',
      'ALREADY_EXISTS',
    ],
    [
      new BadRequestException(['name must be a string', 'count must be positive']),
      status.INVALID_ARGUMENT,
      'name must be a string; count must be positive',
      'INVALID_ARGUMENT',
    ],
    [new NotFoundException('gone'), status.NOT_FOUND, 'gone', 'NOT_FOUND'],
    [new ForbiddenException(), status.PERMISSION_DENIED, 'Forbidden', 'PERMISSION_DENIED'],
  ])('maps %s', (error, code, message, reason) => {
    const result = details(error);
    expect(result).toMatchObject({ code, details: message, unexpected: undefined });
    expect(result.rich).toMatchObject({ code, message, errorInfo: { reason, domain: 'svc' } });
  });

  it('keeps the ErrorInfo metadata', () => {
    expect(
      details(new ValidationError('bad', { metadata: { field: 'name' } })).rich.errorInfo?.metadata,
    ).toEqual({
      field: 'name',
    });
  });

  it('maps a ZodError to INVALID_ARGUMENT naming each field', () => {
    const parsed = z
      .object({ name: z.string().min(1), count: z.number().max(5) })
      .safeParse({ name: '', count: 9 });
    const result = details(parsed.error);
    expect(result.code).toBe(status.INVALID_ARGUMENT);
    expect(result.details).toMatch(/^name: .+; count: .+$/);
  });

  it('hides an unexpected error behind INTERNAL and a reference, and hands it back for the log', () => {
    const error = new TypeError('cannot read x of undefined at /srv/secret.ts:1');
    const result = details(error);
    expect(result.code).toBe(status.INTERNAL);
    expect(result.details).toMatch(/^internal error \(ref [0-9a-f]{8}\)$/);
    expect(result.rich.message).toBe(result.details);
    expect(result.unexpected?.error).toBe(error);
    expect(result.details).toContain(result.unexpected!.ref);
  });

  it('keeps DEADLINE_EXCEEDED from a downstream call', () => {
    const downstream = Object.assign(new Error('4 DEADLINE_EXCEEDED: deadline'), {
      code: status.DEADLINE_EXCEEDED,
      details: 'deadline',
    });
    expect(details(downstream)).toMatchObject({ code: status.DEADLINE_EXCEEDED, details: 'deadline' });
    const unavailable = Object.assign(new Error('14 UNAVAILABLE'), {
      code: status.UNAVAILABLE,
      details: 'down',
    });
    expect(details(unavailable).code).toBe(status.INTERNAL);
  });
});
