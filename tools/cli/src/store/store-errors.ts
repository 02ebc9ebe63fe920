import { isBrokenCircuitError } from 'cockatiel';
import {
  GRPCDeadlineExceededError,
  GRPCInvalidArgumentError,
  GRPCNotImplementedError,
  GRPCUnavailableError,
} from 'etcd3';
import { CliError, errorMessage, ExitCode } from '../exit-codes.js';
import type { DialFailure } from './dial.js';
import { ENDPOINTS_ENV, type StoreTarget } from './store-target.js';

/** etcd's answers when a write or linearizable read could not commit: the cluster has no quorum. */
const NO_QUORUM = [
  'etcdserver: request timed out',
  'etcdserver: no leader',
  'etcdserver: leader changed',
  'etcdserver: unhealthy cluster',
];

/** Turns a failure of an etcd3 call into a one-line CliError naming the cause and the fix. */
export function toCliError(error: unknown, target: StoreTarget): CliError {
  if (error instanceof CliError) return error;
  const message = errorMessage(error);
  const endpoints = target.endpoints.join(', ');
  const quorum = NO_QUORUM.find((m) => message.includes(m));
  if (quorum !== undefined) {
    return new CliError(
      `no quorum: the store at ${endpoints} answered "${quorum}"; a majority of its members must be running (check \`flotilla store status\`), then retry`,
      ExitCode.failed,
      { cause: error },
    );
  }
  // etcd answers UNKNOWN "context deadline exceeded" when the call's deadline passes on its side.
  if (error instanceof GRPCDeadlineExceededError || message.includes('context deadline exceeded')) {
    return new CliError(
      `deadline exceeded: no answer from ${endpoints} within ${target.timeoutMs} ms (${details(message)}); the store may have lost quorum: check \`flotilla store status\`, or raise --timeout`,
      ExitCode.failed,
      { cause: error },
    );
  }
  // Unavailable without an answer from etcd: the connection itself failed (refused, dropped).
  if (
    isBrokenCircuitError(error) ||
    (error instanceof GRPCUnavailableError && !message.includes('etcdserver:'))
  ) {
    return unreachable(target, error);
  }
  if (error instanceof GRPCNotImplementedError) {
    return new CliError(
      `${endpoints} does not serve this etcd v3 call (${details(message)}); check that --endpoints points at etcd or flotilla-store client URLs`,
      ExitCode.failed,
      { cause: error },
    );
  }
  // flotilla-store's config guard refuses a value breaking the schema this way (naming key, path
  // and rule); so does etcd a malformed request.
  if (error instanceof GRPCInvalidArgumentError) {
    return new CliError(
      `the store rejected the request: ${details(message)}; nothing was changed, fix the request`,
      ExitCode.invalid,
      { cause: error },
    );
  }
  return new CliError(`store error: ${details(message)}`, ExitCode.failed, { cause: error });
}

/** No endpoint answered; `cause` is the client's last error. */
export function unreachable(target: StoreTarget, cause?: unknown): CliError {
  const detail = cause === undefined ? '' : ` (${grpcDetail(errorMessage(cause))})`;
  return unreachableFrom(`${target.endpoints.join(', ')}${detail}`, cause);
}

/** No endpoint accepted a connection: names each and why. */
export function unreachableAfterDial(failures: readonly DialFailure[]): CliError {
  return unreachableFrom(failures.map((f) => `${f.endpoint} (${f.reason})`).join(', '));
}

function unreachableFrom(tried: string, cause?: unknown): CliError {
  return new CliError(
    `store unreachable: no answer from ${tried}; start the store (etcd or flotilla-store) or point --endpoints / ${ENDPOINTS_ENV} at it`,
    ExitCode.unreachable,
    { cause },
  );
}

/** grpc-js's "No connection established. Last error: Error: connect ECONNREFUSED …" → the socket error. */
function grpcDetail(text: string): string {
  const last = /Last error: (?:Error: )?([^\n]*?)(?:\. Resolution note:.*)?$/.exec(firstLine(text));
  return last?.[1]?.trim() || firstLine(text);
}

/** The status details alone: grpc-js prefixes them with the code ("3 INVALID_ARGUMENT: …"). */
function details(text: string): string {
  return firstLine(text).replace(/^\d+ [A-Z_]+: /, '');
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? '';
}
