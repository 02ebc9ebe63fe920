import { status } from '@grpc/grpc-js';
import type { RpcException } from '@nestjs/microservices';
import { greet, streamCount } from './greeting.js';

function rpcError(fn: () => unknown): { code: number; message: string } {
  try {
    fn();
  } catch (error) {
    return (error as RpcException).getError() as { code: number; message: string };
  }
  throw new Error('expected an RpcException');
}

describe('greet', () => {
  it.each([
    ['Ada', 'Hello Ada'],
    ['x'.repeat(256), `Hello ${'x'.repeat(256)}`],
    ['🚀'.repeat(256), `Hello ${'🚀'.repeat(256)}`],
  ])('greets %j', (name, expected) => {
    expect(greet(name)).toBe(expected);
  });

  it.each([
    ['', 'name is required'],
    [undefined, 'name is required'],
    ['x'.repeat(257), 'name must be at most 256 characters, got 257'],
  ])('rejects %j as INVALID_ARGUMENT', (name, message) => {
    expect(rpcError(() => greet(name))).toEqual({ code: status.INVALID_ARGUMENT, message });
  });
});

describe('streamCount', () => {
  it.each([
    [0, 1],
    [undefined, 1],
    [1, 1],
    [100, 100],
  ])('turns %j into %j replies', (count, expected) => {
    expect(streamCount(count)).toBe(expected);
  });

  it.each([101, -1, 1.5])('rejects %j', (count) => {
    expect(rpcError(() => streamCount(count)).message).toBe(`count must be between 0 and 100, got ${count}`);
  });
});
