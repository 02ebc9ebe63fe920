import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { GreeterClient, type HelloReply } from '@flotilla/proto';
import {
  createDiscovery,
  type Discovery,
  registerEtcdResolver,
  type ServiceEndpoint,
} from '@flotilla/discovery';
import {
  captureOutput,
  type EtcdCluster,
  exited,
  freePort,
  spawnTracked,
  startEtcdCluster,
  stopChild,
  waitFor,
  waitForServing,
} from '@flotilla/testing';

// The build output, run with plain Node, as in production.
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

interface GreeterProcess {
  id: string;
  address: string;
  child: ChildProcess;
  output: () => string;
}

/** One SayHello through `client`; resolves with the address of the instance that answered. */
function helloPeer(client: GreeterClient, name = 'x', timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const call = client.sayHello(
      { name, count: 0 },
      new Metadata(),
      { deadline: new Date(Date.now() + timeoutMs) },
      (error: ServiceError | null, reply: HelloReply) => {
        if (error) reject(error);
        else if (reply.message !== `Hello ${name}`) reject(new Error(`unexpected reply ${reply.message}`));
        else resolve(call.getPeer());
      },
    );
  });
}

describe('greeter registered in etcd (real greeter processes, 3-member etcd)', () => {
  let cluster: EtcdCluster;
  let discovery: Discovery;
  const greeters: GreeterProcess[] = [];
  const clients: GreeterClient[] = [];

  async function spawnGreeter(id: string, service: string, extra: string[] = []): Promise<GreeterProcess> {
    const port = await freePort();
    const child = spawnTracked(process.execPath, [
      MAIN,
      '--port',
      String(port),
      '--registry',
      cluster.endpoints.join(','),
      '--service-name',
      service,
      '--instance-id',
      id,
      ...extra,
    ]);
    const greeter = { id, address: `127.0.0.1:${port}`, child, output: captureOutput(child) };
    greeters.push(greeter);
    await waitForServing(greeter.address);
    await waitFor(() => greeter.output().includes('registered in etcd as'), {
      timeoutMs: 10_000,
      what: `greeter ${id} to register:\n${greeter.output()}`,
    });
    return greeter;
  }

  function channel(service: string): GreeterClient {
    const client = new GreeterClient(`etcd:///${service}`, credentials.createInsecure());
    clients.push(client);
    return client;
  }

  const ids = (set: ServiceEndpoint[]) => set.map((e) => e.instanceId).sort();

  beforeAll(async () => {
    cluster = await startEtcdCluster({ size: 3 });
    discovery = await createDiscovery({ endpoints: cluster.endpoints });
    registerEtcdResolver(discovery);
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await Promise.all(greeters.splice(0).map((g) => stopChild(g.child, 'SIGKILL')));
  });
  afterAll(async () => {
    await discovery?.close();
    await cluster?.stop();
  });

  it('registers once SERVING and is called round-robin through etcd:///<service>', async () => {
    const started = await Promise.all(
      ['a', 'b', 'c'].map((id) => spawnGreeter(`rr-${id}`, 'greeter-rr', ['--zone', 'z1'])),
    );
    const listed = await discovery.list('greeter-rr');
    expect(listed.map((e) => [e.instanceId, e.address])).toEqual(started.map((g) => [g.id, g.address]));
    expect(listed[0]!.metadata).toEqual({ version: '0.0.0', zone: 'z1' });

    const client = channel('greeter-rr');
    const peers = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const peer = await helloPeer(client);
      peers.set(peer, (peers.get(peer) ?? 0) + 1);
    }
    expect([...peers.keys()].sort()).toEqual(started.map((g) => g.address).sort());
    // Round-robin: an even spread, give or take the calls made while connections came up.
    expect(Math.min(...peers.values())).toBeGreaterThanOrEqual(7);
  });

  it('keeps every instance registered and calls flowing when one etcd member is killed', async () => {
    await Promise.all(['a', 'b'].map((id) => spawnGreeter(`one-${id}`, 'greeter-one', ['--ttl', '3'])));
    const sets: string[][] = [];
    const unsubscribe = discovery.subscribe('greeter-one', (set) => sets.push(ids(set)));
    const client = channel('greeter-one');
    try {
      await helloPeer(client);
      await cluster.kill(1);
      // Two TTLs: long enough for an un-renewed lease to have expired twice over.
      const until = Date.now() + 6000;
      let calls = 0;
      while (Date.now() < until) {
        await helloPeer(client);
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(calls).toBeGreaterThan(50);
      expect((await discovery.list('greeter-one')).map((e) => e.instanceId)).toEqual(['one-a', 'one-b']);
      // No watcher ever saw an instance leave.
      expect(sets.filter((s) => s.length > 0).every((s) => s.join() === 'one-a,one-b')).toBe(true);
    } finally {
      unsubscribe();
      await cluster.restart(1);
    }
  });

  it('keeps calls flowing on cached endpoints with all of etcd down for 20 s, and re-registers within 2 s of its return', async () => {
    const started = await Promise.all(['a', 'b'].map((id) => spawnGreeter(`down-${id}`, 'greeter-down')));
    const client = channel('greeter-down');
    // A fresh channel balances only over subchannels that are READY: wait until calls reach both
    // instances (the endpoints the outage must then be served from), however long connecting takes.
    const peers = new Set<string>();
    await waitFor(async () => peers.add(await helloPeer(client)).size === 2, {
      timeoutMs: 10_000,
      intervalMs: 0,
      what: 'calls to reach both greeters before the outage',
    });

    await Promise.all(cluster.members.map((_, i) => cluster.kill(i)));
    const downSince = Date.now();
    let calls = 0;
    while (Date.now() - downSince < 20_000) {
      await helloPeer(client);
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(calls).toBeGreaterThan(100);
    for (const g of started) expect(g.output()).toContain('etcd registration retrying');

    // Output from here on (the whole-run capture keeps only its last 64 KiB, so offsets into it drift).
    const after = started.map((g) => captureOutput(g.child));
    await Promise.all(cluster.members.map((_, i) => cluster.restart(i)));
    const healthyAt = Date.now();
    // Registered again: each greeter's registrar reports 'registered' after the outage, and the keys are in etcd.
    await waitFor(
      async () =>
        after.every((output) => output().includes('etcd registration registered')) &&
        (await discovery.list('greeter-down')).length === 2,
      { timeoutMs: 2000, intervalMs: 20, what: 'both greeters to be registered again' },
    );
    expect(Date.now() - healthyAt).toBeLessThan(2000);
    await helloPeer(client);
  }, 90_000);

  it('drops a SIGKILLed instance within its TTL, and a gracefully stopped one within the drain delay, without failing calls', async () => {
    const [killed, stopped] = await Promise.all([
      spawnGreeter('gone-kill', 'greeter-gone', ['--ttl', '2']),
      spawnGreeter('gone-term', 'greeter-gone', ['--ttl', '2', '--drain-ms', '1000']),
      spawnGreeter('gone-stay', 'greeter-gone', ['--ttl', '2']),
    ]);
    let latest: string[] = [];
    const unsubscribe = discovery.subscribe('greeter-gone', (set) => (latest = ids(set)));
    try {
      await waitFor(() => latest.length === 3, { timeoutMs: 5000, what: 'three instances' });

      const killedAt = Date.now();
      await stopChild(killed!.child, 'SIGKILL');
      await waitFor(() => !latest.includes('gone-kill'), {
        timeoutMs: 4000,
        intervalMs: 20,
        what: 'the killed instance to leave',
      });
      // The lease runs out within the TTL of the last renewal; etcd sweeps expired leases every 500 ms.
      expect(Date.now() - killedAt).toBeLessThan(2000 + 600);

      const client = channel('greeter-gone');
      await helloPeer(client);
      let failures = 0;
      let calling = true;
      const load = (async () => {
        while (calling) await helloPeer(client).catch(() => (failures += 1));
      })();
      const termAt = Date.now();
      const exit = exited(stopped!.child);
      stopped!.child.kill('SIGTERM');
      await waitFor(() => !latest.includes('gone-term'), {
        timeoutMs: 1000,
        intervalMs: 10,
        what: 'the stopped instance to leave',
      });
      const goneAfter = Date.now() - termAt;
      expect(goneAfter).toBeLessThan(1000);
      expect(await exit).toEqual({ code: 0, signal: null });
      calling = false;
      await load;
      expect(failures).toBe(0);
      const out = stopped!.output();
      const order = [
        'shutdown not-serving',
        'shutdown lease-revoked',
        'shutdown drained',
        'shutdown server-closed',
      ].map((s) => out.indexOf(s));
      expect(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
      expect(latest).toEqual(['gone-stay']);
    } finally {
      unsubscribe();
    }
  });

  it('exits 1 naming the etcd endpoints when etcd is unreachable at start-up', async () => {
    const deadPort = await freePort();
    const child = spawnTracked(process.execPath, [
      MAIN,
      '--port',
      String(await freePort()),
      '--registry',
      `http://127.0.0.1:${deadPort}`,
    ]);
    const output = captureOutput(child);
    expect(await exited(child)).toEqual({ code: 1, signal: null });
    expect(output()).toContain(
      `cannot register in etcd: etcd is unreachable: tried http://127.0.0.1:${deadPort}`,
    );
  });
});
