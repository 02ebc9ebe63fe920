import { join } from 'node:path';
import { credentials, Metadata, ServerCredentials, type Server, type ServiceDefinition } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { etcdserverpb } from '@flotilla/proto';
import { createGrpcServer, FileStorage, GrpcTransport } from '@flotilla/raft';
import { parseRetention, type AutoCompaction } from '../compaction/auto-compactor.js';
import { EtcdError } from '../mvcc/errors.js';
import { RpcErrors } from '../rpc-errors.js';
import { nodeIdOf } from '../state-machine/member-table.js';
import { unary } from './grpc-handlers.js';
import { clusterService } from './cluster-service.js';
import {
  hexId,
  initialClusterId,
  initialMemberId,
  readIdentity,
  writeIdentity,
  type StoredIdentity,
} from './cluster-identity.js';
import { kvService } from './kv-service.js';
import { refuseOnLearner } from './learner-guard.js';
import { LeaderProxy } from './leader-proxy.js';
import { leaseService } from './lease-service.js';
import { authService, maintenanceService } from './maintenance-service.js';
import { StoreNode } from './store-node.js';
import { watchService } from './watch-service.js';

export interface StoreServerOptions {
  readonly name: string;
  readonly dataDir: string;
  readonly listenClientUrls: readonly URL[];
  readonly advertiseClientUrls: readonly string[];
  readonly listenPeerUrls: readonly URL[];
  readonly initialAdvertisePeerUrls: readonly string[];
  readonly initialCluster: ReadonlyMap<string, readonly string[]>;
  readonly initialClusterState: 'new' | 'existing';
  readonly initialClusterToken: string;
  readonly heartbeatMs: number;
  readonly electionMs: number;
  readonly snapshotCount: number;
  readonly watchProgressNotifyMs?: number;
  /** etcd's --auto-compaction-mode and --auto-compaction-retention ('' = off). */
  readonly autoCompactionMode?: 'periodic' | 'revision';
  readonly autoCompactionRetention?: string;
  /** Raft log segment size (default 16 MiB). */
  readonly segmentBytes?: number;
}

/** A start-up problem the operator must fix (bad data dir, wrong cluster, port in use): exit 2. */
export class StoreStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreStartError';
  }
}

/** A flotilla-store member: etcd's v3 gRPC API on the client URLs, Raft on the peer URL. */
export class StoreServer {
  private constructor(
    readonly node: StoreNode,
    private readonly clientServer: Server,
    private readonly proxy: LeaderProxy,
    readonly clientPorts: readonly number[],
    readonly peerPort: number,
  ) {}

