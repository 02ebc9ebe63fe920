import type { AppliedConfigChange, MembershipConfig, StateMachine } from '@flotilla/raft';
import { checkConfigPut, checkConfigTxn } from '../config-guard/config-write-guard.js';
import { EtcdError } from '../mvcc/errors.js';
import { MvccStore, type MvccStoreOptions } from '../mvcc/mvcc-store.js';
import type { Event } from '../mvcc/types.js';
import { MemberTable, memberIdOf, type Member, type MemberChangeContext } from './member-table.js';
import { decodeStoreCommand, type StoreCommand } from './store-command.js';

/** What applying a command produced: etcd's response, or the etcd error it answers with. */
export type ApplyOutcome =
  { readonly ok: true; readonly response: unknown } | { readonly ok: false; readonly error: EtcdError };

/** Side effects of applying, for the parts of the server that react to replicated state. */
export interface StoreStateMachineHooks {
  /** Watch events of one write, all at `revision`. */
  onEvents?(events: readonly Event[], revision: number): void;
  onLeaseGranted?(id: number, ttl: number): void;
  onLeaseRevoked?(id: number): void;
  onMembersChanged?(members: readonly Member[]): void;
  /** The whole state was replaced by a snapshot. */
  onRestored?(): void;
}

/**
 * The store's replicated state: etcd's MVCC key space and leases, and the member table. Applies
 * commands in log order, deterministically: replicas that applied the same log hold the same state.
 */
export class StoreStateMachine implements StateMachine<ApplyOutcome> {
  mvcc: MvccStore;
  readonly members = new MemberTable();

  constructor(
    private readonly hooks: StoreStateMachineHooks = {},
    private readonly options: MvccStoreOptions = {},
    /**
     * Awaited between the steps of encoding a snapshot (e.g. `setImmediate`), so that a large
     * state does not hold up heartbeats; without it a snapshot is encoded in one go.
     */
    private readonly snapshotPause?: () => Promise<void>,
  ) {
    this.mvcc = new MvccStore(options);
  }

  apply(command: Uint8Array): ApplyOutcome {
    const c = decodeStoreCommand(command);
    try {
      return { ok: true, response: this.execute(c) };
    } catch (e) {
      // etcd errors are answers (a failed call changes nothing); anything else is a bug.
      if (e instanceof EtcdError) return { ok: false, error: e };
      throw e;
    }
  }

  applyConfigChange(change: AppliedConfigChange, _index: number, membership: MembershipConfig): void {
    this.members.syncMembership(membership.voters, membership.learners);
    if (
      change.type !== 'bootstrap' &&
      change.type !== 'remove' &&
      change.context &&
      change.context.length > 0
    ) {
      const ctx = JSON.parse(Buffer.from(change.context).toString('utf8')) as MemberChangeContext;
      this.members.setContext(memberIdOf(change.id), ctx);
    }
    this.hooks.onMembersChanged?.(this.members.list());
  }

  snapshot(): Uint8Array | Promise<Uint8Array> {
    const members = Buffer.from(JSON.stringify(this.members.toJSON()));
    const prefix = Buffer.allocUnsafe(4 + members.length);
    prefix.writeUInt32BE(members.length, 0);
    members.copy(prefix, 4);
    if (!this.snapshotPause) return this.mvcc.snapshot(prefix);
    return encodeWithPauses(this.mvcc.snapshotInSteps(prefix), this.snapshotPause);
  }

  restore(snapshot: Uint8Array): void {
    const buf = Buffer.from(snapshot.buffer, snapshot.byteOffset, snapshot.byteLength);
    const len = buf.readUInt32BE(0);
    this.members.restore(JSON.parse(buf.subarray(4, 4 + len).toString('utf8')) as Member[]);
    this.mvcc = MvccStore.fromSnapshot(buf.subarray(4 + len), this.options);
    this.hooks.onRestored?.();
    this.hooks.onMembersChanged?.(this.members.list());
  }

  private execute(c: StoreCommand): unknown {
    switch (c.type) {
      case 'put':
        checkConfigPut(this.mvcc, c.request); // flotilla/config/ values must fit their schema
        return this.published(this.mvcc.put(c.request));
      case 'delete-range':
        return this.published(this.mvcc.deleteRange(c.request));
      case 'txn':
        checkConfigTxn(this.mvcc, c.request);
        return this.published(this.mvcc.txn(c.request));
      case 'compact':
        return this.mvcc.compact(c.request.revision);
      case 'lease-grant': {
        const r = this.mvcc.leaseGrant(c.request.ID, c.request.TTL);
        this.hooks.onLeaseGranted?.(r.ID, r.TTL);
        return r;
      }
      case 'lease-revoke': {
        if (!this.mvcc.lease(c.request.ID)) return this.mvcc.leaseKeys(c.request.ID); // throws not-found
        const r = this.published(this.mvcc.leaseRevoke(c.request.ID));
        this.hooks.onLeaseRevoked?.(c.request.ID);
        return r;
      }
      case 'member-attributes':
        this.members.publish(c.member);
        this.hooks.onMembersChanged?.(this.members.list());
        return null;
      case 'member-update':
        this.members.updatePeerUrls(c.id, c.peerUrls);
        this.hooks.onMembersChanged?.(this.members.list());
        return null;
    }
  }

  private published<R extends { header: { revision: number } }>(result: { response: R; events: Event[] }): R {
    if (result.events.length > 0) this.hooks.onEvents?.(result.events, result.response.header.revision);
    return result.response;
  }
}

async function encodeWithPauses(
  steps: Generator<void, Uint8Array, void>,
  pause: () => Promise<void>,
): Promise<Uint8Array> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
  }
}
