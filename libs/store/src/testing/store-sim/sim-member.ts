import type { ProposalResult, ServerSimCluster } from '@flotilla/raft/testing';
import type { ResponseHeader } from '../../mvcc/types.js';
import type { GuardedMember } from '../../server/learner-guard.js';
import type { KvMember } from '../../server/kv-service.js';
import { toEtcdError } from '../../server/raft-errors.js';
import type { StoreIdentity } from '../../server/store-node.js';
import { encodeStoreCommand, type StoreCommand } from '../../state-machine/store-command.js';
import type { ApplyOutcome } from '../../state-machine/store-state-machine.js';
import { SimStoreStateMachine, simMemberId } from './sim-store-state-machine.js';

/**
 * How a member serves a linearizable Range. `read-index`: as StoreNode does, Raft's ReadIndex
 * (forwarded by a follower) and then the local state once applied that far. `local-unsafe`: the
 * local state at once, with no ReadIndex: a deliberately broken path, for showing the check bites.
 */
export type ReadPath = 'read-index' | 'local-unsafe';

export const SIM_CLUSTER_ID = 0x5e1f;

/** The member's server was down when the call needed it: nothing was sent. */
export class MemberDownError extends Error {
  constructor(slot: number) {
    super(`store sim: server s${slot} is down`);
    this.name = 'MemberDownError';
  }
}

/**
 * One store member as the KV service and the learner guard see it (what StoreNode provides), over
 * a server of the simulated cluster: proposals and read barriers go through the simulator, which
 * checks them against what the servers applied. One instance per client call: `proposal` keeps how
 * that call's proposal ended, which the client needs to tell a failed write from an unknown one.
 */
export class SimMember implements KvMember, GuardedMember {
  readonly identity: StoreIdentity;
  proposal: ProposalResult | null = null;

  constructor(
    private readonly cluster: ServerSimCluster,
    readonly slot: number,
    private readonly readPath: ReadPath,
    /** Deadline of a read's ReadIndex and wait for apply, as the client's own deadline. */
    private readonly readTimeoutMs: number,
  ) {
    const memberId = simMemberId(slot);
    this.identity = {
      clusterId: SIM_CLUSTER_ID,
      memberId,
      name: `s${slot}`,
      peerUrls: [`http://127.0.0.1:${2380 + slot}`],
      clientUrls: [`http://127.0.0.1:${2379 + 10 * slot}`],
    };
  }

  /** The state machine of the server's running incarnation. */
  get sm(): SimStoreStateMachine {
    const app = this.cluster.application(this.slot);
    if (!(app instanceof SimStoreStateMachine)) throw new MemberDownError(this.slot);
    return app;
  }

  header(revision = this.sm.mvcc.revision): ResponseHeader {
    return {
      clusterId: SIM_CLUSTER_ID,
      memberId: this.identity.memberId,
      revision,
      raftTerm: this.cluster.status(this.slot)?.term ?? 0,
    };
  }

  /** StoreNode.linearizable(), on the simulated server. */
  async linearizable(): Promise<void> {
    if (this.readPath === 'local-unsafe') return;
    const r = await this.cluster.readBarrier(this.slot, this.readTimeoutMs);
    if (r.kind === 'ok') return;
    if (r.kind === 'error') throw toEtcdError(r.error);
    throw new MemberDownError(this.slot);
  }

  /** StoreNode.propose(), on the simulated server: etcd's response, or the etcd error. */
  async propose(command: StoreCommand): Promise<unknown> {
    const r = await this.cluster.propose(this.slot, encodeStoreCommand(command));
    this.proposal = r;
    if (r.outcome === 'lost' || r.outcome === 'not-sent') throw new MemberDownError(this.slot);
    if (r.outcome !== 'applied') throw toEtcdError(r.cause);
    const outcome = r.value as ApplyOutcome | undefined;
    if (!outcome) throw new Error('store: proposal applied without an outcome');
    if (!outcome.ok) throw outcome.error;
    return outcome.response;
  }
}