  static async start(o: StoreServerOptions): Promise<StoreServer> {
    if (o.listenPeerUrls.length !== 1) {
      throw new StoreStartError(
        `--listen-peer-urls: flotilla-store listens on exactly one peer URL, got ${o.listenPeerUrls.length}`,
      );
    }
    let autoCompaction: AutoCompaction | null;
    try {
      autoCompaction = parseRetention(o.autoCompactionMode ?? 'periodic', o.autoCompactionRetention ?? '');
    } catch (e) {
      throw new StoreStartError(e instanceof Error ? e.message : String(e));
    }
    const memberDir = join(o.dataDir, 'member');
    const identity = await resolveIdentity(o, memberDir);
    const clusterHex = hexId(identity.clusterId);
    let storage: FileStorage;
    try {
      storage = await FileStorage.open(join(memberDir, 'raft'), {
        clusterId: clusterHex,
        segmentBytes: o.segmentBytes ?? 16 << 20,
      });
    } catch (e) {
      throw new StoreStartError(`data dir ${o.dataDir}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const peerUrl = o.listenPeerUrls[0];
    const peers: Record<string, string> = {};
    for (const [, urls] of o.initialCluster) {
      const id = initialMemberId(urls, o.initialClusterToken);
      if (id !== identity.memberId) peers[nodeIdOf(id)] = new URL(urls[0]).host;
    }
    let node: StoreNode | null = null;
    let transport: GrpcTransport;
    try {
      transport = await GrpcTransport.start({
        id: nodeIdOf(identity.memberId),
        clusterId: clusterHex,
        host: hostOf(peerUrl),
        port: Number(peerUrl.port),
        peers,
        // Joining members ask an existing member's peer URL for the member list.
        services: [
          {
            definition: etcdserverpb.ClusterService,
            implementation: {
              memberList: unary((): etcdserverpb.MemberListResponse => {
                if (!node) throw new EtcdError(RpcErrors.notCapable);
                return { header: node.header(), members: node.sm.members.list().map(toMember) };
              }),
            },
          },
        ],
      });
    } catch (e) {
      await storage.close();
      throw new StoreStartError(bindError('--listen-peer-urls', peerUrl, e));
    }
    const bootstrap =
      o.initialClusterState === 'new'
        ? {
            voters: [...o.initialCluster.values()].map((urls) =>
              nodeIdOf(initialMemberId(urls, o.initialClusterToken)),
            ),
            learners: [],
          }
        : undefined;
    node = await StoreNode.start({
      identity: {
        clusterId: identity.clusterId,
        memberId: identity.memberId,
        name: o.name,
        peerUrls: o.initialAdvertisePeerUrls,
        clientUrls: o.advertiseClientUrls,
      },
      storage,
      transport,
      bootstrap,
      heartbeatMs: o.heartbeatMs,
      electionMs: o.electionMs,
      snapshotCount: o.snapshotCount,
      autoCompaction,
    });
    const proxy = new LeaderProxy(node);
    const server = createGrpcServer({ 'grpc.max_receive_message_length': 16 << 20 });
    const addService = (definition: ServiceDefinition, implementation: object): void =>
      server.addService(definition, refuseOnLearner(node, definition, implementation));
    addService(etcdserverpb.KVService, kvService(node));
    addService(etcdserverpb.WatchService, watchService(node, { progressNotifyMs: o.watchProgressNotifyMs }));
    addService(etcdserverpb.LeaseService, leaseService(node, proxy));
    addService(etcdserverpb.ClusterService, clusterService(node, proxy));
    addService(etcdserverpb.MaintenanceService, maintenanceService(node));
    addService(etcdserverpb.AuthService, authService());
    const health = new HealthImplementation({ '': 'SERVING' });
    health.addToServer(server);
    const ports: number[] = [];
    for (const url of o.listenClientUrls) {
      try {
        ports.push(
          await new Promise<number>((resolve, reject) =>
            server.bindAsync(`${hostOf(url)}:${url.port}`, ServerCredentials.createInsecure(), (err, port) =>
              err ? reject(err) : resolve(port),
            ),
          ),
        );
      } catch (e) {
        server.forceShutdown();
        await node.stop();
        throw new StoreStartError(bindError('--listen-client-urls', url, e));
      }
    }
    return new StoreServer(node, server, proxy, ports, transport.port);
  }

  async stop(): Promise<void> {
    this.proxy.close();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.clientServer.forceShutdown();
        resolve();
      }, 1000);
      this.clientServer.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    await this.node.stop();
  }
}

function toMember(m: {
  id: number;
  name: string;
  peerUrls: string[];
  clientUrls: string[];
  isLearner: boolean;
}): etcdserverpb.Member {
  return { ID: m.id, name: m.name, peerURLs: m.peerUrls, clientURLs: m.clientUrls, isLearner: m.isLearner };
}

/** grpc-js wants `[::1]` brackets for IPv6 and has no use for `localhost` resolving twice. */
function hostOf(url: URL): string {
  return url.hostname === 'localhost' ? '127.0.0.1' : url.hostname;
}

function bindError(flag: string, url: URL, e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (/EADDRINUSE|address already in use|No address added/i.test(message)) {
    return `port ${url.port} is already in use (${flag} ${url.origin}); stop what listens there or pick another port`;
  }
  return `cannot listen on ${url.origin} (${flag}): ${message}`;
}

/** Who this member is: remembered in the data dir, computed (new cluster) or asked of a peer (existing). */
async function resolveIdentity(o: StoreServerOptions, memberDir: string): Promise<StoredIdentity> {
  let stored: StoredIdentity | null;
  try {
    stored = await readIdentity(memberDir);
  } catch (e) {
    throw new StoreStartError(e instanceof Error ? e.message : String(e));
  }
  const memberId = initialMemberId(o.initialAdvertisePeerUrls, o.initialClusterToken);
  if (o.initialClusterState === 'new') {
    const ids = [...o.initialCluster.values()].map((urls) => initialMemberId(urls, o.initialClusterToken));
    const clusterId = initialClusterId(ids, o.initialClusterToken);
    if (stored && stored.clusterId !== clusterId) {
      throw new StoreStartError(
        `data dir ${o.dataDir} belongs to cluster ${hexId(stored.clusterId)}, not ${hexId(clusterId)} (from --initial-cluster and --initial-cluster-token); use another --data-dir or the flags that created it`,
      );
    }
    const identity = stored ?? { clusterId, memberId, name: o.name };
    if (!stored) await writeIdentity(memberDir, identity);
    return identity;
  }
  if (stored) return stored;
  const joined = await askCluster(o);
  await writeIdentity(memberDir, joined);
  return joined;
}

/** A new member of an existing cluster finds its id (from MemberAdd) in a peer's member list. */
async function askCluster(o: StoreServerOptions): Promise<StoredIdentity> {
  const mine = [...o.initialAdvertisePeerUrls].sort().join(',');
  const errors: string[] = [];
  for (const [name, urls] of o.initialCluster) {
    if (name === o.name) continue;
    const address = new URL(urls[0]).host;
    const client = new etcdserverpb.ClusterClient(address, credentials.createInsecure());
    try {
      const res = await new Promise<etcdserverpb.MemberListResponse>((resolve, reject) =>
        client.memberList(
          { linearizable: false },
          new Metadata(),
          { deadline: Date.now() + 3000 },
          (err, r) => (err ? reject(err) : resolve(r)),
        ),
      );
      const me = res.members.find((m) => [...m.peerURLs].sort().join(',') === mine);
      if (!me) {
        throw new StoreStartError(
          `member ${o.name} (peer URLs ${mine}) is not in the cluster's member list; add it first (etcdctl member add ${o.name} --peer-urls=${mine})`,
        );
      }
      return { clusterId: res.header?.clusterId ?? 0, memberId: me.ID, name: o.name };
    } catch (e) {
      if (e instanceof StoreStartError) throw e;
      errors.push(`${name} at ${address}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      client.close();
    }
  }
  throw new StoreStartError(
    `--initial-cluster-state existing: no member of --initial-cluster answered (${errors.join('; ') || 'no other members listed'})`,
  );
}
