import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type EtcdCluster, freePort, REGISTRY_BINARIES, startEtcdCluster, waitFor } from '@flotilla/testing';
import type { MemberRow } from './commands/store/store-members.js';
import type { EndpointStatus } from './commands/store/store-status.js';
import { ExitCode } from './exit-codes.js';
import { flotilla, flotillaJson } from './test-support/run-cli.js';

const run = promisify(execFile);

describe.each(REGISTRY_BINARIES)('flotilla store against a 3-member %s', (binary) => {
  let cluster: EtcdCluster;
  let at: string[];

  beforeAll(async () => {
    cluster = await startEtcdCluster({ binary, size: 3 });
    at = ['--endpoints', cluster.endpoints.join(',')];
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  const status = async () =>
    (await flotillaJson<{ endpoints: EndpointStatus[] }>([...at, 'store', 'status'])).endpoints;

  it('status: one row per endpoint, exactly one leader, all agreeing on it', async () => {
    const rows = await status();
    expect(rows.map((r) => r.endpoint)).toEqual(cluster.endpoints);
    for (const r of rows) {
      expect(r).toMatchObject({
        memberId: expect.stringMatching(/^[0-9a-f]+$/),
        isLearner: false,
        raftTerm: expect.any(Number),
        raftIndex: expect.any(Number),
        dbSize: expect.any(Number),
        version: expect.stringMatching(/^3\.\d+\.\d+/),
        errors: [],
      });
      expect(r.raftTerm).toBeGreaterThan(0);
    }
    expect(rows.filter((r) => r.isLeader)).toHaveLength(1);
    const leader = rows.find((r) => r.isLeader)!;
    expect(new Set(rows.map((r) => r.leaderId))).toEqual(new Set([leader.memberId]));
    expect(new Set(rows.map((r) => r.memberId)).size).toBe(3);

    const table = await flotilla([...at, 'store', 'status']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/ENDPOINT.*MEMBER ID.*LEADER.*RAFT TERM.*RAFT INDEX.*DB SIZE.*VERSION/);
    expect(table.stdout.match(/│ yes /g)).toHaveLength(1);
  });

  it('members: ids exactly as etcdctl prints them, names, URLs, learner flag', async () => {
    const { members } = await flotillaJson<{ members: MemberRow[] }>([...at, 'store', 'members']);
    const { stdout } = await run(
      'etcdctl',
      [`--endpoints=${cluster.endpoints.join(',')}`, 'member', 'list'],
      {
        env: { ...process.env, ETCDCTL_API: '3' },
      },
    );
    // etcdctl's simple format: "<hex id>, started, <name>, <peer urls>, <client urls>[, <learner>]"
    const fromEtcdctl = stdout
      .trim()
      .split('\n')
      .map((line) => line.split(', '))
      .map(([id, , name]) => ({ id, name }))
      .sort((a, b) => a.name!.localeCompare(b.name!));
    expect(
      members.map((m) => ({ id: m.id, name: m.name })).sort((a, b) => a.name.localeCompare(b.name)),
    ).toEqual(fromEtcdctl);
    for (const [i, member] of cluster.members.entries()) {
      expect(members.find((m) => m.name === `m${i}`)).toEqual({
        id: expect.any(String),
        name: `m${i}`,
        peerUrls: [member.peerUrl],
        clientUrls: [member.clientUrl],
        isLearner: false,
      });
    }
    const table = await flotilla([...at, 'store', 'members']);
    expect(table.stdout).toMatch(/ID.*NAME.*PEER URLS.*CLIENT URLS.*LEARNER/);
  });

  it('move-leader: hands leadership to a named member, by id too, and refuses an unknown one', async () => {
    const before = (await status()).find((r) => r.isLeader)!;
    const { members } = await flotillaJson<{ members: MemberRow[] }>([...at, 'store', 'members']);
    const target = members.find((m) => m.id !== before.memberId)!;
    const moved = await flotillaJson<{
      from: { id: string };
      to: { id: string; name: string };
      moved: boolean;
    }>([...at, 'store', 'move-leader', target.name]);
    expect(moved).toEqual({
      from: { id: before.memberId, name: expect.any(String) },
      to: { id: target.id, name: target.name },
      moved: true,
    });
    // MoveLeader returns once the transfer is done; every member learns of it with the next heartbeat.
    await waitFor(
      async () => (await status()).every((r) => r.leaderId === target.id && r.raftTerm > before.raftTerm),
      {
        timeoutMs: 10_000,
        what: `every member to follow ${target.name}`,
      },
    );

    const back = members.find((m) => m.id === before.memberId)!;
    const byId = await flotilla([...at, 'store', 'move-leader', back.id]);
    expect(byId.code).toBe(0);
    expect(byId.stdout).toBe(
      `leadership moved from ${target.name} (${target.id}) to ${back.name} (${back.id})\n`,
    );

    const unknown = await flotilla([...at, 'store', 'move-leader', 'nobody']);
    expect(unknown.code).toBe(ExitCode.failed);
    expect(unknown.stderr).toMatch(
      /^error: unknown member "nobody": the members are .+; give a name or hex id from `flotilla store members`\n$/,
    );
    const unknownId = await flotilla([...at, 'store', 'move-leader', 'abc123']);
    expect(unknownId.code).toBe(ExitCode.failed);
    expect(unknownId.stderr).toContain('error: unknown member "abc123"');
  });

  it('move-leader: refuses a learner, which cannot lead', async () => {
    // A learner that is never started: the CLI refuses it from the member list alone. (etcdctl pads
    // the id to 16 columns with spaces: "Member    68d7771970ef1 added".)
    const { stdout } = await run(
      'etcdctl',
      [
        `--endpoints=${cluster.endpoints.join(',')}`,
        'member',
        'add',
        'learner',
        '--learner',
        `--peer-urls=http://127.0.0.1:${await freePort()}`,
      ],
      { env: { ...process.env, ETCDCTL_API: '3' } },
    );
    const id = /Member\s+([0-9a-f]+)\s+added/.exec(stdout)?.[1];
    expect(id, stdout).toBeDefined();
    try {
      const { members } = await flotillaJson<{ members: MemberRow[] }>([...at, 'store', 'members']);
      expect(members.find((m) => m.id === id)).toMatchObject({ isLearner: true });
      const refused = await flotilla([...at, 'store', 'move-leader', id!]);
      expect(refused.code).toBe(ExitCode.failed);
      expect(refused.stderr).toMatch(
        new RegExp(
          `^error: member .*\\(${id}\\) is a learner and cannot lead; promote it first or pick a voting member\\n$`,
        ),
      );
    } finally {
      await run('etcdctl', [`--endpoints=${cluster.endpoints.join(',')}`, 'member', 'remove', id!], {
        env: { ...process.env, ETCDCTL_API: '3' },
      });
    }
  });

  // Last: it leaves the cluster without quorum.
  it('fails within its deadline, saying why, when the store has lost quorum', async () => {
    await cluster.kill(1);
    await cluster.kill(2);
    // Once the survivor knows it has no leader (a leader steps down when it cannot reach a quorum),
    // the answer no longer depends on how soon after the kills the write comes.
    const survivor = ['--endpoints', cluster.endpoints[0]!];
    await waitFor(
      async () =>
        (await flotillaJson<{ endpoints: EndpointStatus[] }>([...survivor, 'store', 'status'])).endpoints[0]
          ?.leaderId === '0',
      { timeoutMs: 15_000, what: 'the surviving member to know no leader' },
    );
    const write = await flotilla([
      '--timeout',
      '3000',
      ...at,
      'config',
      'set',
      'quorum',
      'k',
      '1',
      '--no-schema',
    ]);
    // flotilla-store answers a read or write without a leader at once with etcd's "no leader". etcd
    // itself keeps a linearizable read waiting for a leader (its ReadIndex gets no answer) until the
    // client's deadline passes, so there the CLI's own deadline is what the operator sees. The
    // call's gRPC deadline and the CLI's timer are both 3000 ms: whichever fires first words it,
    // the gRPC one with etcd's details in parentheses.
    const cause =
      binary === 'flotilla-store'
        ? /^error: no quorum: the store at .* answered "etcdserver: no leader"; a majority of its members must be running \(check `flotilla store status`\), then retry\n$/
        : /^error: deadline exceeded: no answer from .* within 3000 ms( \(.*\))?; the store may have lost quorum: check `flotilla store status`, or raise --timeout\n$/;
    expect({ code: write.code, stderr: write.stderr }).toEqual({
      code: ExitCode.failed,
      stderr: expect.stringMatching(cause),
    });
    expect(write.ms).toBeLessThan(10_000);

    const rows = await flotilla(['--timeout', '3000', ...at, 'store', 'status', '--json']);
    expect(rows.code).toBe(ExitCode.failed);
    expect(rows.stderr).toBe(
      `error: 2 of 3 endpoints did not answer: ${cluster.endpoints.slice(1).join(', ')}\n`,
    );
    const { endpoints } = JSON.parse(rows.stdout) as {
      endpoints: ({ endpoint: string } & Record<string, unknown>)[];
    };
    expect(endpoints[0]).toMatchObject({ endpoint: cluster.endpoints[0], memberId: expect.any(String) });
    expect(endpoints[1]).toEqual({
      endpoint: cluster.endpoints[1],
      error: expect.stringContaining('store unreachable'),
    });
  });
});
