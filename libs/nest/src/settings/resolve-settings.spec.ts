import { resolveSettings } from './resolve-settings.js';
import { SettingsError, UsageRequested } from './settings-errors.js';

const resolve = (
  argv: string[] = [],
  env: Record<string, string> = {},
  extra: Partial<Parameters<typeof resolveSettings>[0]> = {},
) => resolveSettings({ service: 'greeter', argv, env, ...extra });

describe('resolveSettings (defaults < forRoot settings < sources < FLOTILLA_* env < flags, validated with zod)', () => {
  it('has local defaults: loopback, 50051, no registry', () => {
    expect(resolve()).toEqual({
      service: 'greeter',
      host: '127.0.0.1',
      port: 50051,
      registry: undefined,
      instanceId: undefined,
      advertise: undefined,
      ttl: 10,
      drainMs: 1000,
      shutdownTimeoutMs: 5000,
      logLevel: 'info',
      zone: undefined,
      weight: undefined,
      shedding: true,
      shedCpuThreshold: 0.9,
    });
  });

  it('lets env override code and flags override env', () => {
    const settings = resolve(
      ['--port', '6000', '--registry=http://127.0.0.1:1, http://127.0.0.1:2'],
      {
        FLOTILLA_PORT: '7000',
        FLOTILLA_HOST: '::1',
        FLOTILLA_TTL: '3',
        FLOTILLA_SHEDDING: 'off',
      },
      { options: { port: 8000, drainMs: 250, logLevel: 'debug' } },
    );
    expect(settings).toMatchObject({
      host: '::1',
      port: 6000,
      registry: ['http://127.0.0.1:1', 'http://127.0.0.1:2'],
      ttl: 3,
      drainMs: 250,
      logLevel: 'debug',
      shedding: false,
    });
  });

  it('reads settings sources (the config extension point) between code and env', () => {
    const source = { name: 'config store', read: () => ({ ttl: '7', zone: 'z1' }) };
    expect(resolve([], { FLOTILLA_ZONE: 'z2' }, { sources: [source] })).toMatchObject({ ttl: 7, zone: 'z2' });
    expect(() =>
      resolve([], {}, { sources: [{ name: 'config store', read: () => ({ ttl: 'x' }) }] }),
    ).toThrow('ttl (from config store) must be an integer from 1 to 86400, got "x"');
  });

  it.each([
    [['--port', 'abc'], {}, 'port (--port or FLOTILLA_PORT) must be an integer from 0 to 65535, got "abc"'],
    [
      [],
      { FLOTILLA_PORT: '70000' },
      'port (--port or FLOTILLA_PORT) must be an integer from 0 to 65535, got "70000"',
    ],
    [['--host', ''], {}, 'host (--host or FLOTILLA_HOST) must be a host name or IP address, got ""'],
    [
      ['--registry', ' , '],
      {},
      'registry (--registry or FLOTILLA_REGISTRY) must be a comma-separated list of etcd URLs',
    ],
    [
      ['--registry', 'ftp://x'],
      {},
      'registry (--registry or FLOTILLA_REGISTRY) must be a comma-separated list',
    ],
    [
      ['--drain-ms', '-5'],
      {},
      'drain delay (--drain-ms or FLOTILLA_DRAIN_MS) must be an integer from 0 to 600000, got "-5"',
    ],
    [
      [],
      { FLOTILLA_LOG_LEVEL: 'loud' },
      'log level (--log-level or FLOTILLA_LOG_LEVEL) must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ],
    [
      ['--instance-id', 'a/b'],
      {},
      'instance id (--instance-id or FLOTILLA_INSTANCE_ID) must be letters, digits',
    ],
    [
      ['--shedding', 'maybe'],
      {},
      'load shedding (--shedding or FLOTILLA_SHEDDING) must be on, off, true, false, 1 or 0, got "maybe"',
    ],
    [['--prot', '1'], {}, "unknown option '--prot'"],
    [['extra'], {}, 'too many arguments'],
  ])('rejects %j %j with a message naming the setting', (argv, env, message) => {
    expect(() => resolve(argv, env)).toThrow(SettingsError);
    expect(() => resolve(argv, env)).toThrow(message);
  });

  it('names a bad value given in code as coming from forRoot', () => {
    expect(() => resolve([], {}, { options: { ttl: 0 } })).toThrow(
      'ttl (FlotillaModule.forRoot settings.ttl) must be an integer from 1 to 86400, got 0',
    );
  });

  it('reports every bad setting at once', () => {
    expect(() => resolve(['--port', 'x', '--ttl', 'y'])).toThrow(/port .*\n.*ttl/);
  });

  it('turns --help into a usage text listing flags and env vars', () => {
    let usage = '';
    try {
      resolve(['--help']);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageRequested);
      usage = (error as Error).message;
    }
    expect(usage).toContain('--registry <urls>');
    expect(usage).toContain('(env: FLOTILLA_REGISTRY)');
  });

  it('shows each default in --help: built-in, or the one given in code', () => {
    const usage = (options: Parameters<typeof resolveSettings>[0]['options']) => {
      try {
        resolve(['--help'], {}, { options });
      } catch (error) {
        return (error as Error).message.replace(/\s+/g, ' ');
      }
      throw new Error('--help did not raise UsageRequested');
    };
    const builtIn = usage(undefined);
    expect(builtIn).toContain('(env: FLOTILLA_PORT, default: 50051)');
    expect(builtIn).toContain('(env: FLOTILLA_SERVICE_NAME, default: greeter)');
    expect(builtIn).toContain('(env: FLOTILLA_SHEDDING, default: on)');
    expect(builtIn).toContain('(env: FLOTILLA_DRAIN_MS, default: 1000)');
    expect(usage({ port: 8080 })).toContain('(env: FLOTILLA_PORT, default: 8080)');
  });
});
