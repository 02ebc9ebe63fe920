import { parseArgs } from 'node:util';
import type { NodeId } from '../core/types.js';

/** Used when --cluster-id is not given: fine for one cluster, give each cluster its own otherwise. */
export const DEFAULT_CLUSTER_ID = 'flotilla';

export interface NodeArgs {
  readonly id: NodeId;
  /** Stamped on every Raft message and recorded in the data dir; other clusters' messages are dropped. */
  readonly clusterId: string;
  /** Join an existing cluster: never write a bootstrap configuration (the leader adds this server). */
  readonly join: boolean;
  readonly port: number;
  /** Peer id -> "host:port" (this server excluded). */
  readonly peers: Readonly<Record<NodeId, string>>;
  readonly dataDir: string;
  readonly tickMs: number;
  readonly snapshotThreshold: number;
  readonly snapshotTrailing: number;
  readonly segmentBytes: number;
}

export const USAGE =
  'usage: raft-node-main --id ID --port PORT --peers ID=HOST:PORT,... --data-dir DIR ' +
  `[--cluster-id ${DEFAULT_CLUSTER_ID}] [--join] ` +
  '[--tick-ms 100] [--snapshot-threshold 1000] [--snapshot-trailing 100] [--segment-bytes 1048576]';

/** Parses the command line; throws with USAGE on anything missing or malformed. */
export function parseNodeArgs(argv: readonly string[]): NodeArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      id: { type: 'string' },
      'cluster-id': { type: 'string', default: DEFAULT_CLUSTER_ID },
      join: { type: 'boolean', default: false },
      port: { type: 'string' },
      peers: { type: 'string', default: '' },
      'data-dir': { type: 'string' },
      'tick-ms': { type: 'string', default: '100' },
      'snapshot-threshold': { type: 'string', default: '1000' },
      'snapshot-trailing': { type: 'string', default: '100' },
      'segment-bytes': { type: 'string', default: String(1024 * 1024) },
    },
    strict: true,
  });
  const fail = (why: string): never => {
    throw new Error(`${why}\n${USAGE}`);
  };
  const int = (name: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    return Number.isInteger(n) && n >= min ? n : fail(`--${name} must be an integer >= ${min}`);
  };
  const peers: Record<NodeId, string> = {};
  for (const item of (values.peers ?? '').split(',').filter((s) => s.length > 0)) {
    const m = /^([^=]+)=(.+:\d+)$/.exec(item);
    if (!m) fail(`bad peer "${item}" (want ID=HOST:PORT)`);
    else peers[m[1]] = m[2];
  }
  return {
    id: values.id ?? fail('--id is required'),
    clusterId: values['cluster-id'] || fail('--cluster-id must not be empty'),
    join: values.join ?? false,
    port: int('port', values.port, 0),
    peers,
    dataDir: values['data-dir'] ?? fail('--data-dir is required'),
    tickMs: int('tick-ms', values['tick-ms'], 1),
    snapshotThreshold: int('snapshot-threshold', values['snapshot-threshold'], 0),
    snapshotTrailing: int('snapshot-trailing', values['snapshot-trailing'], 0),
    segmentBytes: int('segment-bytes', values['segment-bytes'], 64),
  };
}
