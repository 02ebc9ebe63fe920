import type { ConfigChange } from '../core/config-change.js';
import type { Message } from '../core/messages.js';
import { RaftNode, type NodeStatus } from '../core/raft-node.js';
import type { Ready } from '../core/ready.js';
import { createRng, type Rng } from '../core/rng.js';
import type { Entry, NodeId, Snapshot } from '../core/types.js';
import { MemoryStorage } from '../memory/memory-storage.js';
import { SafetyChecker } from './safety-checker.js';
import { Scheduler } from './scheduler.js';
import { SimApplier, decodeCommand, encodeCommand } from './sim-applier.js';
import { SimNetwork } from './sim-network.js';
import type {
  Committed,
  LeaderCrashSchedule,
  ServerState,
  SimClusterExt,
  SimClusterOptions,
  StartResult,
} from './sim-types.js';
import { TraceHash } from './trace-hash.js';

/** Virtual milliseconds per core tick. Election timeout 10 ticks = 1–2 s, heartbeat every tick. */
export const SIM_TICK_MS = 100;
const SNAPSHOT_EVERY = 10;
const SNAPSHOT_CHUNK_BYTES = 1024;

interface SimServer {
  readonly index: number;
  readonly id: NodeId;
  readonly storage: MemoryStorage;
  readonly applier: SimApplier;
  node: RaftNode | null;
  incarnation: number;
  flushScheduled: boolean;
  lastRole: string;
  lastTerm: number;
  lastCommit: number;
}

interface PendingRead {
  readonly server: number;
  readonly incarnation: number;
  index: number | null;
  failed: string | null;
}

export function simId(i: number): NodeId {
  return `s${i}`;
}

function serverIndex(id: NodeId): number {
  return Number(id.slice(1));
}

/** Creates a simulated cluster. Everything runs on virtual time driven by `sleep`. */
export function createSimCluster(options: SimClusterOptions): SimClusterExt {
  return new SimClusterImpl(options);
}

class SimClusterImpl implements SimClusterExt {
  readonly n: number;
  private readonly rng: Rng;
  private readonly sched = new Scheduler();
  private readonly net: SimNetwork;
  private readonly servers: SimServer[] = [];
  private readonly checker = new SafetyChecker();
  private readonly trace = new TraceHash();
  private readonly snapshotMode: boolean;
  private readonly voters: number;
  private failure: string | null = null;
  private pendingWakes = 0;
  private driving = false;
  private readonly reads = new Map<string, PendingRead>();
  private readSeq = 0;
  private events = 0;
  private cleanedUp = false;
  private leaderCrashes: LeaderCrashSchedule | null = null;

  constructor(private readonly opts: SimClusterOptions) {
    if (opts.servers < 1) throw new Error('sim: need at least one server');
    this.n = opts.servers;
    this.rng = createRng(opts.seed ?? 1);
    this.net = new SimNetwork(this.n, createRng(this.rng.int(2 ** 31)));
    this.net.settings.reliable = opts.reliable ?? true;
    this.snapshotMode = opts.snapshot ?? false;
    this.voters = Math.min(opts.voters ?? this.n, this.n);
    for (let i = 0; i < this.n; i++) {
      this.servers.push({
        index: i,
        id: simId(i),
        storage: new MemoryStorage(),
        applier: new SimApplier(),
        node: null,
        incarnation: 0,
        flushScheduled: false,
        lastRole: 'follower',
        lastTerm: 0,
        lastCommit: 0,
      });
      this.boot(i);
    }
  }

  // ---------------------------------------------------------------- failures

  private fail(msg: string): void {
    if (this.failure === null) this.failure = msg;
  }

  checkHealthy(): void {
    if (this.failure === null && this.checker.violation !== null) this.failure = this.checker.violation;
    if (this.failure !== null) throw new Error(this.failure);
  }

  // ---------------------------------------------------------------- time

  now(): number {
    return this.sched.now;
  }

  messageCount(type: Message['type']): number {
    return this.net.messageCount(type);
  }

