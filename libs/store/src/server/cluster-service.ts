import { createHash } from 'node:crypto';
import type { ServiceError } from '@grpc/grpc-js';
import { etcdserverpb } from '@flotilla/proto';
import { ConfigChangePendingError, InvalidConfigChangeError, LearnerNotCaughtUpError } from '@flotilla/raft';
import { EtcdError } from '../mvcc/errors.js';
import { RpcErrors } from '../rpc-errors.js';
import { nodeIdOf, type Member } from '../state-machine/member-table.js';
import { unary } from './grpc-handlers.js';
import type { LeaderProxy } from './leader-proxy.js';
import { toEtcdError } from './raft-errors.js';
import type { StoreNode } from './store-node.js';

/** etcd's Cluster service: the member table is replicated state; changes are Raft membership changes. */
export function clusterService(node: StoreNode, proxy: LeaderProxy): etcdserverpb.ClusterServer {
  const members = (): etcdserverpb.Member[] => node.sm.members.list().map(toWire);
  return {
    memberList: unary(async (req: etcdserverpb.MemberListRequest) => {
      if (req.linearizable) await node.linearizable();
      return { header: node.header(), members: members() };
    }),
    memberAdd: unary(async (req: etcdserverpb.MemberAddRequest) => {
      const peerUrls = validUrls(req.peerURLs);
      if (node.sm.members.list().some((m) => m.peerUrls.some((u) => peerUrls.includes(u)))) {
        throw new EtcdError(RpcErrors.peerUrlExist);
      }
      const id = newMemberId(peerUrls, node.identity.clusterId);
      const context = Buffer.from(JSON.stringify({ peerUrls }));
      await membershipChange(() =>
        req.isLearner
          ? node.raft.addLearner(nodeIdOf(id), context)
          : node.raft.addVoter(nodeIdOf(id), context),
      );
      const added = node.sm.members.get(id);
      const member = added
        ? toWire(added)
        : { ID: id, name: '', peerURLs: peerUrls, clientURLs: [], isLearner: req.isLearner };
      return { header: node.header(), member, members: members() };
    }),
    memberRemove: unary(async (req: etcdserverpb.MemberRemoveRequest) => {
      if (!node.sm.members.get(req.ID)) throw new EtcdError(RpcErrors.memberNotFound);
      await membershipChange(() => node.raft.removeServer(nodeIdOf(req.ID)));
      return { header: node.header(), members: members() };
    }),
    memberPromote: unary(async (req: etcdserverpb.MemberPromoteRequest, call) => {
      const m = node.sm.members.get(req.ID);
      if (!m) throw new EtcdError(RpcErrors.memberNotFound);
      if (!m.isLearner) throw new EtcdError(RpcErrors.memberNotLearner);
      if (!node.raft.isLeader()) {
        return await new Promise<etcdserverpb.MemberPromoteResponse>((resolve, reject) =>
          proxy
            .clusterClient()
            .memberPromote(req, call.metadata, { deadline: Date.now() + 10_000 }, (err, res) =>
              // Answered in this member's name, as etcd's followers do.
              err ? reject(err as ServiceError) : resolve({ ...res, header: node.header() }),
            ),
        );
      }
      await membershipChange(() => node.raft.promote(nodeIdOf(req.ID), { timeoutMs: 2000 }));
      return { header: node.header(), members: members() };
    }),
    memberUpdate: unary(async (req: etcdserverpb.MemberUpdateRequest) => {
      if (!node.sm.members.get(req.ID)) throw new EtcdError(RpcErrors.memberNotFound);
      await node.propose({ type: 'member-update', id: req.ID, peerUrls: validUrls(req.peerURLs) });
      return { header: node.header(), members: members() };
    }),
  };
}

export function toWire(m: Member): etcdserverpb.Member {
  return {
    ID: m.id,
    name: m.name,
    peerURLs: [...m.peerUrls],
    clientURLs: [...m.clientUrls],
    isLearner: m.isLearner,
  };
}

async function membershipChange(change: () => Promise<void>): Promise<void> {
  try {
    await change();
  } catch (e) {
    if (e instanceof LearnerNotCaughtUpError) throw new EtcdError(RpcErrors.learnerNotReady);
    if (e instanceof ConfigChangePendingError) throw new EtcdError(RpcErrors.unhealthy);
    if (e instanceof InvalidConfigChangeError) throw new EtcdError(RpcErrors.memberNotFound);
    throw toEtcdError(e);
  }
}

function validUrls(urls: readonly string[]): string[] {
  if (urls.length === 0) throw new EtcdError(RpcErrors.memberBadUrls);
  return urls.map((u) => {
    try {
      const url = new URL(u);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
      return `${url.protocol}//${url.host}`;
    } catch {
      throw new EtcdError(RpcErrors.memberBadUrls);
    }
  });
}

/** Like etcd: a hash of the peer URLs, the cluster and the time, cut to 52 bits (exact as a JS number). */
function newMemberId(peerUrls: readonly string[], clusterId: number): number {
  const h = createHash('sha1')
    .update([...peerUrls].sort().join(''))
    .update(String(clusterId))
    .update(String(Date.now()))
    .digest();
  const id = h.readUIntBE(0, 6) * 16 + (h[6] >> 4);
  return id === 0 ? 1 : id;
}
