import { describe, expect, it } from 'vitest';
import { DEFAULT_CLUSTER_ID, parseNodeArgs } from './node-args.js';

describe('parseNodeArgs', () => {
  it('parses ids, peers and defaults', () => {
    const a = parseNodeArgs([
      '--id',
      'n1',
      '--port',
      '0',
      '--peers',
      'n2=127.0.0.1:7002,n3=127.0.0.1:7003',
      '--data-dir',
      '/d',
    ]);
    expect(a).toEqual({
      id: 'n1',
      clusterId: DEFAULT_CLUSTER_ID,
      join: false,
      port: 0,
      peers: { n2: '127.0.0.1:7002', n3: '127.0.0.1:7003' },
      dataDir: '/d',
      tickMs: 100,
      snapshotThreshold: 1000,
      snapshotTrailing: 100,
      segmentBytes: 1024 * 1024,
    });
  });

  it('parses --cluster-id and --join', () => {
    const a = parseNodeArgs([
      '--id',
      'n4',
      '--port',
      '1',
      '--data-dir',
      '/d',
      '--cluster-id',
      'c7',
      '--join',
    ]);
    expect(a).toMatchObject({ id: 'n4', clusterId: 'c7', join: true });
  });

  it('rejects missing or malformed arguments with the usage', () => {
    expect(() => parseNodeArgs(['--id', 'a', '--port', '1', '--data-dir', '/d', '--cluster-id', ''])).toThrow(
      /--cluster-id must not be empty[\s\S]*usage:/,
    );
    expect(() => parseNodeArgs(['--port', '1', '--data-dir', '/d'])).toThrow(/--id is required[\s\S]*usage:/);
    expect(() => parseNodeArgs(['--id', 'a', '--port', 'x', '--data-dir', '/d'])).toThrow(
      /--port must be an integer/,
    );
    expect(() => parseNodeArgs(['--id', 'a', '--port', '1', '--data-dir', '/d', '--peers', 'b'])).toThrow(
      /bad peer "b"/,
    );
    expect(() => parseNodeArgs(['--id', 'a', '--port', '1', '--data-dir', '/d', '--bogus'])).toThrow();
  });
});
