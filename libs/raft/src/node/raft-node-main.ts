#!/usr/bin/env node
import { SystemClock } from '../memory/system-clock.js';
import { RaftServer } from '../server/raft-server.js';
import { FileStorage } from '../storage/file-storage.js';
import { GrpcTransport } from '../transport/grpc-transport.js';
import { controlService, type ControlledNode } from './control-service.js';
import { KvStateMachine } from './kv-state-machine.js';
import { parseNodeArgs } from './node-args.js';

/**
 * A Raft key-value server: file storage in --data-dir; Raft transport and the RaftNodeControl
 * API on 127.0.0.1:--port. Prints one JSON line {"event":"listening",...} once serving.
 * The initial members are this server and --peers, unless --join: then the server starts with
 * no configuration and waits for the cluster's leader to add it. A restart recovers from --data-dir.
 */
async function main(): Promise<void> {
  const args = parseNodeArgs(process.argv.slice(2));
  const storage = await FileStorage.open(args.dataDir, {
    segmentBytes: args.segmentBytes,
    clusterId: args.clusterId,
  });
  const kv = new KvStateMachine();
  let node: ControlledNode | null = null;
  const transport = await GrpcTransport.start({
    id: args.id,
    clusterId: args.clusterId,
    port: args.port,
    peers: args.peers,
    services: [controlService(() => node, kv)],
  });
  const server = await RaftServer.start<number>({
    id: args.id,
    // A joining server must not write a configuration of its own: it learns the cluster's from the leader.
    bootstrap: args.join ? undefined : { voters: [args.id, ...Object.keys(args.peers)].sort(), learners: [] },
    storage,
    transport,
    stateMachine: kv,
    clock: new SystemClock(),
    tickMs: args.tickMs,
    snapshotThreshold: args.snapshotThreshold,
    snapshotTrailing: args.snapshotTrailing,
  });
  node = { server, storage, transport };
  let stopping = false;
  const shutdown = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await server.stop(); // also closes the storage once its last write is done
    process.exit(code);
  };
  server.events.on('error', (e) => {
    process.stderr.write(`raft server ${args.id} failed: ${e.stack ?? e.message}\n`);
    void shutdown(1);
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(0));
  process.stdout.write(`${JSON.stringify({ event: 'listening', id: args.id, port: transport.port })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
