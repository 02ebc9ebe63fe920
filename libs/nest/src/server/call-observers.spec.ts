import { Metadata, status } from '@grpc/grpc-js';
import type { ServerCallHook } from '@flotilla/rpc';
import { callObserver } from './call-observers.js';
import type { ServerCall } from './grpc-call-context.js';

const call = { metadata: new Metadata(), getPeer: () => 'ipv4:127.0.0.1:5000' } as unknown as ServerCall;

function recordingHook(name: string, log: string[]): ServerCallHook {
  return {
    start(info) {
      log.push(`${name} start ${info.method} ${info.kind} ${info.peer} ${info.local}`);
      return {
        run(fn) {
          log.push(`${name} enter`);
          try {
            return fn();
          } finally {
            log.push(`${name} leave`);
          }
        },
        end: (code, details) => log.push(`${name} end ${status[code]} ${details}`),
      };
    },
  };
}

describe('callObserver', () => {
  it('costs nothing without hooks', () => {
    expect(callObserver('/p.S/M', 'unary', [], () => undefined)).toBeUndefined();
  });

  it('nests the scopes as interceptors nest, ends innermost first, and only once', () => {
    const log: string[] = [];
    const observe = callObserver(
      '/p.S/M',
      'bidi',
      [recordingHook('a', log), recordingHook('b', log)],
      () => '127.0.0.1:50051',
    );
    const scope = observe!(call)!;
    expect(scope.run(() => (log.push('handler'), 42))).toBe(42);
    scope.end(status.OK, 'OK');
    scope.end(status.CANCELLED, 'late');
    expect(log).toEqual([
      'a start /p.S/M bidi ipv4:127.0.0.1:5000 127.0.0.1:50051',
      'b start /p.S/M bidi ipv4:127.0.0.1:5000 127.0.0.1:50051',
      'a enter',
      'b enter',
      'handler',
      'b leave',
      'a leave',
      'b end OK OK',
      'a end OK OK',
    ]);
  });

  it('skips hooks that do not observe the call', () => {
    const observe = callObserver('/p.S/M', 'unary', [{ start: () => undefined }], () => undefined);
    expect(observe!(call)).toBeUndefined();
  });
});
