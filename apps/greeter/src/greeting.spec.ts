import { status } from '@grpc/grpc-js';
import { ValidationError } from '@flotilla/nest';
import { greet, streamCount } from './greeting.js';

function rpcError(fn: () => unknown): { code: number; message: string; reason: string } {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { code: error.code, message: error.message, reason: error.reason };
  }
  throw new Error('expected a ValidationError');
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
    ['', 'name is required', 'NAME_REQUIRED'],
    [undefined, 'name is required', 'NAME_REQUIRED'],
    ['x'.repeat(257), 'name must be at most 256 characters, got 257', 'NAME_TOO_LONG'],
  ])('rejects %j as INVALID_ARGUMENT', (name, message, reason) => {
    expect(rpcError(() => greet(name))).toEqual({ code: status.INVALID_ARGUMENT, message, reason });
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

describe('greet with a template', () => {
  it('fills in every {greeting} and {name}, taking a name literally', () => {
    expect(greet('Ada', '{greeting}, {name}!', 'Bonjour')).toBe('Bonjour, Ada!');
    expect(greet('Ada', '{name}: {greeting} {name}', 'Hallo')).toBe('Ada: Hallo Ada');
    expect(greet('$& $1', '{greeting} {name}')).toBe('Hello $& $1');
  });

  it('still checks the name first', () => {
    expect(rpcError(() => greet('', '{greeting}, {name}!')).reason).toBe('NAME_REQUIRED');
  });
});
