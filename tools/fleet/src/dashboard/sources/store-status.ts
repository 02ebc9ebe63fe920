import { credentials, Metadata } from '@grpc/grpc-js';
import { etcdserverpb } from '@flotilla/proto';

export interface StoreMemberRef {
  name: string;
  /** Client URL, e.g. http://127.0.0.1:2379 */
  address: string;
  /** The fleet's word on the member's process (running, killed, paused...), passed through. */
  state?: string;
}

export interface StoreMemberView {
  name: string;
  address: string;
  reachable: boolean;
  error?: string;
  isLeader: boolean;
  term?: number;
  raftIndex?: number;
  appliedIndex?: number;
  /** The leader's raft index minus this member's (0 for the leader; undefined without a leader). */
  lag?: number;
  isLearner?: boolean;
}

export interface StoreView {
  /** The leader's member name; undefined while there is none (or it does not answer). */
  leader?: string;
  term?: number;
  members: StoreMemberView[];
}

/** A member's gRPC target: the client URL without its scheme. */
function grpcTarget(clientUrl: string): string {
  return clientUrl.replace(/^https?:\/\//, '').replace(/\/$/, '');
}

/**
 * Asks every store (or etcd) member for its Maintenance.Status, one client per member so that a
 * paused member only times out its own row. The leader is the member whose own ID is the leader ID
 * that the members report.
 */
export class StoreStatusProbe {
  private readonly clients = new Map<string, etcdserverpb.MaintenanceClient>();

  async poll(members: readonly StoreMemberRef[], timeoutMs: number): Promise<StoreView> {
    this.forgetOthers(members);
    const answers = await Promise.all(
      members.map(async (m) => {
        try {
          return { member: m, status: await this.status(m.address, timeoutMs) };
        } catch (error) {
          return { member: m, error: (error as Error).message };
        }
      }),
    );
    // The leader is a member that names itself leader; should a deposed one still think so, the
    // higher term wins.
    const leaderStatus = answers
      .filter((a) => a.status && a.status.leader !== 0 && a.status.leader === a.status.header?.memberId)
      .sort((a, b) => (b.status?.raftTerm ?? 0) - (a.status?.raftTerm ?? 0))[0];
    const leaderIndex = leaderStatus?.status?.raftIndex;
    const view: StoreView = {
      members: answers.map(({ member, status, error }) => {
        if (!status) return { ...member, reachable: false, isLeader: false, ...(error ? { error } : {}) };
        return {
          ...member,
          reachable: true,
          isLeader: leaderStatus?.member.name === member.name,
          term: status.raftTerm,
          raftIndex: status.raftIndex,
          appliedIndex: status.raftAppliedIndex,
          ...(leaderIndex !== undefined ? { lag: Math.max(0, leaderIndex - status.raftIndex) } : {}),
          isLearner: status.isLearner,
        };
      }),
    };
    if (leaderStatus) {
      view.leader = leaderStatus.member.name;
      view.term = leaderStatus.status?.raftTerm;
    }
    return view;
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private status(address: string, timeoutMs: number): Promise<etcdserverpb.StatusResponse> {
    let client = this.clients.get(address);
    if (!client) {
      client = new etcdserverpb.MaintenanceClient(grpcTarget(address), credentials.createInsecure(), {
        // Notice a member that comes back within about a second.
        'grpc.initial_reconnect_backoff_ms': 100,
        'grpc.max_reconnect_backoff_ms': 1000,
      });
      this.clients.set(address, client);
    }
    const c = client;
    return new Promise((resolve, reject) =>
      c.status({}, new Metadata(), { deadline: Date.now() + timeoutMs }, (error, response) =>
        error ? reject(new Error(error.details || error.message)) : resolve(response),
      ),
    );
  }

  private forgetOthers(members: readonly StoreMemberRef[]): void {
    const wanted = new Set(members.map((m) => m.address));
    for (const [address, client] of this.clients) {
      if (wanted.has(address)) continue;
      client.close();
      this.clients.delete(address);
    }
  }
}
