import { afterEach, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '@flotilla/testing';
import type { Message } from '../core/messages.js';
import { GrpcTransport } from './grpc-transport.js';

const open: GrpcTransport[] = [];

afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

async function start(
  id: string,
  peers: Record<string, string>,
  port = 0,
  queueLimit?: number,
  clusterId = 'test-cluster',
): Promise<GrpcTransport> {
  const t = await GrpcTransport.start({ id, clusterId, port, peers, queueLimit });
  open.push(t);
  return t;
}

function heartbeat(from: string, to: string, commit: number): Message {
  return { type: 'heartbeat', from, to, term: 1, commit, context: null };
}

function collect(t: GrpcTransport): Message[] {
  const got: Message[] = [];
  t.listen((m) => got.push(m));
  return got;
}

describe('GrpcTransport', () => {
  it('binds port 0 to a real port and delivers messages in order, both ways', async () => {
    const [pa, pb] = [await freePort(), await freePort()];
    const a = await start('a', { b: `127.0.0.1:${pb}` }, pa);
    const b = await start('b', { a: `127.0.0.1:${pa}` }, pb);
    expect(a.port).toBe(pa);
    const atA = collect(a);
    const atB = collect(b);
    for (let i = 1; i <= 500; i++) a.send(heartbeat('a', 'b', i));
    b.send(heartbeat('b', 'a', 42));
    await waitFor(() => atB.length === 500 && atA.length === 1, { timeoutMs: 10_000, what: 'all messages' });
    expect(atB.map((m) => (m.type === 'heartbeat' ? m.commit : -1))).toEqual(
      Array.from({ length: 500 }, (_, i) => i + 1),
    );
    expect(atA[0]).toEqual(heartbeat('b', 'a', 42));
    expect(a.stats().peers.b.dropped).toBe(0);
    expect(a.stats().received).toBe(1);
    expect(b.stats().received).toBe(500);
  });

  it('tells its listener when a peer it talks with goes away, and not before', async () => {
    const [pa, pb] = [await freePort(), await freePort()];
    const a = await start('a', { b: `127.0.0.1:${pb}` }, pa);
    const b = await start('b', { a: `127.0.0.1:${pa}` }, pb);
    const lost: string[] = [];
    a.onConnectionLost((peer) => lost.push(peer));
    const atA = collect(a);
    const atB = collect(b);
    a.send(heartbeat('a', 'b', 1));
    b.send(heartbeat('b', 'a', 1));
    await waitFor(() => atA.length === 1 && atB.length === 1, { timeoutMs: 10_000, what: 'both streams' });
    expect(lost).toEqual([]);
    // Closing drops b's sockets at once, as a killed process's would.
    await b.close();
    await waitFor(() => lost.length > 0, { timeoutMs: 5000, what: 'a to notice that b went away' });
    expect(new Set(lost)).toEqual(new Set(['b']));
  });

  it('reports the port it bound when asked for port 0', async () => {
    const t = await start('solo', {});
    expect(t.port).toBeGreaterThan(0);
  });

  it('send never blocks and drops (counting) while the peer is down, then reconnects', async () => {
    const pb = await freePort();
    const a = await start('a', { b: `127.0.0.1:${pb}` });
    const t0 = performance.now();
    for (let i = 0; i < 10_000; i++) a.send(heartbeat('a', 'b', i));
    expect(performance.now() - t0).toBeLessThan(2000);
    await waitFor(() => a.stats().peers.b.failures > 0, {
      timeoutMs: 10_000,
      what: 'the stream to the dead peer to fail',
    });
    expect(a.stats().peers.b.dropped).toBeGreaterThan(0);
    // The peer comes up; the link recovers after its backoff.
    const b = await start('b', {}, pb);
    const atB = collect(b);
    await waitFor(
      () => {
        a.send(heartbeat('a', 'b', 9999));
        return atB.length > 0;
      },
      { timeoutMs: 10_000, intervalMs: 50, what: 'delivery after the peer came up' },
    );
  });

  it('bounds the queue: beyond queueLimit, messages are dropped', async () => {
    const pb = await freePort();
    const a = await start('a', { b: `127.0.0.1:${pb}` }, 0, 10);
    // Nobody listens at pb yet: the first stream is still connecting, so the queue fills.
    for (let i = 0; i < 1000; i++) a.send(heartbeat('a', 'b', i));
    const { sent, dropped, queued } = a.stats().peers.b;
    expect(sent + dropped + queued).toBe(1000);
    expect(queued).toBeLessThanOrEqual(10);
    expect(dropped).toBeGreaterThan(0);
  });

  it('ignores messages for unknown peers and messages addressed to someone else', async () => {
    const pb = await freePort();
    const a = await start('a', { b: `127.0.0.1:${pb}` });
    const b = await start('b', {}, pb);
    const atB = collect(b);
    a.send(heartbeat('a', 'nobody', 1));
    a.send(heartbeat('a', 'b', 2));
    await waitFor(() => atB.length === 1, { timeoutMs: 5000, what: 'the message to b' });
    expect(atB[0]).toEqual(heartbeat('a', 'b', 2));
  });

  it('delivers a burst queued in one turn, in order, and counts it per peer', async () => {
    const b = await start('b', {});
    const a = await start('a', { b: `127.0.0.1:${b.port}` });
    const atB = collect(b);
    const data = new Uint8Array(256).fill(1);
    for (let i = 1; i <= 3000; i++) {
      a.send({
        type: 'append',
        from: 'a',
        to: 'b',
        term: 2,
        prevIndex: i - 1,
        prevTerm: 2,
        commit: 0,
        entries: [{ index: i, term: 2, kind: 'normal', data }],
      });
    }
    await waitFor(() => atB.length === 3000, { timeoutMs: 10_000, what: 'the whole burst' });
    expect(atB.map((m) => (m.type === 'append' ? m.entries[0].index : -1))).toEqual(
      Array.from({ length: 3000 }, (_, i) => i + 1),
    );
    expect(a.stats()).toMatchObject({ sent: 3000, dropped: 0, peers: { b: { sent: 3000, queued: 0 } } });
    expect(b.stats()).toMatchObject({ received: 3000, peers: {} });
  });

  it('splits a burst bigger than a batch, sending an oversized message on its own, in order', async () => {
    const b = await start('b', {});
    const a = await start('a', { b: `127.0.0.1:${b.port}` });
    const atB = collect(b);
    const chunk: Message = {
      type: 'snapshot',
      from: 'a',
      to: 'b',
      term: 2,
      meta: { index: 10, term: 2, config: { voters: ['a', 'b'], learners: [] } },
      offset: 0,
      totalBytes: 3 << 20,
      data: new Uint8Array(3 << 20).fill(5),
      done: true,
    };
    const append = (i: number): Message => ({
      type: 'append',
      from: 'a',
      to: 'b',
      term: 2,
      prevIndex: 10 + i,
      prevTerm: 2,
      commit: 10,
      entries: [{ index: 11 + i, term: 2, kind: 'normal', data: new Uint8Array(400 << 10).fill(i) }],
    });
    const burst = [chunk, ...Array.from({ length: 6 }, (_, i) => append(i)), heartbeat('a', 'b', 16)];
    for (const m of burst) a.send(m);
    await waitFor(() => atB.length === burst.length, { timeoutMs: 10_000, what: 'the whole burst' });
    // Deep equality on megabytes of data is slow: compare the bytes with Buffer.equals.
    const payload = (m: Message): Uint8Array =>
      m.type === 'snapshot' ? m.data : m.type === 'append' ? m.entries[0].data : new Uint8Array();
    expect(atB.map((m) => m.type)).toEqual(burst.map((m) => m.type));
    atB.forEach((m, i) => expect(Buffer.from(payload(m)).equals(payload(burst[i]))).toBe(true));
    expect(atB.at(-1)).toEqual(heartbeat('a', 'b', 16));
  });

  it('drops (counting) what is queued for a peer when it is removed', async () => {
    const b = await start('b', {});
    const a = await start('a', { b: `127.0.0.1:${b.port}` });
    for (let i = 0; i < 10; i++) a.send(heartbeat('a', 'b', i));
    a.removePeer('b'); // in the same turn: nothing was written yet
    expect(a.stats()).toMatchObject({ sent: 0, dropped: 10, peers: {} });
  });

  it('rejects (counting) messages from another cluster and delivers those from its own', async () => {
    const b = await start('b', {}, 0, undefined, 'cluster-b');
    const stranger = await start('a', { b: `127.0.0.1:${b.port}` }, 0, undefined, 'cluster-x');
    const member = await start('c', { b: `127.0.0.1:${b.port}` }, 0, undefined, 'cluster-b');
    const atB = collect(b);
    for (let i = 1; i <= 5; i++) stranger.send(heartbeat('a', 'b', i));
    await waitFor(() => b.stats().rejectedCluster === 5, { timeoutMs: 10_000, what: 'the rejections' });
    member.send(heartbeat('c', 'b', 7));
    await waitFor(() => atB.length === 1, { timeoutMs: 10_000, what: 'the same-cluster message' });
    expect(atB).toEqual([heartbeat('c', 'b', 7)]);
    expect(b.stats()).toMatchObject({ received: 1, rejectedCluster: 5, rejected: 0 });
    expect(stranger.stats().peers.b.sent).toBe(5);
  });

  it('refuses an empty cluster id', async () => {
    await expect(start('a', {}, 0, undefined, '')).rejects.toThrow(/clusterId/);
  });

  it('adds a peer at run time, stops sending to a removed one, and takes it back', async () => {
    const a = await start('a', {});
    const b = await start('b', {});
    const atB = collect(b);
    a.send(heartbeat('a', 'b', 1)); // not a peer yet: dropped silently
    a.addPeer('b', `127.0.0.1:${b.port}`);
    a.send(heartbeat('a', 'b', 2));
    await waitFor(() => atB.length === 1, { timeoutMs: 10_000, what: 'delivery to the added peer' });
    expect(atB[0]).toEqual(heartbeat('a', 'b', 2));

    a.removePeer('b');
    expect(a.stats().peers.b).toBeUndefined();
    a.send(heartbeat('a', 'b', 3));
    // A later message to a peer that is still there proves the removed one's would have arrived by now.
    const c = await start('c', {});
    const atC = collect(c);
    a.addPeer('c', `127.0.0.1:${c.port}`);
    a.send(heartbeat('a', 'c', 4));
    await waitFor(() => atC.length === 1, { timeoutMs: 10_000, what: 'delivery to c' });
    expect(atB).toHaveLength(1);

    a.addPeer('b', `127.0.0.1:${b.port}`);
    a.send(heartbeat('a', 'b', 5));
    await waitFor(() => atB.length === 2, { timeoutMs: 10_000, what: 'delivery to the re-added peer' });
    expect(atB[1]).toEqual(heartbeat('a', 'b', 5));
    // Counters carry over a removal: totals never go backwards.
    expect(a.stats()).toMatchObject({ sent: 3, peers: { b: { sent: 2 }, c: { sent: 1 } } });
  });

  it('moves a peer to a new address', async () => {
    const old = await start('b', {});
    const moved = await start('b', {});
    const atOld = collect(old);
    const atMoved = collect(moved);
    const a = await start('a', { b: `127.0.0.1:${old.port}` });
    a.send(heartbeat('a', 'b', 1));
    await waitFor(() => atOld.length === 1, { timeoutMs: 10_000, what: 'delivery to the old address' });
    a.addPeer('b', `127.0.0.1:${moved.port}`);
    a.send(heartbeat('a', 'b', 2));
    await waitFor(() => atMoved.length === 1, { timeoutMs: 10_000, what: 'delivery to the new address' });
    expect(atOld).toHaveLength(1);
    expect(a.stats().peers.b).toMatchObject({ sent: 2, received: 0 });
  });

  it('counts messages received per peer', async () => {
    const a = await start('a', {});
    const b = await start('b', { a: `127.0.0.1:${a.port}` });
    collect(a);
    a.addPeer('b', `127.0.0.1:${b.port}`);
    for (let i = 0; i < 3; i++) b.send(heartbeat('b', 'a', i));
    await waitFor(() => a.stats().received === 3, { timeoutMs: 10_000, what: 'the messages' });
    expect(a.stats().peers.b.received).toBe(3);
  });

  it('close() stops delivery and releases the port', async () => {
    const pb = await freePort();
    const b = await start('b', {}, pb);
    await b.close();
    // Rebinding the same port proves the server is gone.
    const again = await start('b', {}, pb);
    expect(again.port).toBe(pb);
  });
});
