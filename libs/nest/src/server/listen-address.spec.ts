import type { NetworkInterfaceInfo } from 'node:os';
import { formatHostPort, reachableAddress } from './listen-address.js';

const nic = (address: string, family: 'IPv4' | 'IPv6', internal = false) =>
  ({ address, family, internal, netmask: '', mac: '', cidr: null }) as unknown as NetworkInterfaceInfo;

const interfaces = {
  lo: [nic('127.0.0.1', 'IPv4', true), nic('::1', 'IPv6', true)],
  eth0: [nic('fe80::1', 'IPv6'), nic('2001:db8::7', 'IPv6'), nic('10.0.0.7', 'IPv4')],
};

describe('reachableAddress (what to register for a listen address)', () => {
  it('keeps a concrete host', () => {
    expect(reachableAddress('127.0.0.1', 5000, interfaces)).toBe('127.0.0.1:5000');
    expect(reachableAddress('::1', 5000, interfaces)).toBe('[::1]:5000');
  });

  it('registers 0.0.0.0 as the first external IPv4 address', () => {
    expect(reachableAddress('0.0.0.0', 5000, interfaces)).toBe('10.0.0.7:5000');
  });

  it('registers :: as an external address too (IPv4 first, never link-local)', () => {
    expect(reachableAddress('::', 5000, interfaces)).toBe('10.0.0.7:5000');
    expect(reachableAddress('::', 5000, { eth0: [nic('fe80::1', 'IPv6'), nic('2001:db8::7', 'IPv6')] })).toBe(
      '[2001:db8::7]:5000',
    );
  });

  it('falls back to loopback on a host with no external address', () => {
    expect(reachableAddress('0.0.0.0', 5000, { lo: interfaces.lo })).toBe('127.0.0.1:5000');
  });

  it('formats IPv6 hosts in brackets', () => {
    expect(formatHostPort('::1', 1)).toBe('[::1]:1');
    expect(formatHostPort('h', 1)).toBe('h:1');
  });
});
