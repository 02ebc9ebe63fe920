import { credentials } from '@grpc/grpc-js';
import { etcdserverpb } from '@flotilla/proto';
import { EtcdError } from '../mvcc/errors.js';
import { RpcErrors } from '../rpc-errors.js';
import type { StoreNode } from './store-node.js';

/**
 * Calls that only the leader can answer (lease keep-alives and time-to-live, learner promotion)
 * are passed to the leader's client URL, as etcd's followers do.
 */
export class LeaderProxy {
  private readonly leases = new Map<string, etcdserverpb.LeaseClient>();
  private readonly clusters = new Map<string, etcdserverpb.ClusterClient>();

  constructor(private readonly node: StoreNode) {}

  leaseClient(): etcdserverpb.LeaseClient {
    const address = this.leaderAddress();
    let c = this.leases.get(address);
    if (!c) {
      c = new etcdserverpb.LeaseClient(address, credentials.createInsecure());
      this.leases.set(address, c);
    }
    return c;
  }

  clusterClient(): etcdserverpb.ClusterClient {
    const address = this.leaderAddress();
    let c = this.clusters.get(address);
    if (!c) {
      c = new etcdserverpb.ClusterClient(address, credentials.createInsecure());
      this.clusters.set(address, c);
    }
    return c;
  }

  close(): void {
    for (const c of this.leases.values()) c.close();
    for (const c of this.clusters.values()) c.close();
    this.leases.clear();
    this.clusters.clear();
  }

  private leaderAddress(): string {
    const leader = this.node.leaderMember();
    const url = leader?.clientUrls[0];
    if (!url) throw new EtcdError(RpcErrors.noLeader);
    return new URL(url).host;
  }
}
