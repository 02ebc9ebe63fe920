import { InvalidArgumentError } from '../errors.js';

// Service names and instance ids become etcd key segments, so they must not contain '/'.
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/;

/** Throws unless `service` is a non-empty key segment (letters, digits, `.`, `_`, `-`, `:`, `@`; no `/`). */
export function assertServiceName(service: unknown): string {
  if (typeof service !== 'string' || service.trim() === '') {
    throw new InvalidArgumentError('service name must be a non-empty string');
  }
  if (!SEGMENT.test(service)) {
    throw new InvalidArgumentError(
      `service name "${service}" may only contain letters, digits, ".", "_", "-", ":", "@" and must not contain "/"`,
    );
  }
  return service;
}

export function assertInstanceId(instanceId: unknown): string {
  if (typeof instanceId !== 'string' || instanceId.trim() === '') {
    throw new InvalidArgumentError('instanceId must be a non-empty string');
  }
  if (!SEGMENT.test(instanceId)) {
    throw new InvalidArgumentError(
      `instanceId "${instanceId}" may only contain letters, digits, ".", "_", "-", ":", "@" and must not contain "/"`,
    );
  }
  return instanceId;
}

export interface HostPort {
  host: string;
  port: number;
}

/**
 * Parses `host:port` or `[ipv6]:port`. The port must be 1..65535: a registered endpoint that says
 * port 0 or leaves it out can never be dialled.
 */
export function parseHostPort(address: unknown): HostPort {
  if (typeof address !== 'string' || address.trim() === '') {
    throw new InvalidArgumentError('address must be a non-empty "host:port" string');
  }
  const bracketed = /^\[([0-9A-Fa-f:.]+)\]:(\d+)$/.exec(address);
  const plain = /^([A-Za-z0-9.-]+):(\d+)$/.exec(address);
  const match = bracketed ?? plain;
  if (!match) {
    throw new InvalidArgumentError(`address "${address}" is not "host:port" (use "[v6addr]:port" for IPv6)`);
  }
  const port = Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError(`address "${address}" has port ${match[2]}; it must be from 1 to 65535`);
  }
  return { host: match[1] ?? '', port };
}

/** Throws unless the TTL is a whole number of seconds from 1 to 86400 (etcd leases count whole seconds). */
export function assertTtl(ttl: unknown): number {
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > 86_400) {
    throw new InvalidArgumentError(
      `ttl must be a whole number of seconds from 1 to 86400, got ${String(ttl)}`,
    );
  }
  return ttl;
}

/** Normalises a key prefix: no leading or trailing '/', not empty. */
export function normalisePrefix(prefix: unknown): string {
  if (typeof prefix !== 'string') throw new InvalidArgumentError('prefix must be a string');
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') throw new InvalidArgumentError('prefix must not be empty');
  return trimmed;
}
