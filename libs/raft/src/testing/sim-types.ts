import type { MessageType } from '../core/messages.js';
import type { NodeStatus } from '../core/raft-node.js';
import type { RaftOptions } from '../core/options.js';

export interface SimClusterOptions {
  readonly servers: number;
  /** Default true. Unreliable: ~10% of messages dropped, 0–27 ms delays. */
  readonly reliable?: boolean;
  /** Default false. When true, each applier snapshots every 10 applied entries. */
  readonly snapshot?: boolean;
  readonly seed?: number;
  /** Extension: only servers [0, voters) form the initial configuration; the others start empty and join later. */
  readonly voters?: number;
  /** Extension: overrides of the core options (tick = 100 ms of virtual time). */
  readonly raft?: Partial<Omit<RaftOptions, 'id'>>;
}

export interface StartResult {
  readonly index: number;
  readonly term: number;
  readonly isLeader: boolean;
}

export interface ServerState {
  readonly term: number;
  readonly isLeader: boolean;
}

export interface Committed {
  readonly count: number;
  readonly command: string | undefined;
}

/** The public harness contract (mirrors the MIT 6.5840 Raft lab tester). */
export interface SimCluster {
  readonly n: number;
  sleep(ms: number): Promise<void>;
  now(): number;
  disconnect(i: number): void;
  connect(i: number): void;
  partition(groups: readonly (readonly number[])[]): void;
  /** Clears partitions and reconnects every server. */
  heal(): void;
  crash(i: number): void;
  restart(i: number): void;
  setReliable(reliable: boolean): void;
  setLongReordering(on: boolean): void;
  start(i: number, command: string): StartResult;
  getState(i: number): ServerState;
  one(command: string, expectedServers: number, retry: boolean): Promise<number>;
  checkOneLeader(): Promise<number>;
  checkTerms(): number;
  checkNoLeader(): Promise<void>;
  nCommitted(index: number): Committed;
  wait(index: number, n: number, startTerm: number): Promise<string | undefined>;
  rpcCount(i?: number): number;
  bytesTotal(): number;
  logSize(i: number): number;
  traceHash(): string;
  cleanup(): Promise<void>;
}

/** Harness-driven fault: crash new leaders shortly after they win (and voters after they vote), restart them later. */
export interface LeaderCrashSchedule {
  /** Chance that a new leader is crashed. */
  readonly probability: number;
  /** The crash comes 0..maxDelayMs after the server became leader (mid-replication). */
  readonly maxDelayMs: number;
  /** The crashed server restarts after minRestartMs..maxRestartMs unless the test restarted it. */
  readonly minRestartMs: number;
  readonly maxRestartMs: number;
  /** Also crash a server 2–11 ms after it granted a vote (once the reply is out), with this chance. */
  readonly voterProbability?: number;
}

/** Extensions used by the membership / transfer / read tests and the randomized runner. */
export interface SimClusterExt extends SimCluster {
  isAlive(i: number): boolean;
  isConnected(i: number): boolean;
  status(i: number): NodeStatus | null;
  addVoter(leader: number, target: number): boolean;
  addLearner(leader: number, target: number): boolean;
  removeServer(leader: number, target: number): boolean;
  transferLeadership(leader: number, target: number): boolean;
  /** Linearizable read at server i: resolves with the commands applied up to the confirmed read index. */
  linearizableRead(i: number, timeoutMs?: number): Promise<readonly (string | undefined)[]>;
  /** Throws if a check failed so far. */
  checkHealthy(): void;
  /** Delivered messages of one type (e.g. 'snapshot' chunks). */
  messageCount(type: MessageType): number;
  /** Number of scheduler events processed. */
  eventCount(): number;
  /** Crash new leaders as they are elected (Figure 8 style schedules); null stops it. */
  setLeaderCrashes(schedule: LeaderCrashSchedule | null): void;
}
