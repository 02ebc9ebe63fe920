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
): Promise<GrpcTransport> {
  const t = await GrpcTransport.start({ id, port, peers, queueLimit });
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

  it('close() stops delivery and releases the port', async () => {
    const pb = await freePort();
    const b = await start('b', {}, pb);
    await b.close();
    // Rebinding the same port proves the server is gone.
    const again = await start('b', {}, pb);
    expect(again.port).toBe(pb);
  });
});
