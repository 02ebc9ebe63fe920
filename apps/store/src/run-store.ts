import { CommanderError } from 'commander';
import { StoreServer, StoreStartError } from '@flotilla/store';
import { FlagError, parseStoreFlags, type StoreFlags } from './flags.js';

/** Exit codes: 0 clean stop, 1 failure while running, 2 bad flags or start-up problem (as etcd). */
export async function runStore(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let flags: StoreFlags;
  try {
    flags = parseStoreFlags(argv, env);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode; // --help
    process.stderr.write(`flotilla-store: ${e instanceof FlagError ? e.message : String(e)}\n`);
    return 2;
  }
  let server: StoreServer;
  try {
    server = await StoreServer.start({
      name: flags.name,
      dataDir: flags.dataDir,
      listenClientUrls: flags.listenClientUrls,
      advertiseClientUrls: flags.advertiseClientUrls,
      listenPeerUrls: flags.listenPeerUrls,
      initialAdvertisePeerUrls: flags.initialAdvertisePeerUrls,
      initialCluster: flags.initialCluster,
      initialClusterState: flags.initialClusterState,
      initialClusterToken: flags.initialClusterToken,
      heartbeatMs: flags.heartbeatIntervalMs,
      electionMs: flags.electionTimeoutMs,
      snapshotCount: flags.snapshotCount,
      autoCompactionMode: flags.autoCompactionMode,
      autoCompactionRetention: flags.autoCompactionRetention,
      watchProgressNotifyMs: flags.watchProgressNotifyIntervalMs,
    });
  } catch (e) {
    const message =
      e instanceof StoreStartError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.stderr.write(`flotilla-store: ${message}\n`);
    return e instanceof StoreStartError ? 2 : 1;
  }
  const id = server.node.identity;
  // An info message: printed at --log-level debug or info (etcd's default), not above.
  if (flags.logLevel === 'debug' || flags.logLevel === 'info') {
    process.stdout.write(
      `${JSON.stringify({
        level: 'info',
        msg: 'serving client requests',
        name: flags.name,
        'member-id': id.memberId.toString(16),
        'cluster-id': id.clusterId.toString(16),
        'client-urls': flags.advertiseClientUrls,
        'peer-urls': flags.initialAdvertisePeerUrls,
      })}\n`,
    );
  }
  return await new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (code: number): void => {
      if (stopping) return;
      stopping = true;
      server.stop().then(
        () => resolve(code),
        () => resolve(1),
      );
    };
    server.node.raft.events.on('error', (e) => {
      process.stderr.write(`flotilla-store: raft failed: ${e.message}\n`);
      stop(1);
    });
    process.once('SIGTERM', () => stop(0));
    process.once('SIGINT', () => stop(0));
  });
}
