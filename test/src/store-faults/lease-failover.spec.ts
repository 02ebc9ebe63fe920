import { Etcd3 } from 'etcd3';
import { waitFor } from '@flotilla/testing';
import { grant, KeepAliveLoop, timeToLive } from './support/leases.js';
import type { MemberRpc } from './support/rpc.js';
import { ResumingWatcher } from './support/resuming-watcher.js';
import { StoreCluster } from './support/store-cluster.js';

const TTL = 3;

describe('flotilla-store: leases across leader kills', () => {
  let cluster: StoreCluster | undefined;
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanups.splice(0).reverse()) await f();
    await cluster?.stop();
    cluster = undefined;
  });

  const running = (c: StoreCluster) => c.all.filter((m) => m.state === 'running').map((m) => m.rpc);

  const moveLeaderTo = async (c: StoreCluster, name: string): Promise<void> => {
    const leader = await c.waitLeader();
    if (leader.name === name) return;
    const target = c.all.find((m) => m.name === name)!;
    const id = (await target.rpc.status()).header!.memberId;
    await leader.rpc.moveLeader(id);
    await c.waitLeader({ among: [name] });
  };

  it('a lease kept alive survives leader kills and a leader paused past its TTL: its keys stay for 2 TTLs after each new leader is up', async () => {
    const c = (cluster = await StoreCluster.start({ size: 3 }));
    // etcd3's own Lease (keep-alive stream every TTL/3), as @flotilla/discovery uses it. etcd3 opens
    // that stream on a random member and notices a silent one only after a whole TTL, so a stream
    // that lands on the paused member itself loses its lease against any etcd. This client knows m0
    // and m1 only, and the member paused below is m2.
    const client = new Etcd3({ hosts: c.all.slice(0, 2).map((m) => `http://${m.endpoint}`) });
    cleanups.push(() => client.close());
    const lease = client.lease(TTL);
    const lost: string[] = [];
    lease.on('lost', (e) => lost.push(String(e)));
    cleanups.push(() => lease.revoke({ deadline: Date.now() + 2000 }).catch(() => undefined));
    await lease.put('alive/etcd3').value('1').exec();
    // And a lease kept alive with one-shot keep-alives through each member in turn (followers forward).
    const raw = await grant(c.all[0]!.rpc, TTL);
    await c.all[0]!.rpc.put({ key: Buffer.from('alive/raw'), value: Buffer.from('1'), lease: raw.ID });
    const loop = new KeepAliveLoop(() => running(c), raw.ID, 1000);
    cleanups.push(() => loop.stop());

    const failovers: number[] = [];
    /** Both keys must be there at every poll for `ms` (an observation window, not a wait). */
    const observe = async (rpc: MemberRpc, ms: number, what: string): Promise<number> => {
      const from = performance.now();
      let polls = 0;
      while (performance.now() - from < ms) {
        const r = await rpc.range({ key: Buffer.from('alive/'), rangeEnd: Buffer.from('alive0') }, 3000);
        expect(r.kvs.map((kv) => Buffer.from(kv.key).toString()).sort(), `poll ${polls} ${what}`).toEqual([
          'alive/etcd3',
          'alive/raw',
        ]);
        polls++;
        await new Promise((r) => setTimeout(r, 200));
      }
      return polls;
    };
    // Two leader kills, then a leader paused (SIGSTOP) for longer than the TTL: when it resumes, its
    // lease deadlines have all passed, but it is no longer the leader and must not expire anything.
    for (const fault of ['kill', 'kill', 'pause'] as const) {
      if (fault === 'pause') await moveLeaderTo(c, 'm2');
      const leader = await c.waitLeader();
      const at = performance.now();
      await c.signal(leader.name, fault === 'kill' ? 'SIGKILL' : 'SIGSTOP');
      const next = await c.waitLeader({ not: leader.name });
      failovers.push(Math.round(performance.now() - at));
      let polls = 0;
      if (fault === 'pause') {
        polls += await observe(
          next.rpc,
          at + (TTL + 1) * 1000 - performance.now(),
          `while ${leader.name} is paused`,
        );
        await c.signal(leader.name, 'SIGCONT');
      }
      polls += await observe(next.rpc, 2 * TTL * 1000, `after ${fault} of ${leader.name}`);
      const ttl = await timeToLive(next.rpc, raw.ID);
      console.log(
        `${fault} ${leader.name}: ${next.name} led after ${failovers.at(-1)} ms; both keys there in ${polls} polls over the next ${2 * TTL}${fault === 'pause' ? ` + ${TTL + 1}` : ''} s; raw lease TTL left ${ttl.TTL} s`,
      );
      expect(ttl.TTL).toBeGreaterThan(0);
      if (fault === 'kill') await c.restart(leader.name);
      else await c.waitReady(leader.name);
    }
    expect(lost).toEqual([]);
    expect(loop.expired).toBe(false);
    console.log(`failovers ${failovers.join(', ')} ms; ${loop.failures} keep-alives failed and were retried`);
    expect(c.crashes).toEqual([]);
  }, 180_000);

  it('a lease whose keep-alives stop expires within TTL + 2 s of the last one, whoever leads', async () => {
    const c = (cluster = await StoreCluster.start({ size: 3 }));
    // The watcher stays off the leader, so the member it listens to is never the one killed.
    const watcher = new ResumingWatcher(
      'expiry watcher',
      async (attempt) => {
        const leader = await c.leader();
        const others = c.all.filter((m) => m.state === 'running' && m.name !== leader?.name);
        return (others[attempt % Math.max(1, others.length)] ?? c.all[0]!).endpoint;
      },
      'expiry/',
      1,
    );
    cleanups.push(() => watcher.close());

    /** Grants a lease with a key, keeps it alive 3 times, runs `meanwhile`, stops; returns ms from the last keep-alive to the key's deletion. */
    const measure = async (
      name: string,
      meanwhile: (loop: KeepAliveLoop) => Promise<void>,
      afterStop: () => Promise<void> = async () => undefined,
    ): Promise<{ expiredMs: number; sinceLast: number }> => {
      const key = `expiry/${name}`;
      const member = c.all.find((m) => m.state === 'running')!;
      const lease = await grant(member.rpc, TTL);
      await member.rpc.put({ key: Buffer.from(key), value: Buffer.from('x'), lease: lease.ID });
      const loop = new KeepAliveLoop(() => running(c), lease.ID, 700);
      await waitFor(() => loop.last !== null, { timeoutMs: 10_000, what: 'a keep-alive' });
      await meanwhile(loop);
      const last = await loop.stop();
      if (!last) throw new Error('no keep-alive was answered');
      await afterStop();
      const deleted = await waitFor(() => watcher.events.find((e) => e.key === key && e.type === 'delete'), {
        timeoutMs: (TTL + 30) * 1000,
        what: `${key} to be deleted by its lease's expiry`,
      });
      return {
        expiredMs: Math.round(deleted.at - last.sentAt),
        sinceLast: Math.round(performance.now() - last.sentAt),
      };
    };

    const results: string[] = [];
    const check = (what: string, expiredMs: number, bound = TTL * 1000 + 2000): void => {
      results.push(`${what}: ${expiredMs} ms`);
      expect(expiredMs, `${what}: never before its TTL`).toBeGreaterThanOrEqual(TTL * 1000 - 50);
      expect(expiredMs, `${what}: within TTL + 2 s`).toBeLessThanOrEqual(bound);
    };

    // 1. The first leader expires it.
    check('same leader', (await measure('same-leader', async () => undefined)).expiredMs);

    // 2. Leadership moved while it was kept alive: the new leader expires it.
    let failover = 0;
    const r2 = await measure('new-leader', async (loop) => {
      const leader = await c.waitLeader();
      const at = performance.now();
      await c.kill(leader.name);
      await c.waitLeader({ not: leader.name });
      failover = Math.round(performance.now() - at);
      const n = loop.last!.sentAt;
      await waitFor(() => loop.last!.sentAt > n + 1000, {
        timeoutMs: 20_000,
        what: 'keep-alives on the new leader',
      });
      await c.restart(leader.name);
    });
    check(`after a leader kill (failover ${failover} ms) while kept alive`, r2.expiredMs);

    // 3. The leader dies right after the last keep-alive: the new leader gives every lease a full
    // TTL from when it takes over (as etcd does) and then expires it.
    let killedAt = 0;
    let ledAt = 0;
    let killedLeader = '';
    const r3 = await measure(
      'leader-killed-after-last',
      async () => undefined,
      async () => {
        const leader = await c.waitLeader();
        killedLeader = leader.name;
        killedAt = performance.now();
        await c.kill(leader.name);
        await c.waitLeader({ not: leader.name });
        ledAt = performance.now();
      },
    );
    console.log(`killed the leader ${Math.round(ledAt - killedAt)} ms before the new one led`);
    check(
      `leader killed after the last keep-alive (failover ${Math.round(ledAt - killedAt)} ms)`,
      r3.expiredMs,
    );
    await c.restart(killedLeader);
    console.log(`expiry after the last keep-alive, TTL ${TTL} s: ${results.join('; ')}`);
    expect(c.crashes).toEqual([]);
  }, 180_000);
});
