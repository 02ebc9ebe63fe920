import { Metadata, type ClientDuplexStream, type ServerDuplexStream, type ServiceError } from '@grpc/grpc-js';
import { etcdserverpb } from '@flotilla/proto';
import { EtcdError } from '../mvcc/errors.js';
import { RpcErrors } from '../rpc-errors.js';
import { toServiceError, unary } from './grpc-handlers.js';
import { toEtcdError } from './raft-errors.js';
import type { LeaderProxy } from './leader-proxy.js';
import type { StoreNode } from './store-node.js';

type KeepAliveStream = ServerDuplexStream<
  etcdserverpb.LeaseKeepAliveRequest,
  etcdserverpb.LeaseKeepAliveResponse
>;
type Upstream = ClientDuplexStream<etcdserverpb.LeaseKeepAliveRequest, etcdserverpb.LeaseKeepAliveResponse>;

/**
 * etcd's Lease service. Grants and revocations go through Raft; keep-alives and time-to-live are
 * the leader's (lease time lives in its memory), so a follower passes them on to the leader.
 */
export function leaseService(node: StoreNode, proxy: LeaderProxy): etcdserverpb.LeaseServer {
  return {
    leaseGrant: unary(async (req: etcdserverpb.LeaseGrantRequest) => {
      const r = (await node.propose({
        type: 'lease-grant',
        request: req,
      })) as etcdserverpb.LeaseGrantResponse;
      return { ...r, header: node.header() };
    }),
    leaseRevoke: unary(async (req: etcdserverpb.LeaseRevokeRequest) => {
      const r = (await node.propose({
        type: 'lease-revoke',
        request: req,
      })) as etcdserverpb.LeaseRevokeResponse;
      return { ...r, header: node.header(r.header?.revision) };
    }),
    leaseTimeToLive: unary(async (req: etcdserverpb.LeaseTimeToLiveRequest, call) => {
      if (!node.raft.isLeader()) {
        return await new Promise<etcdserverpb.LeaseTimeToLiveResponse>((resolve, reject) =>
          proxy
            .leaseClient()
            .leaseTimeToLive(req, call.metadata, { deadline: Date.now() + 5000 }, (err, res) =>
              // Answered in this member's name, as etcd's followers do.
              err ? reject(err) : resolve({ ...res, header: node.header() }),
            ),
        );
      }
      await confirmLeadership(node);
      const lease = node.sm.mvcc.lease(req.ID);
      // As etcd: an unknown (or expired) lease is not an error here but TTL -1.
      if (!lease) return { header: node.header(), ID: req.ID, TTL: -1, grantedTTL: 0, keys: [] };
      return {
        header: node.header(),
        ID: req.ID,
        TTL: node.keeper.remaining(req.ID),
        grantedTTL: lease.ttl,
        keys: req.keys ? node.sm.mvcc.leaseKeys(req.ID) : [],
      };
    }),
    leaseLeases: unary(async () => {
      await node.linearizable();
      return { header: node.header(), leases: node.sm.mvcc.leases().map((l) => ({ ID: l.id })) };
    }),
    leaseKeepAlive: (call: KeepAliveStream) => keepAlive(node, proxy, call),
  };
}

function keepAlive(node: StoreNode, proxy: LeaderProxy, call: KeepAliveStream): void {
  let upstream: Upstream | null = null;
  let closed = false;
  const fail = (e: unknown): void => {
    if (closed) return;
    closed = true;
    upstream?.cancel();
    call.emit('error', toServiceError(e) as ServiceError);
  };
  const forward = (req: etcdserverpb.LeaseKeepAliveRequest): void => {
    if (!upstream) {
      const up = proxy.leaseClient().leaseKeepAlive(new Metadata());
      up.on('data', (res: etcdserverpb.LeaseKeepAliveResponse) => {
        if (!closed) call.write({ ...res, header: node.header() });
      });
      // The leader went away: the client's keep-alive loop reconnects (possibly to this member).
      up.on('error', (e: unknown) => fail(e instanceof Error ? new EtcdError(RpcErrors.leaderChanged) : e));
      up.on('end', () => fail(new EtcdError(RpcErrors.leaderChanged)));
      upstream = up;
    }
    upstream.write(req);
  };
  const answer = async (req: etcdserverpb.LeaseKeepAliveRequest): Promise<void> => {
    await confirmLeadership(node);
    const lease = node.sm.mvcc.lease(req.ID);
    const alive = lease !== undefined && node.keeper.keepAlive(req.ID, lease.ttl);
    if (!closed) call.write({ header: node.header(), ID: req.ID, TTL: alive ? lease.ttl : 0 });
  };
  call.on('data', (req: etcdserverpb.LeaseKeepAliveRequest) => {
    if (closed) return;
    try {
      if (node.raft.isLeader()) {
        // A leader that turns out deposed passes the renewal on to the new one; with no leader
        // known the request is dropped and the client's next keep-alive tries again, so one
        // failed check never ends the client's stream (and its lease) while a new leader is up.
        answer(req).catch(() => {
          if (node.raft.isLeader()) return;
          try {
            forward(req);
          } catch {
            // no leader known yet
          }
        });
      } else {
        forward(req);
      }
    } catch (e) {
      fail(e);
    }
  });
  call.on('end', () => {
    closed = true;
    upstream?.end();
    call.end();
  });
  call.on('cancelled', () => {
    closed = true;
    upstream?.cancel();
  });
  call.on('error', () => {
    closed = true;
    upstream?.cancel();
  });
}

/**
 * Lease time is the leader's: before it renews a lease or reports its time, a leader confirms with
 * a quorum that it still leads (a deposed leader in a partition would otherwise promise a TTL the
 * real leader does not honour), and that it has extended every lease since taking over.
 */
async function confirmLeadership(node: StoreNode): Promise<void> {
  await node.keeper.whenLeading(2000);
  try {
    await node.raft.readIndex({ timeoutMs: 2000 });
  } catch (e) {
    throw toEtcdError(e);
  }
  if (!node.raft.isLeader() || !node.keeper.isLeading) throw new EtcdError(RpcErrors.leaderChanged);
}
