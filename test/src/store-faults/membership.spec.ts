import { waitFor } from '@flotilla/testing';
import type { etcdserverpb } from '@flotilla/proto';
import { AckedWriters } from './support/acked-writers.js';
import { createRng, seedFromEnv } from './support/rng.js';
import { StoreCluster, type StoreMember } from './support/store-cluster.js';
import { verifyAcked } from './support/verify-acked.js';

const PREFIX = 'members/';

describe('flotilla-store: membership changes under load', () => {
  let cluster: StoreCluster | undefined;
  let writers: AckedWriters | undefined;
  afterEach(async () => {
    await writers?.stop();
    await cluster?.stop();
    writers = cluster = undefined;
  });

  it('grows from 3 to 5 (MemberAdd as learner, start with --initial-cluster-state existing, MemberPromote), removes the leader, moves leadership; nothing acknowledged is lost', async () => {
    const seed = seedFromEnv();
    console.log(`seed ${seed}`);
    const c = (cluster = await StoreCluster.start({ size: 3 }));
    const removed = new Set<string>();
    const live = (): StoreMember[] => c.all.filter((m) => m.state === 'running' && !removed.has(m.name));
    const w = (writers = new AckedWriters({
      endpoints: () => live().map((m) => m.endpoint),
      writers: 4,
      keysPerWriter: 20,
      prefix: PREFIX,
      callTimeoutMs: 3000,
      rng: createRng(seed),
    }));
    const steps: string[] = [];
    /** Writes go on: `n` more acknowledged after this point. */
    const writesContinue = async (what: string, n = 100): Promise<void> => {
      const t = performance.now();
      const errors = w.errors;
      await waitFor(() => w.ackedSince(t) >= n, {
        timeoutMs: 30_000,
        what: `${n} acknowledged writes after ${what}`,
      });
      steps.push(
        `${what}: ${n} writes acknowledged after ${Math.round(performance.now() - t)} ms (${w.errors - errors} failed meanwhile)`,
      );
    };
    const members = async (): Promise<etcdserverpb.Member[]> => (await live()[0]!.rpc.memberList()).members;
    await writesContinue('start');

    // 3 -> 5: each new member joins as a learner and is promoted once it has caught up.
    for (const name of ['m3', 'm4']) {
      const m = await c.prepare(name);
      const t = performance.now();
      const added = await live()[0]!.rpc.memberAdd([m.peerUrl], true);
      const id = added.member!.ID;
      expect(added.member?.isLearner).toBe(true);
      const initialCluster = added.members
        .map((x) => `${x.ID === id ? name : x.name}=${x.peerURLs[0]}`)
        .join(',');
      await c.join(name, initialCluster);
      const joinedMs = Math.round(performance.now() - t);
      // It reports itself a learner once it has the log entry that added it.
      await waitFor(async () => (await m.rpc.status()).isLearner, {
        timeoutMs: 30_000,
        what: `${name} to report itself a learner`,
      });
      const learnerMs = Math.round(performance.now() - t);
      // MemberPromote refuses a learner that has not caught up ("learner not ready"): ask until it agrees.
      let refused = 0;
      await waitFor(
        async () => {
          try {
            await live()[0]!.rpc.memberPromote(id);
            return true;
          } catch (e) {
            if (!/in sync with leader/.test(String(e))) throw e;
            refused++;
            return false;
          }
        },
        { timeoutMs: 60_000, intervalMs: 200, what: `MemberPromote of ${name}` },
      );
      const list = await members();
      expect(list.find((x) => x.ID === id)?.isLearner).toBe(false);
      steps.push(
        `${name}: MemberAdd as learner, serving ${joinedMs} ms later, a caught-up learner at ${learnerMs} ms, promoted at ${Math.round(performance.now() - t)} ms (refused ${refused} times first)`,
      );
      w.reconnect();
      await writesContinue(`${name} promoted`);
    }
    const five = await members();
    expect(five.length).toBe(5);
    expect(five.filter((x) => x.isLearner)).toEqual([]);
    expect(five.map((x) => x.name).sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);

    // Remove the leader.
    const leader = await c.waitLeader();
    const asker = live().find((m) => m.name !== leader.name)!;
    const removeAt = performance.now();
    await asker.rpc.memberRemove(leader.memberId!);
    removed.add(leader.name);
    w.reconnect();
    const next = await c.waitLeader({ not: leader.name, among: live().map((m) => m.name) });
    steps.push(
      `removed leader ${leader.name}; ${next.name} leads ${Math.round(performance.now() - removeAt)} ms later`,
    );
    const four = await members();
    expect(four.map((x) => x.name).sort()).toEqual(
      ['m0', 'm1', 'm2', 'm3', 'm4'].filter((n) => n !== leader.name),
    );
    await writesContinue(`removing ${leader.name}`);
    // The removed member is no longer part of the cluster: stop it, as an operator would.
    const removedState = c.member(leader.name).state;
    await c.signal(leader.name, 'SIGTERM');
    steps.push(`${leader.name} was ${removedState} after its removal; stopped with SIGTERM`);
    await writesContinue(`stopping ${leader.name}`);

    // MoveLeader to a member that joined as a learner.
    const from = await c.waitLeader({ among: live().map((m) => m.name) });
    const target = live().find((m) => m.name !== from.name && (m.name === 'm3' || m.name === 'm4'))!;
    const moveAt = performance.now();
    await from.rpc.moveLeader(target.memberId!);
    const moved = await c.waitLeader({ among: live().map((m) => m.name) });
    expect(moved.name).toBe(target.name);
    steps.push(`MoveLeader ${from.name} -> ${target.name} in ${Math.round(performance.now() - moveAt)} ms`);
    await writesContinue(`moving leadership to ${target.name}`);

    await w.stop();
    for (const s of steps) console.log(s);
    for (const m of live()) {
      const check = await verifyAcked(m.rpc, w, PREFIX);
      console.log(
        `${m.name}: ${check.acked} acknowledged Puts on ${check.keys} keys all in the history up to revision ${check.revision} (${w.errors} Puts failed)`,
      );
      expect(check.problems.slice(0, 20)).toEqual([]);
    }
    expect(c.crashes).toEqual([]);
  }, 240_000);
});
