import { status as GrpcStatus, type ServiceError, type sendUnaryData, Metadata } from '@grpc/grpc-js';
import { raftV1 } from '@flotilla/proto';
import type { Storage } from '../interfaces/storage.js';
import type { RaftServer } from '../server/raft-server.js';
import { NotLeaderError } from '../server/errors.js';
import type { ExtraService, GrpcTransport } from '../transport/grpc-transport.js';
import { encodePut, type KvStateMachine } from './kv-state-machine.js';
import { statusResponse } from './node-status.js';

/** Until the server has started, calls fail with UNAVAILABLE. */
export class ServerNotStartedError extends Error {
  constructor() {
    super('raft server is starting');
    this.name = 'ServerNotStartedError';
  }
}

/** What the control service serves from, once everything has started. */
export interface ControlledNode {
  readonly server: RaftServer<number>;
  readonly storage: Storage;
  readonly transport: GrpcTransport;
}

/**
 * The RaftNodeControl gRPC service of the example node: writes, reads and status. It is served
 * by the transport's gRPC server, which exists before the RaftServer, hence `getNode`.
 * Propose puts no limit of its own on key or value size: the gRPC message limit applies.
 */
export function controlService(getNode: () => ControlledNode | null, kv: KvStateMachine): ExtraService {
  const started = (): ControlledNode => {
    const node = getNode();
    if (!node) throw new ServerNotStartedError();
    return node;
  };
  const implementation: raftV1.RaftNodeControlServer = {
    propose: (call, callback) => {
      respond(callback, async () => {
        const { server } = started();
        const index = await server.propose(encodePut(call.request.key, call.request.value));
        return { index: index ?? 0 };
      });
    },
    proposeStream: (call) => {
      call.on('data', (req: raftV1.ProposeStreamRequest) => {
        const answer = (index: number, error: string): void => {
          if (!call.writableEnded && !call.destroyed) call.write({ id: req.id, index, error });
        };
        let pending: Promise<number | undefined>;
        try {
          pending = started().server.propose(encodePut(req.key, req.value));
        } catch (e) {
          answer(0, describe(e));
          return;
        }
        pending.then(
          (index) => answer(index ?? 0, ''),
          (e: unknown) => answer(0, describe(e)),
        );
      });
      call.on('end', () => call.end());
      call.on('error', () => undefined);
    },
    read: (call, callback) => {
      respond(callback, async () => {
        const { server } = started();
        if (!call.request.local) await server.linearizableRead();
        const value = kv.get(call.request.key);
        return { found: value !== undefined, value: value ?? '', appliedIndex: kv.applied };
      });
    },
    status: (_call, callback) => {
      respond(callback, async () => {
        const { server, storage, transport } = started();
        return statusResponse(server.status(), storage.stats?.(), transport.stats());
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

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
