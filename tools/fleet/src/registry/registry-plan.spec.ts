import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registryMemberCommand } from './registry-command.js';
import { planRegistry } from './registry-plan.js';

describe('planRegistry', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-registry-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('picks 3 members on distinct free ports, and reuses them on the next run', async () => {
    const first = await planRegistry('store', dir);
    expect(first.reused).toBe(false);
    expect(first.members.map((m) => m.name)).toEqual(['store-1', 'store-2', 'store-3']);
    expect(first.members.map((m) => m.dataDir)).toEqual(
      ['store-1', 'store-2', 'store-3'].map((n) => join(dir, n)),
    );
    const ports = first.members.flatMap((m) => [m.clientPort, m.peerPort]);
    expect(new Set(ports).size).toBe(6);

    const second = await planRegistry('store', dir);
    expect(second).toEqual({ ...first, reused: true });
  });

  it('names the way out when the remembered ports are unreadable', async () => {
    writeFileSync(join(dir, 'cluster.json'), '{"members": 3}');
    await expect(planRegistry('etcd', dir)).rejects.toThrow(
      /cluster\.json is unreadable .*; start over with npm run fleet -- --fresh --etcd/,
    );
  });

  it('gives etcd and flotilla-store the same etcd flags, every member listing the whole cluster', async () => {
    const plan = await planRegistry('etcd', dir);
    const [m1] = plan.members;
    const { command, args } = registryMemberCommand(plan, m1!);
    expect(command).toBe(process.env['ETCD_BIN'] ?? 'etcd');
    const flag = (name: string) => args[args.indexOf(name) + 1];
    expect(flag('--name')).toBe('store-1');
    expect(flag('--listen-client-urls')).toBe(`http://127.0.0.1:${m1!.clientPort}`);
    expect(flag('--initial-cluster')).toBe(
      plan.members.map((m) => `${m.name}=http://127.0.0.1:${m.peerPort}`).join(','),
    );
    const store = registryMemberCommand({ ...plan, kind: 'store' }, m1!);
    expect(store.command).toBe(process.execPath);
    expect(store.args.slice(1)).toEqual(args);
  });
});
