import { etcdserverpb } from '@flotilla/proto';
import { EtcdError } from '../mvcc/errors.js';
import { RpcErrors } from '../rpc-errors.js';
import { nodeIdOf } from '../state-machine/member-table.js';
import { unary, unimplemented, unimplementedStream } from './grpc-handlers.js';
import { toEtcdError } from './raft-errors.js';
import type { StoreNode } from './store-node.js';

/** The etcd API version flotilla-store speaks (its vendored .proto files are 3.5's). */
export const STORE_API_VERSION = '3.5.0';

/** etcd's Maintenance service: Status, MoveLeader and an always-empty alarm list. */
export function maintenanceService(node: StoreNode): etcdserverpb.MaintenanceServer {
  return {
    status: unary((): etcdserverpb.StatusResponse => {
      const s = node.raft.status();
      const stats = node.sm.mvcc.memoryStats();
      const size = stats.logBytes + stats.valueBytes;
      const leader = node.leaderMember();
      return {
        header: node.header(),
        version: STORE_API_VERSION,
        dbSize: size,
        leader: leader?.id ?? (s.leader ? Number.parseInt(s.leader, 16) : 0),
        raftIndex: s.commitIndex,
        raftTerm: s.term,
        raftAppliedIndex: s.appliedIndex,
        errors: [],
        dbSizeInUse: size,
        isLearner: s.membership.learners.includes(s.id),
      };
    }),
    moveLeader: unary(async (req: etcdserverpb.MoveLeaderRequest) => {
      if (!node.raft.isLeader()) throw new EtcdError(RpcErrors.notLeader);
      const target = node.sm.members.get(req.targetID);
      if (!target || target.isLearner) throw new EtcdError(RpcErrors.badLeaderTransferee);
      try {
        await node.raft.transferLeadership(nodeIdOf(req.targetID));
      } catch (e) {
        throw toEtcdError(e);
      }
      return { header: node.header() };
    }),
    alarm: unary(() => ({ header: node.header(), alarms: [] })),
    defragment: unimplemented('Maintenance.Defragment'),
    hash: unimplemented('Maintenance.Hash'),
    hashKv: unimplemented('Maintenance.HashKV'),
    snapshot: unimplementedStream('Maintenance.Snapshot'),
    downgrade: unimplemented('Maintenance.Downgrade'),
  };
}

/** Auth is not built yet: every call answers UNIMPLEMENTED, naming the method. */
export function authService(): etcdserverpb.AuthServer {
  const methods = Object.keys(etcdserverpb.AuthService) as (keyof typeof etcdserverpb.AuthService)[];
  const impl: Record<string, unknown> = {};
  for (const m of methods) impl[m] = unimplemented(`Auth.${m.charAt(0).toUpperCase()}${m.slice(1)}`);
  return impl as etcdserverpb.AuthServer;
}
