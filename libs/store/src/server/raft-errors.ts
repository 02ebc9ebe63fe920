import {
  LeadershipTransferInProgressError,
  NotLeaderError,
  OverloadedError,
  ProposalCoveredBySnapshotError,
  ProposalDroppedError,
  ProposalTimeoutError,
  ReadIndexTimeoutError,
  ServerStoppedError,
} from '@flotilla/raft';
import { EtcdError } from '../mvcc/errors.js';
import { RpcErrors } from '../rpc-errors.js';

/** Raft's typed errors as the etcd errors clients know (clientv3 retries the UNAVAILABLE ones). */
export function toEtcdError(e: unknown): Error {
  if (e instanceof EtcdError) return e;
  if (e instanceof NotLeaderError)
    return new EtcdError(e.leader ? RpcErrors.leaderChanged : RpcErrors.noLeader);
  if (e instanceof LeadershipTransferInProgressError) return new EtcdError(RpcErrors.leaderChanged);
  if (e instanceof ProposalDroppedError) return new EtcdError(RpcErrors.leaderChanged);
  if (e instanceof OverloadedError) return new EtcdError(RpcErrors.tooManyRequests);
  if (e instanceof ProposalTimeoutError) {
    return new EtcdError(e.leaderLost ? RpcErrors.timeoutDueToLeaderFail : RpcErrors.timeout);
  }
  if (e instanceof ReadIndexTimeoutError || e instanceof ProposalCoveredBySnapshotError) {
    return new EtcdError(RpcErrors.timeout);
  }
  if (e instanceof ServerStoppedError) return new EtcdError(RpcErrors.stopped);
  return e instanceof Error ? e : new Error(String(e));
}
