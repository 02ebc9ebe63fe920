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

  it('reports --help as a usage request', () => {
    expect(() => loadConfig(['--help'], {})).toThrow(UsageRequested);
  });
});
