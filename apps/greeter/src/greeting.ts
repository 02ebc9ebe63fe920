import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';

export const MAX_NAME_LENGTH = 256;
export const MAX_STREAM_COUNT = 100;

/** Thrown for a request the caller must fix; maps to gRPC INVALID_ARGUMENT. */
export function invalidArgument(message: string): RpcException {
  return new RpcException({ code: status.INVALID_ARGUMENT, message });
}

/** Checks `name` (required, at most 256 characters) and returns the greeting for it. */
export function greet(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw invalidArgument('name is required');
  }
  // Count code points, not UTF-16 units, so an emoji is one character.
  const length = [...name].length;
  if (length > MAX_NAME_LENGTH) {
    throw invalidArgument(`name must be at most ${MAX_NAME_LENGTH} characters, got ${length}`);
  }
  return `Hello ${name}`;
}

/** How many replies SayHelloServerStream sends: `count` 0 means 1, at most 100. */
export function streamCount(count: unknown): number {
  const n = typeof count === 'number' ? count : 0;
  if (!Number.isInteger(n) || n < 0 || n > MAX_STREAM_COUNT) {
    throw invalidArgument(`count must be between 0 and ${MAX_STREAM_COUNT}, got ${String(count)}`);
  }
  return Math.max(1, n);
}
