import { BrokenCircuitError } from 'cockatiel';
import { castGrpcError } from 'etcd3';
import { CliError, ExitCode } from '../exit-codes.js';
import { toCliError, unreachableAfterDial } from './store-errors.js';
import type { StoreTarget } from './store-target.js';

const target: StoreTarget = {
  endpoints: ['http://127.0.0.1:2379', 'http://127.0.0.1:22379'],
  dialTimeoutMs: 2000,
  timeoutMs: 3000,
};

/** A failed call as etcd3 hands it over: grpc-js's error (code, "<code> <NAME>: <details>") cast to its typed class. */
function grpcError(code: number, name: string, details: string): Error {
  return castGrpcError(Object.assign(new Error(`${code} ${name}: ${details}`), { code, details }));
}

const mapped = (error: unknown) => {
  const e = toCliError(error, target);
  return { message: e.message, exitCode: e.exitCode };
};

describe('toCliError', () => {
  it.each([
    'etcdserver: no leader',
    'etcdserver: request timed out',
    'etcdserver: request timed out, possibly due to previous leader failure',
    'etcdserver: leader changed',
  ])('%s: no quorum, exit 1, naming the answer and the fix', (answer) => {
    expect(mapped(grpcError(14, 'UNAVAILABLE', answer))).toEqual({
      message: `no quorum: the store at http://127.0.0.1:2379, http://127.0.0.1:22379 answered "${answer.replace(/,.*/, '')}"; a majority of its members must be running (check \`flotilla store status\`), then retry`,
      exitCode: ExitCode.failed,
    });
  });

  it('a deadline passed on the client or on the server: deadline exceeded, exit 1', () => {
    expect(mapped(grpcError(4, 'DEADLINE_EXCEEDED', 'Deadline exceeded after 2.998s'))).toEqual({
      message:
        'deadline exceeded: no answer from http://127.0.0.1:2379, http://127.0.0.1:22379 within 3000 ms (Deadline exceeded after 2.998s); the store may have lost quorum: check `flotilla store status`, or raise --timeout',
      exitCode: ExitCode.failed,
    });
    // etcd's own: the call's deadline passed inside the server.
    expect(mapped(grpcError(2, 'UNKNOWN', 'context deadline exceeded')).message).toMatch(
      /^deadline exceeded: .*\(context deadline exceeded\)/,
    );
  });

  it('no connection, or every endpoint skipped after failing: store unreachable, exit 3', () => {
    const refused = grpcError(
      14,
      'UNAVAILABLE',
      'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:2379. Resolution note: ',
    );
    expect(mapped(refused)).toEqual({
      message:
        'store unreachable: no answer from http://127.0.0.1:2379, http://127.0.0.1:22379 (connect ECONNREFUSED 127.0.0.1:2379); start the store (etcd or flotilla-store) or point --endpoints / ETCD_ENDPOINTS at it',
      exitCode: ExitCode.unreachable,
    });
    expect(mapped(new BrokenCircuitError()).exitCode).toBe(ExitCode.unreachable);
    expect(
      unreachableAfterDial([{ endpoint: 'http://127.0.0.1:1', reason: 'connect ECONNREFUSED 127.0.0.1:1' }])
        .message,
    ).toBe(
      'store unreachable: no answer from http://127.0.0.1:1 (connect ECONNREFUSED 127.0.0.1:1); start the store (etcd or flotilla-store) or point --endpoints / ETCD_ENDPOINTS at it',
    );
  });

  it("the store's INVALID_ARGUMENT (flotilla-store's config guard): exit 4, naming the store's rejection", () => {
    const refusal =
      'flotilla-store: flotilla/config/greeter/retries refused: config key "retries" is invalid at the whole value: maximum: must be <= 10 (schema flotilla/schemas/greeter)';
    expect(mapped(grpcError(3, 'INVALID_ARGUMENT', refusal))).toEqual({
      message: `the store rejected the request: ${refusal}; nothing was changed, fix the request`,
      exitCode: ExitCode.invalid,
    });
  });

  it('passes a CliError through, and names anything else as a store error (exit 1)', () => {
    const own = new CliError('already said', ExitCode.usage);
    expect(toCliError(own, target)).toBe(own);
    expect(mapped(grpcError(9, 'FAILED_PRECONDITION', 'etcdserver: bad leader transferee'))).toEqual({
      message: 'store error: etcdserver: bad leader transferee',
      exitCode: ExitCode.failed,
    });
  });
});
