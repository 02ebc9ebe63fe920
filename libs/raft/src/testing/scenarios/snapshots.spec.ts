import { describe, expect, it } from 'vitest';
import { createSimCluster, type SimCluster } from '../../testing.js';
import { SEEDS, labRng, randCommand } from './lab-helpers.js';

const SNAPSHOT_INTERVAL = 10;
/** Bound on persisted Raft state (hard state + log, snapshot excluded) in the snapshot scenarios. */
const MAX_LOG_SIZE = 8 * 1024;

function maxLogSize(c: SimCluster): number {
  let m = 0;
  for (let i = 0; i < c.n; i++) m = Math.max(m, c.logSize(i));
  return m;
}

async function snapCommon(
  seed: number,
  disconnect: boolean,
  reliable: boolean,
  crash: boolean,
): Promise<void> {
  const servers = 3;
  const c = createSimCluster({ servers, reliable, snapshot: true, seed });
  const rng = labRng(seed);
  try {
    await c.one(randCommand(rng), servers, true);
    let leader1 = await c.checkOneLeader();
    for (let i = 0; i < 30; i++) {
      let victim = (leader1 + 1) % servers;
      let sender = leader1;
      if (i % 3 === 1) {
        sender = (leader1 + 1) % servers;
        victim = leader1;
      }
      if (disconnect) {
        c.disconnect(victim);
        await c.one(randCommand(rng), servers - 1, true);
      }
      if (crash) {
        c.crash(victim);
        await c.one(randCommand(rng), servers - 1, true);
      }
      // Enough commands to trigger a snapshot on the servers that are up.
      const nn = SNAPSHOT_INTERVAL / 2 + rng.int(SNAPSHOT_INTERVAL);
      for (let k = 0; k < nn; k++) c.start(sender, randCommand(rng));
      // Let the appliers catch up with the Start()s.
      if (!disconnect && !crash) await c.one(randCommand(rng), servers, true);
      else await c.one(randCommand(rng), servers - 1, true);
      const size = maxLogSize(c);
      expect(size, `log size too large: ${size}`).toBeLessThan(MAX_LOG_SIZE);
      if (disconnect) {
        // The victim is behind the compacted log: it needs InstallSnapshot.
        c.connect(victim);
        await c.one(randCommand(rng), servers, true);
        leader1 = await c.checkOneLeader();
      }
      if (crash) {
        c.restart(victim);
        c.connect(victim);
        await c.one(randCommand(rng), servers, true);
        leader1 = await c.checkOneLeader();
      }
    }
  } finally {
    await c.cleanup();
  }
}

describe.each(SEEDS)('lab 3D snapshots (seed %i)', (seed) => {
  it('SnapshotBasic', () => snapCommon(seed, false, true, false));
  it('SnapshotInstall', () => snapCommon(seed, true, true, false));
  it('SnapshotInstallUnreliable', () => snapCommon(seed, true, false, false));
  it('SnapshotInstallCrash', () => snapCommon(seed, false, true, true));
  it('SnapshotInstallUnCrash', () => snapCommon(seed, false, false, true));

  it('SnapshotAllCrash', async () => {
    const servers = 3;
    const c = createSimCluster({ servers, reliable: true, snapshot: true, seed });
    const rng = labRng(seed);
    try {
      await c.one(randCommand(rng), servers, true);
      for (let i = 0; i < 5; i++) {
        const nn = SNAPSHOT_INTERVAL / 2 + rng.int(SNAPSHOT_INTERVAL);
        for (let k = 0; k < nn; k++) await c.one(randCommand(rng), servers, true);
        const index1 = await c.one(randCommand(rng), servers, true);
        for (let k = 0; k < servers; k++) c.crash(k);
        for (let k = 0; k < servers; k++) {
          c.restart(k);
          c.connect(k);
        }
        const index2 = await c.one(randCommand(rng), servers, true);
        expect(index2, `index decreased from ${index1} to ${index2}`).toBeGreaterThan(index1);
      }
      expect(maxLogSize(c)).toBeLessThan(MAX_LOG_SIZE);
    } finally {
      await c.cleanup();
    }
  });

  it('SnapshotInit', async () => {
    const servers = 3;
    const c = createSimCluster({ servers, reliable: true, snapshot: true, seed });
    const rng = labRng(seed);
    const restartAll = (): void => {
      for (let k = 0; k < servers; k++) c.crash(k);
      for (let k = 0; k < servers; k++) {
        c.restart(k);
        c.connect(k);
      }
    };
    try {
      await c.one(randCommand(rng), servers, true);
      // Enough ops to make a snapshot.
      for (let k = 0; k < SNAPSHOT_INTERVAL + 1; k++) await c.one(randCommand(rng), servers, true);
      restartAll();
      // A single op, to get something written back to persistent storage.
      await c.one(randCommand(rng), servers, true);
      restartAll();
      // Does the server apply correctly after restarting from a snapshot?
      await c.one(randCommand(rng), servers, true);
    } finally {
      await c.cleanup();
    }
  });
});
