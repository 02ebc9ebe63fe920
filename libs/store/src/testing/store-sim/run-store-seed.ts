import { etcdserverpb } from '@flotilla/proto';
import { createRng, runServerSim, type ServerSimRunResult } from '@flotilla/raft/testing';
import { checkLinearizable, registerModel, type CheckResult } from '@flotilla/testing';
import { encodeStoreCommand } from '../../state-machine/store-command.js';
import { RegisterHistory, type RegisterOperation } from './register-history.js';
import type { ReadPath } from './sim-member.js';
import { SimStoreStateMachine } from './sim-store-state-machine.js';
import { runStoreClients, type StoreLoad } from './store-clients.js';

export interface StoreSimOptions {
  readonly seed: number;
  /** Virtual ms of faults and client load before the repair phase (default 5000). */
  readonly faultMs?: number;
  /** How members serve linearizable reads (default `read-index`, as the store does). */
  readonly readPath?: ReadPath;
  /** Search steps per key before the check gives up with `unknown` (default the checker's). */
  readonly maxCheckSteps?: number;
  readonly log?: (line: string) => void;
}

export interface StoreSimResult {
  readonly seed: number;
  /** The simulation kept Raft's invariants and the clients' history is linearizable. */
  readonly ok: boolean;
  readonly error?: string;
  readonly sim: ServerSimRunResult;
  readonly load: StoreLoad;
  readonly check: CheckResult;
  /** The checked history. */
  readonly history: readonly RegisterOperation[];
  /** Operations in the checked history, and how many of them are writes of unknown outcome. */
  readonly operations: number;
  readonly indeterminate: number;
  /** Calls that certainly changed nothing, and reads without an answer (not checked). */
  readonly failed: number;
  /** Calls that failed or ended unknown, by operation and reason. */
  readonly reasons: ReadonlyMap<string, number>;
}

const pick = <T>(rng: { int(n: number): number }, xs: readonly T[]): T => xs[rng.int(xs.length)];

/**
 * One seed: the raft simulator's fault schedule (crashes, torn writes, partitions, membership
 * changes) over servers running the store's real state machine, store clients calling the store's
 * KV service on them, then the history checked for linearizability, key by key, against a register.
 */
export async function runStoreSim(o: StoreSimOptions): Promise<StoreSimResult> {
  const rng = createRng(o.seed * 0x2545f491 + 0x57);
  const load: StoreLoad = {
    clients: 2 + rng.int(4),
    keys: pick(rng, [1, 2, 3]),
    readShare: pick(rng, [0.3, 0.5]),
    casShare: pick(rng, [0.2, 0.4]),
    pauseMaxMs: pick(rng, [5, 30, 100]),
    timeoutMs: pick(rng, [500, 1500, 4000]),
    stickiness: pick(rng, [0, 0.8]),
  };
  const readPath = o.readPath ?? 'read-index';
  const history = new RegisterHistory();
  const sim = await runServerSim({
    seed: o.seed,
    faultMs: o.faultMs ?? 5000,
    cluster: {
      application: () => new SimStoreStateMachine(),
      // The simulator's last proof of progress, as a store write of its own key.
      finalCommand: (k) =>
        encodeStoreCommand({
          type: 'put',
          request: etcdserverpb.PutRequest.fromPartial({
            key: Buffer.from('sim/final'),
            value: Buffer.from(`final-${k}`),
          }),
        }),
    },
    clients: (c, clientRng, until) => runStoreClients(c, clientRng, until, load, readPath, history),
    log: o.log,
  });
  const operations = history.operations();
  const check = checkLinearizable(operations, registerModel, { maxSteps: o.maxCheckSteps });
  const { indeterminate, failed } = history.summary();
  const error = !sim.ok ? `simulation: ${sim.error ?? 'failed'}` : checkError(check);
  return {
    seed: o.seed,
    ok: error === undefined,
    error,
    sim,
    load,
    check,
    history: operations,
    operations: operations.length,
    indeterminate,
    failed,
    reasons: history.reasons,
  };
}

function checkError(check: CheckResult): string | undefined {
  if (check.verdict === 'ok') return undefined;
  const bad = check.partitions.filter((p) => p.verdict !== 'ok');
  return bad
    .map((p) =>
      p.verdict === 'illegal'
        ? `not linearizable on key ${p.key} (${p.operations} operations): ${p.explanation ?? ''}`
        : `linearizability of key ${p.key} undecided (${p.operations} operations; search budget spent)`,
    )
    .join('\n');
}
