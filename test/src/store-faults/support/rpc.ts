import { credentials, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { etcdserverpb } from '@flotilla/proto';

/*
 * etcd's v3 services of one member over plain gRPC (the workspace's generated clients): what the
 * tests use to ask a particular member (Status, member changes, MoveLeader) rather than any member,
 * as the etcd3 client does.
 */

type Callback<R> = (error: ServiceError | null, response: R) => void;
type UnaryFn<Q, R> = (
  request: Q,
  metadata: Metadata,
  options: { deadline: number },
  callback: Callback<R>,
) => void;

function call<Q, R>(client: Client, fn: UnaryFn<Q, R>, request: Q, timeoutMs: number): Promise<R> {
  return new Promise<R>((resolve, reject) =>
    fn.call(client, request, new Metadata(), { deadline: Date.now() + timeoutMs }, (error, response) =>
      error ? reject(error) : resolve(response),
    ),
  );
}

export class MemberRpc {
  readonly kv: etcdserverpb.KVClient;
  readonly maintenance: etcdserverpb.MaintenanceClient;
  readonly cluster: etcdserverpb.ClusterClient;
  readonly watch: etcdserverpb.WatchClient;
  readonly lease: etcdserverpb.LeaseClient;

  constructor(readonly endpoint: string) {
    const c = credentials.createInsecure();
    // One channel per member, shared by every service client.
    const options = { 'grpc.initial_reconnect_backoff_ms': 100, 'grpc.max_reconnect_backoff_ms': 1000 };
    this.kv = new etcdserverpb.KVClient(endpoint, c, options);
    const channelOverride = this.kv.getChannel();
    const shared = { ...options, channelOverride };
    this.maintenance = new etcdserverpb.MaintenanceClient(endpoint, c, shared);
    this.cluster = new etcdserverpb.ClusterClient(endpoint, c, shared);
    this.watch = new etcdserverpb.WatchClient(endpoint, c, shared);
    this.lease = new etcdserverpb.LeaseClient(endpoint, c, shared);
  }

  status(timeoutMs = 1000): Promise<etcdserverpb.StatusResponse> {
    return call(this.maintenance, this.maintenance.status, {}, timeoutMs);
  }

  moveLeader(targetID: number, timeoutMs = 10_000): Promise<etcdserverpb.MoveLeaderResponse> {
    return call(this.maintenance, this.maintenance.moveLeader, { targetID }, timeoutMs);
  }

  memberList(timeoutMs = 2000): Promise<etcdserverpb.MemberListResponse> {
    return call(this.cluster, this.cluster.memberList, { linearizable: true }, timeoutMs);
  }

  memberAdd(
    peerURLs: string[],
    isLearner: boolean,
    timeoutMs = 10_000,
  ): Promise<etcdserverpb.MemberAddResponse> {
    return call(this.cluster, this.cluster.memberAdd, { peerURLs, isLearner }, timeoutMs);
  }

  memberPromote(ID: number, timeoutMs = 10_000): Promise<etcdserverpb.MemberPromoteResponse> {
    return call(this.cluster, this.cluster.memberPromote, { ID }, timeoutMs);
  }

  memberRemove(ID: number, timeoutMs = 10_000): Promise<etcdserverpb.MemberRemoveResponse> {
    return call(this.cluster, this.cluster.memberRemove, { ID }, timeoutMs);
  }

  range(request: Partial<etcdserverpb.RangeRequest>, timeoutMs = 3000): Promise<etcdserverpb.RangeResponse> {
    return call(this.kv, this.kv.range, etcdserverpb.RangeRequest.fromPartial(request), timeoutMs);
  }

  put(request: Partial<etcdserverpb.PutRequest>, timeoutMs = 3000): Promise<etcdserverpb.PutResponse> {
    return call(this.kv, this.kv.put, etcdserverpb.PutRequest.fromPartial(request), timeoutMs);
  }

  close(): void {
    this.lease.close();
    this.watch.close();
    this.cluster.close();
    this.maintenance.close();
    this.kv.close();
  }
}
