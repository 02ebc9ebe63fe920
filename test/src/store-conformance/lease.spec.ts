import { status } from '@grpc/grpc-js';
import { waitFor } from '@flotilla/testing';
import { EtcdLeaseInvalidError } from 'etcd3';
import { BACKENDS } from './support/backends.js';
import { ctlError, etcdctl } from './support/etcdctl.js';
import { failure, type Stream } from './support/raw-client.js';
import { bytes, currentRevision, expectFullHeader, useCluster } from './support/suite.js';
import type {
  HeaderOnly,
  LeaseGrantResponse,
  LeaseLeasesResponse,
  LeaseTimeToLiveResponse,
  PutResponse,
  RangeResponse,
} from './support/wire.js';

const LEASE_NOT_FOUND = { code: status.NOT_FOUND, details: 'etcdserver: requested lease not found' };
/** A lease id as etcdctl prints it (%016x). */
const hex = (id: string): string => BigInt(id).toString(16).padStart(16, '0');

// The Lease service on a one-member cluster of each backend.
describe.each(BACKENDS)('Lease on %s', (backend) => {
  const s = useCluster({ backend });
  const streams: Stream<unknown>[] = [];
  afterEach(() => {
    for (const x of streams.splice(0)) x.close();
  });

  const grant = (TTL: number, ID?: string) =>
    s.raw.lease<LeaseGrantResponse>('leaseGrant', { TTL, ...(ID ? { ID } : {}) });
  const put = (key: string, value: string, lease?: string) =>
    s.raw.kv<PutResponse>('put', { key: bytes(key), value: bytes(value), ...(lease ? { lease } : {}) });
  const keysUnder = async (prefix: string): Promise<string[]> => {
    const end = Buffer.from(prefix);
    end[end.length - 1]!++;
    const r = await s.raw.kv<RangeResponse>('range', { key: bytes(prefix), range_end: end, keys_only: true });
    return r.kvs.map((kv) => kv.key.toString());
  };
  const ttl = (ID: string, keys = false) =>
    s.raw.lease<LeaseTimeToLiveResponse>('leaseTimeToLive', { ID, keys });

  it('Grant: a server-chosen id, or the one asked for; TTL as granted; a too-small TTL is raised to the minimum', async () => {
    const g = await grant(60);
    expect(BigInt(g.ID)).toBeGreaterThan(0n);
    expect(g.TTL).toBe('60');
    expect(g.error).toBe('');
    expectFullHeader(g.header);
    const mine = await grant(30, '4242');
    expect([mine.ID, mine.TTL]).toEqual(['4242', '30']);
    // etcd's minimum TTL with its default timings is 2 s (ceil of 1.5 election timeouts).
    expect((await grant(1)).TTL).toBe('2');
    expect((await grant(0)).TTL).toBe('2');
  });

  it('Grant errors: an id in use is FAILED_PRECONDITION, a TTL over the maximum OUT_OF_RANGE', async () => {
    await grant(30, '777');
    expect(await failure(grant(30, '777'))).toEqual({
      code: status.FAILED_PRECONDITION,
      details: 'etcdserver: lease already exists',
    });
    expect(await failure(grant(9_000_000_001))).toEqual({
      code: status.OUT_OF_RANGE,
      details: 'etcdserver: too large lease TTL',
    });
  });

  it('TimeToLive with keys: remaining TTL, granted TTL and the attached keys', async () => {
    const g = await grant(60);
    await put('ttl/b', '1', g.ID);
    await put('ttl/a', '2', g.ID);
    await put('ttl/c', '3');
    const t = await ttl(g.ID, true);
    expectFullHeader(t.header);
    expect(t.ID).toBe(g.ID);
    expect(t.grantedTTL).toBe('60');
    expect(Number(t.TTL)).toBeGreaterThan(50);
    expect(Number(t.TTL)).toBeLessThanOrEqual(60);
    // etcd lists them in no particular order (a Go map's).
    expect(t.keys.map((k) => k.toString()).sort()).toEqual(['ttl/a', 'ttl/b']);
    expect((await ttl(g.ID, false)).keys).toEqual([]);
    // A key moved to another lease (or to none) leaves this one.
    await put('ttl/a', '4');
    expect((await ttl(g.ID, true)).keys.map((k) => k.toString())).toEqual(['ttl/b']);
  });

  it('TimeToLive of a lease that does not exist answers TTL -1 (not an error, as etcd does)', async () => {
    const t = await ttl('123454321', true);
    expect(t).toMatchObject({ ID: '123454321', TTL: '-1', keys: [] });
    expectFullHeader(t.header);
    const ctl = await etcdctl(s.endpoints, ['lease', 'timetolive', hex('123454321')]);
    expect(ctl.code).toBe(0);
    expect(ctl.stdout.trim()).toBe(`lease ${hex('123454321')} already expired`);
  });

  it('Leases lists every lease; a revoked one is gone', async () => {
    const a = await grant(60);
    const b = await grant(60);
    const list = async () =>
      (await s.raw.lease<LeaseLeasesResponse>('leaseLeases', {})).leases.map((l) => l.ID);
    expect(await list()).toEqual(expect.arrayContaining([a.ID, b.ID]));
    const r = await s.raw.lease<LeaseLeasesResponse>('leaseLeases', {});
    expectFullHeader(r.header);
    await s.raw.lease('leaseRevoke', { ID: a.ID });
    expect(await list()).not.toContain(a.ID);
    expect(await list()).toContain(b.ID);
  });

  it('Revoke deletes the lease keys at one revision (a watch sees the deletes); a missing lease is NOT_FOUND', async () => {
    const g = await grant(60);
    await put('rev/a', '1', g.ID);
    await put('rev/b', '2', g.ID);
    await put('rev/keep', '3');
    const base = await currentRevision(s.raw);
    const w = s.raw.watch();
    streams.push(w as Stream<unknown>);
    w.send({ create_request: { key: bytes('rev/'), range_end: bytes('rev0') } });
    await w.next((r) => r.created);
    const r = await s.raw.lease<HeaderOnly>('leaseRevoke', { ID: g.ID });
    expectFullHeader(r.header, { revision: base + 1 });
    expect(await keysUnder('rev/')).toEqual(['rev/keep']);
    const deletes = await w.next((x) => x.events.length > 0);
    expect(deletes.events.map((e) => [e.type, e.kv.key.toString(), e.kv.mod_revision])).toEqual([
      ['Delete', 'rev/a', String(base + 1)],
      ['Delete', 'rev/b', String(base + 1)],
    ]);
    expect(await failure(s.raw.lease('leaseRevoke', { ID: g.ID }))).toEqual(LEASE_NOT_FOUND);
    expect(await failure(s.raw.lease('leaseRevoke', { ID: '99999' }))).toEqual(LEASE_NOT_FOUND);
    // Revoking a lease without keys writes no revision.
    const empty = await grant(60);
    const before = await currentRevision(s.raw);
    await s.raw.lease('leaseRevoke', { ID: empty.ID });
    expect(await currentRevision(s.raw)).toBe(before);
  });

  it('KeepAlive (stream): each request answers the granted TTL with a full header; a missing lease answers TTL 0', async () => {
    const g = await grant(20);
    const k = s.raw.leaseKeepAlive();
    streams.push(k as Stream<unknown>);
    k.send({ ID: g.ID });
    const first = await k.next();
    expect([first.ID, first.TTL]).toEqual([g.ID, '20']);
    expectFullHeader(first.header);
    k.send({ ID: g.ID });
    k.send({ ID: '55555' });
    const [second, missing] = [await k.next(), await k.next()];
    expect([second.ID, second.TTL]).toEqual([g.ID, '20']);
    expect([missing.ID, missing.TTL]).toEqual(['55555', '0']);
    // After a keep-alive the remaining TTL is back at (about) the full TTL.
    expect(Number((await ttl(g.ID)).TTL)).toBeGreaterThanOrEqual(18);
  });

  it('expiry: a lease that is not kept alive is revoked with its keys; one kept alive outlives its TTL', async () => {
    // etcd3's Lease keeps itself alive; the raw one is never renewed.
    const kept = s.etcd3.lease(2);
    const keptId = await kept.grant();
    await kept.put('exp/kept').value('1');
    const started = Date.now();
    const lapsed = await grant(2);
    await put('exp/lapsed', '1', lapsed.ID);
    await waitFor(async () => !(await keysUnder('exp/')).includes('exp/lapsed'), {
      timeoutMs: 15_000,
      intervalMs: 100,
      what: 'the key of a lapsed 2 s lease to be deleted',
    });
    // Not before its TTL from the grant (etcd checks every 500 ms and revokes through Raft).
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect((await ttl(lapsed.ID)).TTL).toBe('-1');
    expect((await s.raw.lease<LeaseLeasesResponse>('leaseLeases', {})).leases.map((l) => l.ID)).not.toContain(
      lapsed.ID,
    );
    // The kept-alive lease lived through the same >= 2 s.
    expect(await keysUnder('exp/')).toEqual(['exp/kept']);
    expect(Number((await ttl(keptId)).TTL)).toBeGreaterThan(0);
    await kept.revoke();
    expect(await keysUnder('exp/')).toEqual([]);
  });

  it('through etcdctl: grant, put --lease, keep-alive --once, timetolive --keys, list, revoke, and the not-found error', async () => {
    const granted = await etcdctl(s.endpoints, ['lease', 'grant', '100']);
    const id = /^lease ([0-9a-f]+) granted with TTL\(100s\)$/.exec(granted.stdout.trim())?.[1];
    expect(id, granted.stdout + granted.stderr).toBeDefined();
    expect((await etcdctl(s.endpoints, ['put', 'ctl/k', 'v', `--lease=${id}`])).stdout.trim()).toBe('OK');
    expect((await etcdctl(s.endpoints, ['lease', 'keep-alive', '--once', id!])).stdout.trim()).toBe(
      `lease ${id} keepalived with TTL(100)`,
    );
    const t = await etcdctl(s.endpoints, ['lease', 'timetolive', id!, '--keys']);
    expect(t.stdout.trim()).toMatch(
      new RegExp(
        `^lease ${id} granted with TTL\\(100s\\), remaining\\((9\\d|100)s\\), attached keys\\(\\[ctl/k\\]\\)$`,
      ),
    );
    const list = await etcdctl(s.endpoints, ['lease', 'list']);
    expect(list.stdout.split('\n').map((l) => l.trim())).toContain(id);
    expect(list.stdout).toMatch(/^found \d+ leases\n/);
    expect((await etcdctl(s.endpoints, ['lease', 'revoke', id!])).stdout.trim()).toBe(`lease ${id} revoked`);
    expect(await keysUnder('ctl/')).toEqual([]);
    const again = await etcdctl(s.endpoints, ['lease', 'revoke', id!]);
    expect(again.code).not.toBe(0);
    expect(ctlError(again)).toBe('Error: failed to revoke lease (etcdserver: requested lease not found)');
  });

  it('through etcd3: grant, attach, keepaliveOnce, revoke; a revoked lease cannot be kept alive', async () => {
    const lease = s.etcd3.lease(60, { autoKeepAlive: false });
    const id = await lease.grant();
    await lease.put('e3/k').value('v');
    const alive = await lease.keepaliveOnce();
    expect(alive.TTL).toBe('60');
    expect(alive.ID).toBe(id);
    expect(await s.etcd3.get('e3/k').string()).toBe('v');
    await lease.revoke();
    expect(await s.etcd3.get('e3/k').string()).toBeNull();
    const other = s.etcd3.lease(60, { autoKeepAlive: false });
    await other.grant();
    await s.raw.lease('leaseRevoke', { ID: await other.grant() });
    await expect(other.keepaliveOnce()).rejects.toBeInstanceOf(EtcdLeaseInvalidError);
    // A put with a revoked lease fails with etcd's not-found error.
    expect(await failure(put('e3/x', 'v', await other.grant()))).toEqual(LEASE_NOT_FOUND);
  });
});
