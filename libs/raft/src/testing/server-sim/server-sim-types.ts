import type { RaftOptions } from '../../core/options.js';
import type { StateMachine } from '../../interfaces/state-machine.js';
import type { RaftServerOptions } from '../../server/raft-server.js';
import type { LedgerSummary } from './proposal-ledger.js';
import type { DrainMode } from './microtask-drain.js';

/** Write latency of a simulated disk, in virtual ms. */
export interface DiskProfile {
  readonly minMs: number;
  readonly maxMs: number;
  /** Chance that a write stalls for `stallMs` more (fsync hiccup). */
  readonly stallChance: number;
  readonly stallMs: number;
}

/** How long state machine operations take; an operation is synchronous with chance 1 - asyncChance. */
export interface StateMachineProfile {
  readonly asyncChance: number;
  readonly applyMaxMs: number;
  readonly snapshotMaxMs: number;
  readonly restoreMaxMs: number;
}

export interface ServerSimOptions {
  readonly seed: number;
  /** Server slots s0..s{n-1}. */
  readonly servers: number;
  /** Slots [0, voters) bootstrap the cluster; the others start empty, to be added (default: all). */
  readonly voters?: number;
  readonly raft?: Partial<Omit<RaftOptions, 'id'>>;
  /** Base ms per tick; each server's clock runs up to 10% off it (default 100). */
  readonly tickMs?: number;
  readonly snapshotThreshold?: number;
  readonly snapshotTrailing?: number;
  readonly proposalTimeoutMs?: number;
  readonly disk?: DiskProfile;
  readonly stateMachine?: StateMachineProfile;
  /** Default true: no loss, 1 ms links. */
  readonly reliable?: boolean;
  readonly drain?: DrainMode;
  /** Extra RaftServer options, e.g. to switch on follower->leader forwarding. */
  readonly serverOptions?: Partial<RaftServerOptions<number>>;
  /**
   * Where clients send proposals. `leader`: the live leader of the highest term; `any`: any live
   * server (followers forward); `sticky`: one server per client, kept until it goes down or refuses,
   * so a deposed leader keeps collecting proposals that a new leader later overwrites. Default `leader`.
   */
  readonly proposeTo?: 'leader' | 'any' | 'sticky';
  /** Storage's contract forbids overlapping writes; set to accept a runtime that pipelines them. */
  readonly allowOverlappingWrites?: boolean;
  /**
   * A real application for each server incarnation, run inside the recording state machine: it
   * gets every command and membership change the recorder records, its snapshot travels inside the
   * recorder's, and `propose` answers with what it returned (default: none, answers are indexes).
   */
  readonly application?: (server: number) => StateMachine<unknown>;
  /** The command `repairAndVerify` commits at the end, attempt k (default the text `final-<k>`). */
  readonly finalCommand?: (attempt: number) => Uint8Array;
  /** Events allowed before the run is failed as runaway (default 200,000). */
  readonly maxEvents?: number;
  /** Receives every trace line (sends, writes, applies, proposals, faults), for replaying a failure. */
  readonly eventLog?: (line: string) => void;
}

/** Crashes the harness injects by itself, at moments a schedule cannot aim at. */
export interface CrashInjection {
  /** Chance that an issued write gets a crash of its server before the write completes. */
  readonly writeCrashChance?: number;
  /** Chance that a new leader crashes 0..leaderCrashMaxDelayMs after winning. */
  readonly leaderCrashChance?: number;
  readonly leaderCrashMaxDelayMs?: number;
  /**
   * Chance that a server crashes 0..2 ms after sending a granted vote or an append acknowledgement:
   * if that state was not durable yet, the restarted server contradicts what it said.
   */
  readonly ackCrashChance?: number;
  /** Chance that a crash keeps a prefix of the write in progress (else none of it). */
  readonly tornWriteChance: number;
  readonly restartMinMs: number;
  readonly restartMaxMs: number;
}

export interface ServerSimStats {
  readonly events: number;
  readonly virtualMs: number;
  readonly crashes: number;
  readonly tornWrites: number;
  readonly writes: number;
  readonly applies: number;
  readonly snapshotsWritten: number;
  readonly elections: number;
  readonly proposals: LedgerSummary;
  readonly reads: number;
}