  eventCount(): number {
    return this.events;
  }

  sleep(ms: number): Promise<void> {
    this.checkHealthy();
    return new Promise<void>((resolve, reject) => {
      this.pendingWakes++;
      this.sched.at(
        this.sched.now + Math.max(0, ms),
        () => {
          this.pendingWakes--;
          if (this.failure !== null || this.checker.violation !== null) {
            try {
              this.checkHealthy();
            } catch (e) {
              reject(e instanceof Error ? e : new Error(String(e)));
              return;
            }
          }
          resolve();
        },
        true,
      );
      void this.drive();
    });
  }

  /** Runs events until no test code is sleeping; yields to resumed test code after each wake-up. */
  private async drive(): Promise<void> {
    if (this.driving) return;
    this.driving = true;
    try {
      while (this.pendingWakes > 0) {
        const ev = this.sched.pop();
        if (!ev) break;
        this.events++;
        if (ev.wake) {
          ev.fn();
          await new Promise<void>((r) => setImmediate(r));
          continue;
        }
        if (this.failure !== null || this.checker.violation !== null) continue;
        try {
          ev.fn();
        } catch (e) {
          this.fail(
            `sim: exception at t=${this.sched.now}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
          );
        }
      }
    } finally {
      this.driving = false;
    }
  }

  // ---------------------------------------------------------------- servers

  private boot(i: number): void {
    const s = this.servers[i];
    s.incarnation++;
    const persisted = s.storage.loadSync();
    const bootstrap = i < this.voters ? { voters: this.initialVoters(), learners: [] } : undefined;
    s.node = new RaftNode({
      options: { snapshotChunkBytes: SNAPSHOT_CHUNK_BYTES, ...this.opts.raft, id: s.id },
      rng: createRng(this.rng.int(2 ** 31)),
      bootstrap,
      restored: persisted,
    });
    s.lastRole = 'follower';
    s.lastTerm = s.node.term;
    s.lastCommit = s.node.log.committed;
    const ap = s.applier;
    ap.lastApplied = 0;
    ap.lastSnapshot = 0;
    if (persisted.snapshot) this.ingestSnapshot(i, persisted.snapshot);
    const inc = s.incarnation;
    const phase = this.rng.int(SIM_TICK_MS);
    const tick = (): void => {
      if (s.incarnation !== inc || !s.node) return;
      s.node.tick();
      this.flush(i);
      this.sched.after(SIM_TICK_MS, tick);
    };
    this.sched.after(phase + 1, tick);
    this.trace.add(`boot ${i} ${inc} t=${this.sched.now}`);
    this.markDirty(i);
  }

  private initialVoters(): NodeId[] {
    return Array.from({ length: this.voters }, (_, k) => simId(k));
  }

  private markDirty(i: number): void {
    const s = this.servers[i];
    if (s.flushScheduled || !s.node) return;
    s.flushScheduled = true;
    const inc = s.incarnation;
    this.sched.after(0, () => {
      s.flushScheduled = false;
      if (s.incarnation === inc) this.flush(i);
    });
  }

  /** Processes the server's Ready batches synchronously: persist, send, apply, advance, check. */
  private flush(i: number): void {
    const s = this.servers[i];
    const node = s.node;
    if (!node) return;
    while (node.hasReady()) {
      const rd = node.ready();
      this.persist(s, rd);
      for (const m of rd.messages) this.send(i, m);
      if (rd.snapshot) this.ingestSnapshot(i, rd.snapshot);
      this.applyEntries(i, rd.committedEntries);
      for (const rs of rd.readStates) {
        const r = this.reads.get(rs.context);
        if (r) r.index = rs.index;
      }
      for (const ctx of rd.droppedReads) {
        const r = this.reads.get(ctx);
        if (r) r.failed = 'leadership lost';
      }
      node.advance(rd);
      this.maybeSnapshot(i);
      this.checkStep(s, node, rd);
    }
  }

  private persist(s: SimServer, rd: Ready): void {
    if (rd.snapshot) s.storage.installSnapshotSync(rd.snapshot);
    if (rd.entries.length > 0) s.storage.appendSync(rd.entries);
    if (rd.hardState) s.storage.setHardStateSync(rd.hardState);
  }

  private checkStep(s: SimServer, node: RaftNode, rd: Ready): void {
    if (rd.entries.length > 0) this.checker.onAppend(s.index, node, rd.entries);
    if (node.role === 'leader' && (s.lastRole !== 'leader' || s.lastTerm !== node.term)) {
      this.checker.onLeader(s.index, node);
      this.trace.add(`leader ${s.index} term=${node.term} t=${this.sched.now}`);
      this.maybeScheduleLeaderCrash(s.index);
    }
    if (
      rd.hardState?.vote &&
      rd.hardState.vote !== s.id &&
      rd.messages.some((m) => m.type === 'vote-resp' && m.granted)
    ) {
      this.maybeScheduleVoterCrash(s.index);
    }
    if (node.log.committed > s.lastCommit) {
      if (node.role === 'leader' && s.lastRole === 'leader' && s.lastTerm === node.term)
        this.checker.onLeaderCommit(s.index, node);
      const leaders = this.servers.filter((x) => x.node?.role === 'leader').map((x) => x.node as RaftNode);
      this.checker.onCommit(s.index, node, s.lastCommit, node.log.committed, leaders);
    }
    s.lastRole = node.role;
    s.lastTerm = node.term;
    s.lastCommit = node.log.committed;
  }

  private send(from: number, m: Message): void {
    const to = serverIndex(m.to);
    if (!(to >= 0 && to < this.n)) return;
    const route = this.net.route(from, to, m);
    this.trace.add(`${route ? 'send' : 'drop'} ${m.type} ${from}>${to} term=${m.term} t=${this.sched.now}`);
    if (!route) return;
    const fromInc = this.servers[from].incarnation;
    const toInc = this.servers[to].incarnation;
    this.sched.after(route.delay, () => {
      const src = this.servers[from];
      const dst = this.servers[to];
      if (src.incarnation !== fromInc || dst.incarnation !== toInc || !src.node || !dst.node) return;
      if (!this.net.reachable(from, to)) return;
      this.net.delivered(to, m);
      dst.node.step(m);
      this.markDirty(to);
    });
  }

  // ---------------------------------------------------------------- applier

  private applyEntries(i: number, entries: readonly Entry[]): void {
    const ap = this.servers[i].applier;
    for (const e of entries) {
      if (e.index !== ap.lastApplied + 1) {
        this.fail(`server ${i} apply out of order: expected index ${ap.lastApplied + 1}, got ${e.index}`);
        return;
      }
      const cmd = decodeCommand(e);
      this.checkApplied(i, e.index, cmd);
      ap.log[e.index] = cmd;
      ap.lastApplied = e.index;
    }
    if (entries.length > 0) this.trace.add(`apply ${i} ${ap.lastApplied}`);
  }

  private checkApplied(i: number, index: number, cmd: string | null): void {
    for (let j = 0; j < this.n; j++) {
      const other = this.servers[j].applier.log[index];
      if (other !== undefined && other !== cmd) {
        this.fail(`apply error: commit index=${index} server=${i} ${cmd} != server=${j} ${other}`);
        return;
      }
    }
  }

  private ingestSnapshot(i: number, snap: Snapshot): void {
    const ap = this.servers[i].applier;
    if (!this.snapshotMode && snap.data.length === 0) {
      ap.lastApplied = snap.meta.index;
      return;
    }
    let cmds: (string | null)[];
    try {
      cmds = SimApplier.decodeSnapshot(snap.data);
    } catch (e) {
      this.fail(`server ${i} bad snapshot: ${String(e)}`);
      return;
    }
    if (cmds.length !== snap.meta.index + 1) {
      this.fail(`server ${i} snapshot covers ${cmds.length - 1} entries, meta says ${snap.meta.index}`);
      return;
    }
    for (let idx = 1; idx <= snap.meta.index; idx++) {
      this.checkApplied(i, idx, cmds[idx]);
      ap.log[idx] = cmds[idx];
    }
    ap.lastApplied = snap.meta.index;
    ap.lastSnapshot = snap.meta.index;
  }

  private maybeSnapshot(i: number): void {
    const s = this.servers[i];
    const ap = s.applier;
    if (!this.snapshotMode || !s.node || ap.lastApplied - ap.lastSnapshot < SNAPSHOT_EVERY) return;
    const index = ap.lastApplied;
    const snap = s.node.compact(index, ap.encodeSnapshot(index));
    ap.lastSnapshot = index;
    if (!snap) return; // the leader's snapshot already covers it
    s.storage.saveSnapshotSync(snap);
    s.storage.compactSync(index);
    this.trace.add(`snapshot ${i} ${index}`);
  }

  // ---------------------------------------------------------------- faults

  disconnect(i: number): void {
    this.checkHealthy();
    this.net.disconnect(i);
    this.trace.add(`disconnect ${i} t=${this.sched.now}`);
  }

  connect(i: number): void {
    this.checkHealthy();
    this.net.connect(i);
    this.trace.add(`connect ${i} t=${this.sched.now}`);
  }

  partition(groups: readonly (readonly number[])[]): void {
    this.checkHealthy();
    this.net.partition(groups);
    this.trace.add(`partition ${JSON.stringify(groups)} t=${this.sched.now}`);
  }

  heal(): void {
    this.checkHealthy();
    this.net.heal();
    this.trace.add(`heal t=${this.sched.now}`);
  }

  crash(i: number): void {
    this.checkHealthy();
    this.crashServer(i);
  }

  private crashServer(i: number): void {
    const s = this.servers[i];
    if (!s.node) return;
    s.node = null;
    s.incarnation++;
    for (const r of this.reads.values()) if (r.server === i) r.failed = 'server crashed';
    this.trace.add(`crash ${i} t=${this.sched.now}`);
    this.reportConnectionLost(i);
  }

  /**
   * A crashed process's connections close at once: the servers that can reach it hear so a few
   * ms later, as a real transport reports a broken stream (see RaftNode.leaderConnectionLost).
   */
  private reportConnectionLost(i: number): void {
    for (let j = 0; j < this.n; j++) {
      const other = this.servers[j];
      if (j === i || !other.node || !this.net.reachable(i, j)) continue;
      const inc = other.incarnation;
      this.sched.after(1 + this.rng.int(5), () => {
        if (other.incarnation !== inc || !other.node) return;
        other.node.leaderConnectionLost(simId(i));
        this.trace.add(`connection-lost ${j}<${i} t=${this.sched.now}`);
        this.markDirty(j);
      });
    }
  }

  setLeaderCrashes(schedule: LeaderCrashSchedule | null): void {
    this.leaderCrashes = schedule;
    this.trace.add(`leader-crashes ${JSON.stringify(schedule)}`);
  }

  private maybeScheduleLeaderCrash(i: number): void {
    const cfg = this.leaderCrashes;
    if (!cfg || this.rng.next() >= cfg.probability) return;
    this.scheduleCrash(i, this.rng.int(cfg.maxDelayMs + 1), cfg);
  }

  /** The vote reply is delivered first (1 ms on reliable links); the restart then forgets any unpersisted vote. */
  private maybeScheduleVoterCrash(i: number): void {
    const cfg = this.leaderCrashes;
    if (!cfg?.voterProbability || this.rng.next() >= cfg.voterProbability) return;
    this.scheduleCrash(i, 2 + this.rng.int(10), cfg);
  }

  private scheduleCrash(i: number, delay: number, cfg: LeaderCrashSchedule): void {
    const s = this.servers[i];
    const inc = s.incarnation;
    const restartAfter =
      cfg.minRestartMs + this.rng.int(Math.max(1, cfg.maxRestartMs - cfg.minRestartMs + 1));
    this.sched.after(delay, () => {
      if (s.incarnation !== inc || !s.node || this.leaderCrashes === null) return;
      this.crashServer(i);
      const down = s.incarnation;
      this.sched.after(restartAfter, () => {
        if (s.incarnation === down && !s.node) this.boot(i);
      });
    });
  }

  restart(i: number): void {
    this.checkHealthy();
    this.crash(i);
    this.boot(i);
  }

  setReliable(reliable: boolean): void {
    this.net.settings.reliable = reliable;
    this.trace.add(`reliable ${reliable}`);
  }

  setLongReordering(on: boolean): void {
    this.net.settings.longReordering = on;
    this.trace.add(`reorder ${on}`);
  }

  isAlive(i: number): boolean {
    return this.servers[i].node !== null;
  }

  isConnected(i: number): boolean {
    return this.isAlive(i) && this.net.isConnected(i);
  }

  // ---------------------------------------------------------------- lab API

  start(i: number, command: string): StartResult {
    this.checkHealthy();
    const s = this.servers[i];
    if (!s.node) return { index: -1, term: s.lastTerm, isLeader: false };
    const res = s.node.propose(encodeCommand(command));
    this.markDirty(i);
    if (!res.ok) return { index: -1, term: s.node.term, isLeader: s.node.role === 'leader' };
    return { index: res.index, term: res.term, isLeader: true };
  }

  getState(i: number): ServerState {
    this.checkHealthy();
    const node = this.servers[i].node;
    if (!node) return { term: this.servers[i].lastTerm, isLeader: false };
    return { term: node.term, isLeader: node.role === 'leader' };
  }

  nCommitted(index: number): Committed {
    this.checkHealthy();
    let count = 0;
    let command: string | null | undefined;
    for (let j = 0; j < this.n; j++) {
      const c = this.servers[j].applier.log[index];
      if (c === undefined) continue;
      if (count > 0 && c !== command) {
        this.fail(`committed values do not match: index ${index}, ${command} vs ${c}`);
        this.checkHealthy();
      }
      count++;
      command = c;
    }
    return { count, command: command ?? undefined };
  }

  async one(command: string, expectedServers: number, retry: boolean): Promise<number> {
    const t0 = this.now();
    let starts = 0;
    while (this.now() - t0 < 10_000) {
      let index = -1;
      for (let k = 0; k < this.n; k++) {
        starts = (starts + 1) % this.n;
        if (!this.isConnected(starts)) continue;
        const r = this.start(starts, command);
        if (r.isLeader && r.index >= 0) {
          index = r.index;
          break;
        }
      }
      if (index !== -1) {
        const t1 = this.now();
        while (this.now() - t1 < 2_000) {
          const { count, command: got } = this.nCommitted(index);
          if (count > 0 && count >= expectedServers && got === command) return index;
          await this.sleep(20);
        }
        if (!retry)
          throw new Error(
            `one(${command}) failed to reach agreement (index ${index} not committed by ${expectedServers} servers in 2 s)`,
          );
      } else {
        await this.sleep(50);
      }
    }
    this.checkHealthy();
    throw new Error(`one(${command}) failed to reach agreement within 10 s`);
  }

  async checkOneLeader(): Promise<number> {
    for (let iter = 0; iter < 10; iter++) {
      await this.sleep(450 + this.rng.int(100));
      const byTerm = new Map<number, number[]>();
      for (let i = 0; i < this.n; i++) {
        if (!this.isConnected(i)) continue;
        const { term, isLeader } = this.getState(i);
        if (isLeader) byTerm.set(term, [...(byTerm.get(term) ?? []), i]);
      }
      let lastTerm = -1;
      for (const [term, ls] of byTerm) {
        if (ls.length > 1) throw new Error(`term ${term} has ${ls.length} (>1) leaders: ${ls.join(',')}`);
        lastTerm = Math.max(lastTerm, term);
      }
      if (lastTerm >= 0) return (byTerm.get(lastTerm) as number[])[0];
    }
    throw new Error('expected one leader, got none');
  }

  checkTerms(): number {
    this.checkHealthy();
    let term = -1;
    for (let i = 0; i < this.n; i++) {
      if (!this.isConnected(i)) continue;
      const t = this.getState(i).term;
      if (term === -1) term = t;
      else if (t !== term) throw new Error(`servers disagree on term: ${term} vs ${t} (server ${i})`);
    }
    return term;
  }

  async checkNoLeader(): Promise<void> {
    this.checkHealthy();
    for (let i = 0; i < this.n; i++) {
      if (this.isConnected(i) && this.getState(i).isLeader) {
        throw new Error(`expected no leader among connected servers, but ${i} claims to be leader`);
      }
    }
  }

  async wait(index: number, n: number, startTerm: number): Promise<string | undefined> {
    let to = 10;
    for (let iter = 0; iter < 30; iter++) {
      if (this.nCommitted(index).count >= n) break;
      await this.sleep(to);
      if (to < 1000) to *= 2;
      if (startTerm > -1) {
        for (let j = 0; j < this.n; j++) {
          const node = this.servers[j].node;
          if (node && node.term > startTerm) return undefined; // someone moved on; can't expect a result
        }
      }
    }
    const { count, command } = this.nCommitted(index);
    if (count < n) throw new Error(`only ${count} decided for index ${index}; wanted ${n}`);
    return command;
  }

  rpcCount(i?: number): number {
    return this.net.rpcCount(i);
  }

  bytesTotal(): number {
    return this.net.bytes;
  }

  logSize(i: number): number {
    return this.servers[i].storage.raftStateSize();
  }

  traceHash(): string {
    return this.trace.hex();
  }

  async cleanup(): Promise<void> {
    if (this.cleanedUp) return;
    this.cleanedUp = true;
    for (const s of this.servers) {
      s.node = null;
      s.incarnation++;
    }
    this.checkHealthy();
  }

  // ---------------------------------------------------------------- extensions

  status(i: number): NodeStatus | null {
    return this.servers[i].node?.status() ?? null;
  }

  private changeConfig(leader: number, change: ConfigChange): boolean {
    this.checkHealthy();
    const node = this.servers[leader].node;
    if (!node) return false;
    const res = node.proposeConfigChange(change);
    this.markDirty(leader);
    return res.ok;
  }

  addVoter(leader: number, target: number): boolean {
    return this.changeConfig(leader, { type: 'add-voter', id: simId(target) });
  }

  addLearner(leader: number, target: number): boolean {
    return this.changeConfig(leader, { type: 'add-learner', id: simId(target) });
  }

  removeServer(leader: number, target: number): boolean {
    return this.changeConfig(leader, { type: 'remove', id: simId(target) });
  }

  transferLeadership(leader: number, target: number): boolean {
    this.checkHealthy();
    const node = this.servers[leader].node;
    if (!node) return false;
    const res = node.transferLeadership(simId(target));
    this.markDirty(leader);
    return res.ok;
  }

  async linearizableRead(i: number, timeoutMs = 5000): Promise<readonly (string | undefined)[]> {
    this.checkHealthy();
    const s = this.servers[i];
    if (!s.node) throw new Error(`read: server ${i} is down`);
    const ctx = `r${this.readSeq++}`;
    const res = s.node.readIndex(ctx);
    if (!res.ok) throw new Error(`read: server ${i} is not leader`);
    const pending: PendingRead = { server: i, incarnation: s.incarnation, index: null, failed: null };
    this.reads.set(ctx, pending);
    this.markDirty(i);
    const t0 = this.now();
    try {
      while (this.now() - t0 < timeoutMs) {
        if (pending.failed !== null) throw new Error(`read failed: ${pending.failed}`);
        if (
          pending.index !== null &&
          s.incarnation === pending.incarnation &&
          s.applier.lastApplied >= pending.index
        ) {
          return s.applier.log.slice(1, pending.index + 1).map((c) => c ?? undefined);
        }
        await this.sleep(5);
      }
      throw new Error(`read: not confirmed within ${timeoutMs} ms`);
    } finally {
      this.reads.delete(ctx);
    }
  }
}
