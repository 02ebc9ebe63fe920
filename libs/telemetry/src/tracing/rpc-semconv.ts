import { status } from '@grpc/grpc-js';

/**
 * Attribute names of the current OpenTelemetry RPC semantic conventions (the ones that replaced
 * `rpc.system`, `rpc.service` and `rpc.grpc.status_code`), and the gRPC rules on what is an error.
 */
export const RPC_ATTRIBUTES = {
  system: 'rpc.system.name',
  method: 'rpc.method',
  statusCode: 'rpc.response.status_code',
  errorType: 'error.type',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  peerAddress: 'network.peer.address',
  peerPort: 'network.peer.port',
} as const;

export const RPC_SYSTEM_GRPC = 'grpc';

/** `/helloworld.v1.Greeter/SayHello` -> `helloworld.v1.Greeter/SayHello`: span name and `rpc.method`. */
export function rpcMethodName(path: string): string {
  return path.startsWith('/') ? path.slice(1) : path;
}

/** The status's name (`OK`, `UNAVAILABLE`); the number as a string for codes gRPC does not define. */
export function statusName(code: number): string {
  return (status as unknown as Record<number, string | undefined>)[code] ?? String(code);
}

/** On the server, only these codes mean the server failed; the others are the caller's doing. */
const SERVER_ERROR_CODES: ReadonlySet<number> = new Set([
  status.UNKNOWN,
  status.DEADLINE_EXCEEDED,
  status.UNIMPLEMENTED,
  status.INTERNAL,
  status.UNAVAILABLE,
  status.DATA_LOSS,
]);

/** Whether a call that ended with `code` failed, as the gRPC conventions say for each side. */
export function isRpcError(code: number, side: 'client' | 'server'): boolean {
  if (code === status.OK) return false;
  return side === 'client' || SERVER_ERROR_CODES.has(code);
}

/**
 * `host:port`, `[v6]:port`, or grpc-js's peer form `ipv4:127.0.0.1:5000` / `ipv6:[::1]:5000` ->
 * host and port; undefined when it is neither (a unix socket path, say).
 */
export function splitHostPort(value: string): { host: string; port: number } | undefined {
  const address = value.replace(/^ipv[46]:/, '');
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(address);
  if (!match) return undefined;
  return { host: match[1] ?? match[2] ?? '', port: Number(match[3]) };
}
