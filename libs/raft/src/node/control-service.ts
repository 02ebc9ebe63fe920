import { status as GrpcStatus, type ServiceError, type sendUnaryData, Metadata } from '@grpc/grpc-js';
import { raftV1 } from '@flotilla/proto';
import type { RaftServer } from '../server/raft-server.js';
import { NotLeaderError } from '../server/errors.js';
import type { ExtraService } from '../transport/grpc-transport.js';
import { encodePut, type KvStateMachine } from './kv-state-machine.js';

/** Until the server has started, calls fail with UNAVAILABLE. */
export class ServerNotStartedError extends Error {
  constructor() {
    super('raft server is starting');
    this.name = 'ServerNotStartedError';
  }
}

/**
 * The RaftNodeControl gRPC service of the example node: writes, reads and status. It is served
 * by the transport's gRPC server, which exists before the RaftServer, hence `getServer`.
 */
export function controlService(getServer: () => RaftServer<number> | null, kv: KvStateMachine): ExtraService {
  const started = (): RaftServer<number> => {
    const server = getServer();
    if (!server) throw new ServerNotStartedError();
    return server;
  };
  const implementation: raftV1.RaftNodeControlServer = {
    propose: (call, callback) => {
      respond(callback, async () => {
        const server = started();
        const index = await server.propose(encodePut(call.request.key, call.request.value));
        return { index: index ?? 0 };
      });
    },
    read: (call, callback) => {
      respond(callback, async () => {
        const server = started();
        if (!call.request.local) await server.linearizableRead();
        const value = kv.get(call.request.key);
        return { found: value !== undefined, value: value ?? '', appliedIndex: kv.applied };
      });
    },
    status: (_call, callback) => {
      respond(callback, async () => {
        const s = started().status();
        return {
          id: s.id,
          role: s.role,
          term: s.term,
          leader: s.leader ?? '',
          commitIndex: s.commitIndex,
          appliedIndex: s.appliedIndex,
          lastIndex: s.lastIndex,
          snapshotIndex: s.snapshotIndex,
        };
      });
    },
  };
  return { definition: raftV1.RaftNodeControlService, implementation };
}

function respond<T>(callback: sendUnaryData<T>, work: () => Promise<T>): void {
  work().then(
    (value) => callback(null, value),
    (e: unknown) => callback(toServiceError(e)),
  );
}

function toServiceError(e: unknown): Partial<ServiceError> {
  const error = e instanceof Error ? e : new Error(String(e));
  const code = error instanceof NotLeaderError ? GrpcStatus.FAILED_PRECONDITION : GrpcStatus.UNAVAILABLE;
  return { code, details: `${error.name}: ${error.message}`, metadata: new Metadata() };
}
