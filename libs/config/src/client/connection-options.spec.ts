import { resolveConnection } from './connection-options.js';

describe('resolveConnection', () => {
  it('accepts the same shapes as @flotilla/discovery: a list, a comma-separated string, bare host:port', () => {
    expect(resolveConnection({ endpoints: '127.0.0.1:2379, http://a:2380' }).endpoints).toEqual([
      'http://127.0.0.1:2379',
      'http://a:2380',
    ]);
    expect(resolveConnection({ endpoints: ['https://a:2379', 'https://b:2379'] }).endpoints).toEqual([
      'https://a:2379',
      'https://b:2379',
    ]);
    const resolved = resolveConnection({
      endpoints: ['http://127.0.0.1:1'],
      auth: { username: 'u', password: 'p' },
      tls: { ca: 'CA' },
    });
    expect(resolved.etcd3.auth).toEqual({ username: 'u', password: 'p' });
    expect(resolved.etcd3.credentials?.rootCertificate.toString()).toBe('CA');
    expect(resolved.connectTimeoutMs).toBe(5000);
  });

  it('names what is wrong', () => {
    expect(() => resolveConnection({ endpoints: [] })).toThrow(/must list at least one URL/);
    expect(() => resolveConnection({ endpoints: 'ftp://x:1' })).toThrow(
      'config connection endpoint "ftp://x:1" must be http(s)://host:port',
    );
    // A bare host:port is http, so it does not go with https either.
    expect(() => resolveConnection({ endpoints: '127.0.0.1:2379,https://a:2380' })).toThrow(
      'config connection endpoints mix http and https: http://127.0.0.1:2379, https://a:2380',
    );
    expect(() => resolveConnection({ endpoints: 'a:1', auth: { username: '', password: 'p' } })).toThrow(
      'config connection auth needs a non-empty username and a password',
    );
    expect(() => resolveConnection({ endpoints: 'a:1', callTimeoutMs: 0 })).toThrow(
      'callTimeoutMs must be a positive number of milliseconds, got 0',
    );
  });
});
