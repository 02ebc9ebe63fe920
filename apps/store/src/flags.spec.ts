import { describe, expect, it } from 'vitest';
import { FlagError, parseStoreFlags } from './flags.js';

describe('flotilla-store flags (etcd names)', () => {
  it('with no flags is a single member on 127.0.0.1:2379, like etcd', () => {
    const f = parseStoreFlags([]);
    expect(f.name).toBe('default');
    expect(f.dataDir).toBe('default.etcd');
    expect(f.listenClientUrls.map((u) => u.host)).toEqual(['127.0.0.1:2379']);
    expect(f.advertiseClientUrls).toEqual(['http://127.0.0.1:2379']);
    expect([...f.initialCluster]).toEqual([['default', ['http://127.0.0.1:2380']]]);
    expect(f.initialClusterState).toBe('new');
  });

  it('takes the flags a three-member etcd script passes, in both --flag=value and --flag value forms', () => {
    const f = parseStoreFlags([
      '--name=s1',
      '--data-dir',
      '/tmp/s1',
      '--listen-client-urls=http://127.0.0.1:12379',
      '--advertise-client-urls=http://127.0.0.1:12379',
      '--listen-peer-urls=http://127.0.0.1:12380',
      '--initial-advertise-peer-urls=http://127.0.0.1:12380',
      '--initial-cluster=s1=http://127.0.0.1:12380,s2=http://127.0.0.1:22380,s3=http://127.0.0.1:32380',
      '--initial-cluster-state=new',
      '--initial-cluster-token=tok',
    ]);
    expect(f.dataDir).toBe('/tmp/s1');
    expect([...f.initialCluster.keys()]).toEqual(['s1', 's2', 's3']);
    expect(f.initialClusterToken).toBe('tok');
  });

  it("takes etcd's --experimental-watch-progress-notify-interval as a duration (default 10m)", () => {
    expect(parseStoreFlags([]).watchProgressNotifyIntervalMs).toBe(600_000);
    const at = (v: string) =>
      parseStoreFlags([`--experimental-watch-progress-notify-interval=${v}`]).watchProgressNotifyIntervalMs;
    expect(at('500ms')).toBe(500);
    expect(at('1m30s')).toBe(90_000);
    expect(at('1.5s')).toBe(1500);
  });

  it("accepts etcd's --logger and --log-level, so an etcd command line works unchanged", () => {
    expect(parseStoreFlags([]).logLevel).toBe('info');
    expect(parseStoreFlags(['--logger', 'zap', '--log-level', 'warn']).logLevel).toBe('warn');
    expect(parseStoreFlags(['--logger=capnslog', '--log-level=debug']).logLevel).toBe('debug');
  });

  it('reads ETCD_* environment variables; the command line wins', () => {
    const f = parseStoreFlags(['--name=cli'], {
      ETCD_NAME: 'env',
      ETCD_DATA_DIR: '/env/dir',
      ETCD_INITIAL_CLUSTER: 'cli=http://127.0.0.1:2380',
    });
    expect(f.name).toBe('cli');
    expect(f.dataDir).toBe('/env/dir');
  });

  it.each([
    [['--bogus'], /unknown option '--bogus'/],
    [['--listen-client-urls=localhost'], /--listen-client-urls: "localhost" is not a URL|must use http/],
    [['--listen-client-urls=http://127.0.0.1'], /has no port/],
    [['--listen-client-urls=https://127.0.0.1:2379'], /TLS \(https\) is not supported/],
    [['--initial-cluster-state=maybe'], /must be 'new' or 'existing'/],
    [['--initial-cluster=other=http://127.0.0.1:2380'], /no member named "default"/],
    [
      ['--initial-cluster=default=http://127.0.0.1:9999'],
      /--initial-advertise-peer-urls is http:\/\/127.0.0.1:2380/,
    ],
    [['--initial-cluster=default'], /is not name=URL/],
    [['--heartbeat-interval=abc'], /--heartbeat-interval must be a positive whole number/],
    [
      ['--experimental-watch-progress-notify-interval=soon'],
      /--experimental-watch-progress-notify-interval must be a positive duration/,
    ],
    [['--election-timeout=100', '--heartbeat-interval=50'], /at least 5 times/],
    [['--logger=syslog'], /--logger must be 'zap' or 'capnslog', not 'syslog'/],
    [['--log-level=loud'], /--log-level must be one of debug, info, warn, error, panic, fatal, not 'loud'/],
    [['extra'], /too many arguments/],
  ])('rejects %j with a message that names the problem', (argv, message) => {
    expect(() => parseStoreFlags(argv)).toThrow(FlagError);
    expect(() => parseStoreFlags(argv)).toThrow(message);
  });
});
