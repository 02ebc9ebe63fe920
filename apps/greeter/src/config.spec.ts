import { DEFAULT_CONFIG, loadConfig, UsageRequested } from './config.js';

describe('loadConfig', () => {
  it('uses defaults', () => {
    expect(loadConfig([], {})).toEqual(DEFAULT_CONFIG);
  });

  it('prefers flags over environment variables', () => {
    expect(loadConfig(['--port', '6000'], { GREETER_PORT: '7000', GREETER_HOST: '::1' })).toEqual({
      ...DEFAULT_CONFIG,
      host: '::1',
      port: 6000,
    });
  });

  it.each([
    [['--port', 'abc'], {}, 'port (--port or GREETER_PORT) must be an integer from 0 to 65535, got "abc"'],
    [
      [],
      { GREETER_PORT: '70000' },
      'port (--port or GREETER_PORT) must be an integer from 0 to 65535, got "70000"',
    ],
    [['--host', ''], {}, 'host must not be empty'],
    [
      ['--shutdown-timeout-ms=-5'],
      {},
      'shutdown timeout (--shutdown-timeout-ms or GREETER_SHUTDOWN_TIMEOUT_MS) must be an integer from 0 to 600000, got "-5"',
    ],
    [['--prot', '1'], {}, "Unknown option '--prot'"],
    [['extra'], {}, "Unexpected argument 'extra'"],
  ])('rejects %j %j with a message naming the problem', (argv, env, message) => {
    expect(() => loadConfig(argv, env)).toThrow(message);
  });

  it('has no etcd registration unless --etcd or GREETER_ETCD is given', () => {
    expect(loadConfig(['--port', '6000'], {}).registration).toBeUndefined();
  });

  it('reads the etcd registration from flags, then environment, then defaults', () => {
    const config = loadConfig(
      [
        '--port',
        '6000',
        '--etcd',
        'http://127.0.0.1:1, http://127.0.0.1:2',
        '--instance-id',
        'g1',
        '--ttl',
        '3',
      ],
      { GREETER_DRAIN_MS: '250', GREETER_ZONE: 'z1' },
    );
    expect(config.registration).toEqual({
      etcd: ['http://127.0.0.1:1', 'http://127.0.0.1:2'],
      serviceName: 'greeter',
      instanceId: 'g1',
      advertise: undefined,
      ttl: 3,
      drainMs: 250,
      zone: 'z1',
      weight: undefined,
    });
    expect(loadConfig([], { GREETER_ETCD: 'http://e:1' }).registration).toMatchObject({
      ttl: 10,
      drainMs: 1000,
    });
  });

  it.each([
    [['--etcd', ' , '], 'etcd (--etcd or GREETER_ETCD) must list at least one URL'],
    [
      ['--etcd', 'http://e:1', '--ttl', '0'],
      'ttl (--ttl or GREETER_TTL) must be an integer from 1 to 86400, got "0"',
    ],
    [
      ['--etcd', 'http://e:1', '--drain-ms', 'x'],
      'drain delay (--drain-ms or GREETER_DRAIN_MS) must be an integer from 0 to 600000, got "x"',
    ],
  ])('rejects registration flags %j', (argv, message) => {
    expect(() => loadConfig(argv, {})).toThrow(message);
  });

  it('reports --help as a usage request', () => {
    expect(() => loadConfig(['--help'], {})).toThrow(UsageRequested);
  });
});
