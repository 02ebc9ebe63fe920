import { createServer } from 'node:net';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

/** `host:port`, with brackets around an IPv6 host. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', '']);

/**
 * The address to register for a server listening on `host:port`. A wildcard host (`0.0.0.0`,
 * `::`) is not dialable, so it becomes the host's first external address (IPv4 first, for
 * `0.0.0.0` only IPv4); with none, loopback.
 */
export function reachableAddress(
  host: string,
  port: number,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): string {
  if (!WILDCARDS.has(host)) return formatHostPort(host, port);
  const external = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((i) => !i.internal && !(i.family === 'IPv6' && i.address.toLowerCase().startsWith('fe80')));
  const v4 = external.find((i) => i.family === 'IPv4');
  const v6 = host === '0.0.0.0' ? undefined : external.find((i) => i.family === 'IPv6');
  const chosen = v4 ?? v6;
  if (chosen) return formatHostPort(chosen.address, port);
  return formatHostPort(host === '0.0.0.0' ? '127.0.0.1' : '::1', port);
}

/**
 * grpc-js reports a failed bind only as "No address added out of total 1 resolved"; a plain TCP
 * listen on the same address says why (e.g. EADDRINUSE).
 */
export function bindFailureReason(host: string, port: number): Promise<string | undefined> {
  if (port === 0) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'EADDRINUSE' ? 'port already in use' : error.message),
    );
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(undefined)));
  });
}
