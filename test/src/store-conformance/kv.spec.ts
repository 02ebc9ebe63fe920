import { status } from '@grpc/grpc-js';
import { GRPCOutOfRangeError } from 'etcd3';
import { BACKENDS } from './support/backends.js';
import { b64, ctlError, etcdctl, etcdctlJson } from './support/etcdctl.js';
import { failure } from './support/raw-client.js';
import { bytes, currentRevision, expectFullHeader, pairs, useCluster } from './support/suite.js';
import type {
  DeleteRangeResponse,
  LeaseGrantResponse,
  MemberListResponse,
  PutResponse,
  RangeResponse,
  TxnResponse,
} from './support/wire.js';

const COMPACTED = 'etcdserver: mvcc: required revision has been compacted';
const FUTURE = 'etcdserver: mvcc: required revision is a future revision';
const LEASE_NOT_FOUND = 'etcdserver: requested lease not found';

/** etcd's prefix range end: the prefix with its last byte incremented. */
const prefixEnd = (p: string): Buffer => {
  const b = Buffer.from(p);
  b[b.length - 1]!++;
  return b;
};

/** Each backend's revision after the whole file's writes (the etcd block runs first). */
const finalRevisions = new Map<string, number>();

// The KV service, case by case, on a one-member cluster of each backend. Every case states the
// revisions it expects relative to the revision it started at; compaction comes last.
describe.each(BACKENDS)('KV on %s', (backend) => {
  const s = useCluster({ backend });

  const put = (key: string, value: string, extra: Record<string, unknown> = {}) =>
    s.raw.kv<PutResponse>('put', { key: bytes(key), value: bytes(value), ...extra });
  const range = (req: Record<string, unknown>) => s.raw.kv<RangeResponse>('range', req);

  it('Put and Range: one revision per write, create/mod revision and version per key', async () => {
    const base = await currentRevision(s.raw);
    expect((await put('basic/a', '1')).header.revision).toBe(String(base + 1));
    expect((await put('basic/a', '2')).header.revision).toBe(String(base + 2));
    expect((await put('basic/b', '3')).header.revision).toBe(String(base + 3));
    const r = await range({ key: bytes('basic/a') });
    expect(r.header.revision).toBe(String(base + 3));
    expect(r.count).toBe('1');
    expect(r.more).toBe(false);
    expect(r.kvs).toHaveLength(1);
    expect(r.kvs[0]).toMatchObject({
      key: bytes('basic/a'),
      value: bytes('2'),
      create_revision: String(base + 1),
      mod_revision: String(base + 2),
      version: '2',
      lease: '0',
    });
    // A missing key: no kvs, count 0, and no new revision.
    const missing = await range({ key: bytes('basic/none') });
    expect(missing).toMatchObject({ kvs: [], count: '0', more: false });
    expect(missing.header.revision).toBe(String(base + 3));
  });

  it('every KV response header carries cluster_id, member_id, revision and raft_term', async () => {
    const list = await s.raw.cluster<MemberListResponse>('memberList', {});
    const expected = { memberId: list.members[0]!.ID, clusterId: list.header.cluster_id };
    const p = await put('hdr/a', 'v');
    expectFullHeader(p.header, { ...expected, revision: Number(p.header.revision) });
    expectFullHeader((await range({ key: bytes('hdr/a') })).header, expected);
    expectFullHeader((await range({ key: bytes('hdr/a'), serializable: true })).header, expected);
    const txn = await s.raw.kv<TxnResponse>('txn', {
      success: [{ request_range: { key: bytes('hdr/a') } }],
    });
    expectFullHeader(txn.header, expected);
    const del = await s.raw.kv<DeleteRangeResponse>('deleteRange', { key: bytes('hdr/a') });
    expectFullHeader(del.header, { ...expected, revision: Number(p.header.revision) + 1 });
    // Compact is covered (header included) at the end of this file.
  });

  it('Range with range_end: [key, range_end), a prefix, and "\\0" for every key from key on', async () => {
    const base = await currentRevision(s.raw);
    for (const k of ['rng/a', 'rng/b', 'rng/c', 'rng/d']) await put(k, k.slice(-1));
    const between = await range({ key: bytes('rng/b'), range_end: bytes('rng/d') });
    expect(pairs(between)).toEqual([
      ['rng/b', 'b'],
      ['rng/c', 'c'],
    ]);
    expect(between.count).toBe('2');
    const prefix = await range({ key: bytes('rng/'), range_end: prefixEnd('rng/') });
    expect(prefix.kvs.map((kv) => kv.key.toString())).toEqual(['rng/a', 'rng/b', 'rng/c', 'rng/d']);
    expect(prefix.header.revision).toBe(String(base + 4));
    const fromKey = await range({ key: bytes('rng/c'), range_end: bytes('\0') });
    const keys = fromKey.kvs.map((kv) => kv.key.toString());
    expect(keys.slice(0, 2)).toEqual(['rng/c', 'rng/d']);
    expect(keys.every((k) => k >= 'rng/c')).toBe(true);
    // A range_end at or before key selects nothing.
    expect((await range({ key: bytes('rng/c'), range_end: bytes('rng/a') })).kvs).toEqual([]);
  });

  it('Range with limit: the first keys, more, and count of the whole range', async () => {
    for (const k of ['lim/1', 'lim/2', 'lim/3', 'lim/4', 'lim/5']) await put(k, 'v');
    const all = { key: bytes('lim/'), range_end: prefixEnd('lim/') };
    const two = await range({ ...all, limit: 2 });
    expect(two.kvs.map((kv) => kv.key.toString())).toEqual(['lim/1', 'lim/2']);
    expect(two).toMatchObject({ more: true, count: '5' });
    const five = await range({ ...all, limit: 5 });
    expect(five.kvs).toHaveLength(5);
    expect(five).toMatchObject({ more: false, count: '5' });
    const ten = await range({ ...all, limit: 10 });
    expect(ten).toMatchObject({ more: false, count: '5' });
  });

  it('Range keys_only and count_only', async () => {
    const base = await currentRevision(s.raw);
    await put('only/a', 'alpha');
    await put('only/b', 'beta');
    const all = { key: bytes('only/'), range_end: prefixEnd('only/') };
    const keys = await range({ ...all, keys_only: true });
    expect(keys.count).toBe('2');
    expect(keys.kvs.map((kv) => [kv.key.toString(), kv.value.length, kv.mod_revision, kv.version])).toEqual([
      ['only/a', 0, String(base + 1), '1'],
      ['only/b', 0, String(base + 2), '1'],
    ]);
    const count = await range({ ...all, count_only: true });
    expect(count).toMatchObject({ kvs: [], count: '2', more: false });
    const countLimited = await range({ ...all, count_only: true, limit: 1 });
    expect(countLimited).toMatchObject({ kvs: [], count: '2' });
  });

  it('Range sort order and target: key, value, version, create and mod revision', async () => {
    // Keys in create order c, a, b; then a is written twice more, so versions are a=3, b=1, c=1.
    await put('sort/c', '2');
    await put('sort/a', '3');
    await put('sort/b', '1');
    await put('sort/a', '3');
    await put('sort/a', '3');
    const all = { key: bytes('sort/'), range_end: prefixEnd('sort/') };
    const keys = async (req: Record<string, unknown>) =>
      (await range({ ...all, ...req })).kvs.map((kv) => kv.key.toString().slice(5));
    expect(await keys({ sort_order: 'Ascend', sort_target: 'Key' })).toEqual(['a', 'b', 'c']);
    expect(await keys({ sort_order: 'Descend', sort_target: 'Key' })).toEqual(['c', 'b', 'a']);
    expect(await keys({ sort_order: 'Ascend', sort_target: 'Value' })).toEqual(['b', 'c', 'a']);
    expect(await keys({ sort_order: 'Descend', sort_target: 'Value' })).toEqual(['a', 'c', 'b']);
    expect(await keys({ sort_order: 'Ascend', sort_target: 'Create' })).toEqual(['c', 'a', 'b']);
    expect(await keys({ sort_order: 'Descend', sort_target: 'Create' })).toEqual(['b', 'a', 'c']);
    expect(await keys({ sort_order: 'Descend', sort_target: 'Mod' })).toEqual(['a', 'b', 'c']);
    expect(await keys({ sort_order: 'Ascend', sort_target: 'Mod' })).toEqual(['c', 'b', 'a']);
    expect((await keys({ sort_order: 'Descend', sort_target: 'Version' }))[0]).toBe('a');
    // No order with a target other than KEY sorts ascending, as etcd does.
    expect(await keys({ sort_order: 'None', sort_target: 'Create' })).toEqual(['c', 'a', 'b']);
    // Sorted, then cut to the limit: more and the whole count.
    const top = await range({ ...all, sort_order: 'Descend', sort_target: 'Key', limit: 2 });
    expect(top.kvs.map((kv) => kv.key.toString())).toEqual(['sort/c', 'sort/b']);
    expect(top).toMatchObject({ more: true, count: '3' });
  });

  it('Range at a past revision reads history; a future revision is OUT_OF_RANGE', async () => {
    const r1 = Number((await put('hist/k', 'v1')).header.revision);
    const r2 = Number((await put('hist/k', 'v2')).header.revision);
    const r3 = Number(
      (await s.raw.kv<DeleteRangeResponse>('deleteRange', { key: bytes('hist/k') })).header.revision,
    );
    expect([r2, r3]).toEqual([r1 + 1, r1 + 2]);
    const at = async (revision: number) => {
      const r = await range({ key: bytes('hist/k'), revision });
      expect(r.header.revision, 'a historical read answers with the current revision').toBe(String(r3));
      return pairs(r);
    };
    expect(await at(r1 - 1)).toEqual([]);
    expect(await at(r1)).toEqual([['hist/k', 'v1']]);
    expect(await at(r2)).toEqual([['hist/k', 'v2']]);
    expect(await at(r3)).toEqual([]);
    const past = await range({ key: bytes('hist/k'), revision: r2 });
    expect(past.kvs[0]).toMatchObject({
      create_revision: String(r1),
      mod_revision: String(r2),
      version: '2',
    });
    expect(await failure(range({ key: bytes('hist/k'), revision: r3 + 100 }))).toEqual({
      code: status.OUT_OF_RANGE,
      details: FUTURE,
    });
    // The same through etcdctl and etcd3.
    const ctl = await etcdctlJson<{ kvs?: { value: string }[] }>(s.endpoints, [
      'get',
      'hist/k',
      `--rev=${r1}`,
    ]);
    expect(ctl.kvs?.map((kv) => kv.value)).toEqual([b64('v1')]);
    expect(await s.etcd3.get('hist/k').revision(r2).string()).toBe('v2');
  });

  it('Range serializable answers from the member without a read index', async () => {
    const p = await put('ser/k', 'v');
    const r = await range({ key: bytes('ser/k'), serializable: true });
    expect(pairs(r)).toEqual([['ser/k', 'v']]);
    expect(r.header.revision).toBe(p.header.revision);
    const ctl = await etcdctlJson<{ kvs: { value: string }[] }>(s.endpoints, [
      'get',
      'ser/k',
      '--consistency=s',
    ]);
    expect(ctl.kvs.map((kv) => kv.value)).toEqual([b64('v')]);
  });

  it('Put with prev_kv returns the previous key-value; none for a new key', async () => {
    const first = await put('prev/k', 'one', { prev_kv: true });
    expect(first.prev_kv).toBeNull();
    const second = await put('prev/k', 'two', { prev_kv: true });
    expect(second.prev_kv).toMatchObject({
      key: bytes('prev/k'),
      value: bytes('one'),
      version: '1',
      create_revision: first.header.revision,
      mod_revision: first.header.revision,
    });
    const third = await put('prev/k', 'three');
    expect(third.prev_kv).toBeNull();
  });

  it('Put with a lease attaches it; a missing lease is NOT_FOUND', async () => {
    const lease = await s.raw.lease<LeaseGrantResponse>('leaseGrant', { TTL: 60 });
    const p = await put('lease/k', 'v', { lease: lease.ID });
    expect((await range({ key: bytes('lease/k') })).kvs[0]?.lease).toBe(lease.ID);
    const before = await currentRevision(s.raw);
    expect(before).toBe(Number(p.header.revision));
    expect(await failure(put('lease/other', 'v', { lease: '123456789' }))).toEqual({
      code: status.NOT_FOUND,
      details: LEASE_NOT_FOUND,
    });
    expect(await currentRevision(s.raw), 'a failed put writes nothing').toBe(before);
    await s.raw.lease('leaseRevoke', { ID: lease.ID });
  });

  it('Put with ignore_value and ignore_lease keeps the value or the lease', async () => {
    const lease = await s.raw.lease<LeaseGrantResponse>('leaseGrant', { TTL: 60 });
    await put('ign/k', 'a', { lease: lease.ID });
    // New value, same lease.
    await put('ign/k', 'b', { ignore_lease: true });
    let kv = (await range({ key: bytes('ign/k') })).kvs[0]!;
    expect([kv.value.toString(), kv.lease, kv.version]).toEqual(['b', lease.ID, '2']);
    // Same value; the lease is what the request says (none).
    const iv = await put('ign/k', '', { ignore_value: true, prev_kv: true });
    expect(iv.prev_kv?.value.toString()).toBe('b');
    kv = (await range({ key: bytes('ign/k') })).kvs[0]!;
    expect([kv.value.toString(), kv.lease, kv.version]).toEqual(['b', '0', '3']);
    // Same value, a lease again.
    await put('ign/k', '', { ignore_value: true, lease: lease.ID });
    kv = (await range({ key: bytes('ign/k') })).kvs[0]!;
    expect([kv.value.toString(), kv.lease]).toEqual(['b', lease.ID]);
    await s.raw.lease('leaseRevoke', { ID: lease.ID });
  });

  it('Put errors: ignore_value with a value, ignore_lease with a lease, ignore_* on a missing key, no key', async () => {
    await put('ignerr/k', 'v');
    const before = await currentRevision(s.raw);
    const invalid = (details: string) => ({ code: status.INVALID_ARGUMENT, details });
    expect(await failure(put('ignerr/k', 'x', { ignore_value: true }))).toEqual(
      invalid('etcdserver: value is provided'),
    );
    expect(await failure(put('ignerr/k', 'x', { ignore_lease: true, lease: '1' }))).toEqual(
      invalid('etcdserver: lease is provided'),
    );
    expect(await failure(put('ignerr/missing', '', { ignore_value: true }))).toEqual(
      invalid('etcdserver: key not found'),
    );
    expect(await failure(put('ignerr/missing', 'x', { ignore_lease: true }))).toEqual(
      invalid('etcdserver: key not found'),
    );
    expect(await failure(put('', 'x'))).toEqual(invalid('etcdserver: key is not provided'));
    expect(await failure(range({ key: bytes('') }))).toEqual(invalid('etcdserver: key is not provided'));
    expect(await currentRevision(s.raw)).toBe(before);
    // etcdctl prints the message.
    const ctl = await etcdctl(s.endpoints, ['put', 'ignerr/missing', '--ignore-value']);
    expect(ctl.code).not.toBe(0);
    expect(ctlError(ctl)).toBe('Error: etcdserver: key not found');
  });

  it('DeleteRange with prev_kv: count, the deleted pairs, one revision; nothing deleted keeps the revision', async () => {
    for (const k of ['del/1', 'del/2', 'del/3']) await put(k, `v${k.slice(-1)}`);
    const base = await currentRevision(s.raw);
    const del = await s.raw.kv<DeleteRangeResponse>('deleteRange', {
      key: bytes('del/1'),
      range_end: bytes('del/3'),
      prev_kv: true,
    });
    expect(del.deleted).toBe('2');
    expect(del.header.revision).toBe(String(base + 1));
    expect(del.prev_kvs.map((kv) => [kv.key.toString(), kv.value.toString(), kv.version])).toEqual([
      ['del/1', 'v1', '1'],
      ['del/2', 'v2', '1'],
    ]);
    const none = await s.raw.kv<DeleteRangeResponse>('deleteRange', { key: bytes('del/1'), prev_kv: true });
    expect(none).toMatchObject({ deleted: '0', prev_kvs: [] });
    expect(none.header.revision).toBe(String(base + 1));
    const rest = await s.raw.kv<DeleteRangeResponse>('deleteRange', {
      key: bytes('del/'),
      range_end: prefixEnd('del/'),
    });
    expect(rest).toMatchObject({ deleted: '1', prev_kvs: [] });
    expect(rest.header.revision).toBe(String(base + 2));
    // A key deleted and created again starts a new generation: version 1, a new create_revision.
    const again = await put('del/1', 'new');
    const kv = (await range({ key: bytes('del/1') })).kvs[0]!;
    expect([kv.version, kv.create_revision]).toEqual(['1', again.header.revision]);
    // etcdctl del --prev-kv prints the count and the pairs.
    const ctl = await etcdctl(s.endpoints, ['del', 'del/1', '--prev-kv']);
    expect(ctl.stdout.trim().split('\n')).toEqual(['1', 'del/1', 'new']);
  });

  it('Txn compares value, version, create_revision, mod_revision and lease; success runs nested ops at one revision', async () => {
    const lease = await s.raw.lease<LeaseGrantResponse>('leaseGrant', { TTL: 60 });
    const a = await put('txn/a', 'x', { lease: lease.ID });
    await put('txn/b', 'y');
    const b = await put('txn/b', 'y2');
    const base = Number(b.header.revision);
    const cmp = (target: string, key: string, field: string, value: unknown, result = 'Equal') => ({
      target,
      key: bytes(key),
      result,
      [field]: value,
    });
    const t = await s.raw.kv<TxnResponse>('txn', {
      compare: [
        cmp('Value', 'txn/a', 'value', bytes('x')),
        cmp('Version', 'txn/b', 'version', 2),
        cmp('Create', 'txn/a', 'create_revision', a.header.revision),
        cmp('Mod', 'txn/b', 'mod_revision', b.header.revision),
        cmp('Lease', 'txn/a', 'lease', lease.ID),
        cmp('Mod', 'txn/a', 'mod_revision', base, 'Less'),
        cmp('Version', 'txn/b', 'version', 1, 'Greater'),
        cmp('Value', 'txn/a', 'value', bytes('z'), 'NotEqual'),
        // A missing key has version 0 (and no value to compare).
        cmp('Version', 'txn/missing', 'version', 0),
      ],
      success: [
        { request_put: { key: bytes('txn/c'), value: bytes('1'), prev_kv: true } },
        { request_range: { key: bytes('txn/'), range_end: prefixEnd('txn/') } },
        { request_delete_range: { key: bytes('txn/b'), prev_kv: true } },
        {
          request_txn: {
            compare: [cmp('Value', 'txn/a', 'value', bytes('nope'))],
            success: [{ request_put: { key: bytes('txn/never'), value: bytes('!') } }],
            failure: [
              { request_put: { key: bytes('txn/d'), value: bytes('2') } },
              { request_range: { key: bytes('txn/c') } },
            ],
          },
        },
      ],
      failure: [{ request_put: { key: bytes('txn/failed'), value: bytes('!') } }],
    });
    expect(t.succeeded).toBe(true);
    expect(t.header.revision).toBe(String(base + 1));
    expect(t.responses.map((r) => r.response)).toEqual([
      'response_put',
      'response_range',
      'response_delete_range',
      'response_txn',
    ]);
    const [putR, rangeR, delR, nested] = t.responses;
    expect(putR!.response_put!.prev_kv).toBeNull();
    // Later ops see earlier ones: the range sees txn/c.
    expect(pairs(rangeR!.response_range!)).toEqual([
      ['txn/a', 'x'],
      ['txn/b', 'y2'],
      ['txn/c', '1'],
    ]);
    expect(rangeR!.response_range!.kvs[2]!.mod_revision).toBe(String(base + 1));
    expect(delR!.response_delete_range).toMatchObject({ deleted: '1' });
    expect(delR!.response_delete_range!.prev_kvs[0]!.value.toString()).toBe('y2');
    const inner = nested!.response_txn!;
    expect(inner.succeeded).toBe(false);
    expect(inner.responses.map((r) => r.response)).toEqual(['response_put', 'response_range']);
    expect(pairs(inner.responses[1]!.response_range!)).toEqual([['txn/c', '1']]);
    const after = await range({ key: bytes('txn/'), range_end: prefixEnd('txn/') });
    expect(pairs(after)).toEqual([
      ['txn/a', 'x'],
      ['txn/c', '1'],
      ['txn/d', '2'],
    ]);
    expect(after.kvs.map((kv) => kv.mod_revision)).toEqual([
      a.header.revision,
      String(base + 1),
      String(base + 1),
    ]);
    await s.raw.lease('leaseRevoke', { ID: lease.ID });
  });

  it('Txn failure branch; a read-only txn keeps the revision; a value compare on a missing key fails', async () => {
    await put('txnf/a', 'x');
    const base = await currentRevision(s.raw);
    const t = await s.raw.kv<TxnResponse>('txn', {
      compare: [{ target: 'Value', key: bytes('txnf/a'), result: 'Equal', value: bytes('other') }],
      success: [{ request_put: { key: bytes('txnf/a'), value: bytes('never') } }],
      failure: [{ request_range: { key: bytes('txnf/a') } }],
    });
    expect(t.succeeded).toBe(false);
    expect(t.header.revision).toBe(String(base));
    expect(pairs(t.responses[0]!.response_range!)).toEqual([['txnf/a', 'x']]);
    const missing = await s.raw.kv<TxnResponse>('txn', {
      compare: [{ target: 'Value', key: bytes('txnf/missing'), result: 'Equal', value: bytes('') }],
    });
    expect(missing.succeeded).toBe(false);
    // A compare over a range holds only if it holds for every key in it.
    await put('txnf/b', 'x');
    const allX = await s.raw.kv<TxnResponse>('txn', {
      compare: [
        {
          target: 'Value',
          key: bytes('txnf/'),
          range_end: prefixEnd('txnf/'),
          result: 'Equal',
          value: bytes('x'),
        },
      ],
    });
    expect(allX.succeeded).toBe(true);
    await put('txnf/b', 'y');
    const notAllX = await s.raw.kv<TxnResponse>('txn', {
      compare: [
        {
          target: 'Value',
          key: bytes('txnf/'),
          range_end: prefixEnd('txnf/'),
          result: 'Equal',
          value: bytes('x'),
        },
      ],
    });
    expect(notAllX.succeeded).toBe(false);
  });

  it('Txn errors: a duplicate key, a missing lease, no changes made', async () => {
    const base = await currentRevision(s.raw);
    expect(
      await failure(
        s.raw.kv('txn', {
          success: [
            { request_put: { key: bytes('txne/k'), value: bytes('1') } },
            { request_put: { key: bytes('txne/k'), value: bytes('2') } },
          ],
        }),
      ),
    ).toEqual({ code: status.INVALID_ARGUMENT, details: 'etcdserver: duplicate key given in txn request' });
    expect(
      await failure(
        s.raw.kv('txn', {
          success: [
            { request_put: { key: bytes('txne/a'), value: bytes('1') } },
            { request_put: { key: bytes('txne/b'), value: bytes('1'), lease: '987654321' } },
          ],
        }),
      ),
    ).toEqual({ code: status.NOT_FOUND, details: LEASE_NOT_FOUND });
    expect(await currentRevision(s.raw)).toBe(base);
    expect((await range({ key: bytes('txne/a') })).kvs).toEqual([]);
  });

  it('Txn through etcdctl (compares, both branches) and through etcd3 (if/then/else)', async () => {
    await put('ctltxn/k', 'v');
    const input = [
      'value("ctltxn/k") = "v"',
      '',
      'put ctltxn/k "w"',
      'put ctltxn/other "o"',
      '',
      'get ctltxn/k',
      '',
      '',
    ];
    const ok = await etcdctlJson<{ succeeded?: boolean; responses: unknown[] }>(s.endpoints, ['txn'], {
      input: input.join('\n'),
    });
    expect(ok.succeeded).toBe(true);
    expect(ok.responses).toHaveLength(2);
    const again = await etcdctl(s.endpoints, ['txn'], { input: input.join('\n') });
    expect(again.stdout.trim().split('\n')).toEqual(['FAILURE', '', 'ctltxn/k', 'w']);

    const yes = await s.etcd3
      .if('ctltxn/k', 'Value', '==', 'w')
      .and('ctltxn/other', 'Version', '>', 0)
      .then(s.etcd3.put('ctltxn/k').value('z'))
      .else(s.etcd3.get('ctltxn/k'))
      .commit();
    expect(yes.succeeded).toBe(true);
    const no = await s.etcd3
      .if('ctltxn/k', 'Mod', '<', 1)
      .then(s.etcd3.put('ctltxn/k').value('never'))
      .else(s.etcd3.get('ctltxn/k'))
      .commit();
    expect(no.succeeded).toBe(false);
    expect(no.responses[0]?.response_range?.kvs[0]?.value.toString()).toBe('z');
  });

  it('etcd3 and etcdctl: put, get, prefix, count and delete agree with the wire', async () => {
    await s.etcd3.put('cli/a').value('1');
    await s.etcd3.put('cli/b').value('2');
    expect(await s.etcd3.get('cli/a').string()).toBe('1');
    expect(await s.etcd3.getAll().prefix('cli/').strings()).toEqual({ 'cli/a': '1', 'cli/b': '2' });
    expect(await s.etcd3.getAll().prefix('cli/').count()).toBe(2);
    const put = await etcdctl(s.endpoints, ['put', 'cli/c', '3']);
    expect(put.stdout.trim()).toBe('OK');
    const get = await etcdctl(s.endpoints, ['get', '--prefix', 'cli/', '--print-value-only']);
    expect(get.stdout.trim().split('\n')).toEqual(['1', '2', '3']);
    const json = await etcdctlJson<{ count: number; kvs: { key: string; version: number }[] }>(s.endpoints, [
      'get',
      '--prefix',
      'cli/',
      '--limit=1',
    ]);
    expect(json.count).toBe(3);
    expect(json.kvs.map((kv) => kv.key)).toEqual([b64('cli/a')]);
    const deleted = await s.etcd3.delete().prefix('cli/');
    expect(deleted.deleted).toBe('3');
    expect(await s.etcd3.getAll().prefix('cli/').count()).toBe(0);
  });

  // Compaction changes what every later read can see, so it runs last.
  it('Compact: reads below it are OUT_OF_RANGE "required revision has been compacted"; at and after it they work', async () => {
    await put('cmp/older', 'kept');
    const r1 = Number((await put('cmp/k', '1')).header.revision);
    const r2 = Number((await put('cmp/k', '2')).header.revision);
    const r3 = Number((await put('cmp/k', '3')).header.revision);
    const c = await s.raw.kv<{ header: PutResponse['header'] }>('compact', { revision: r2 });
    expectFullHeader(c.header, { revision: r3 });
    const compacted = { code: status.OUT_OF_RANGE, details: COMPACTED };
    expect(await failure(range({ key: bytes('cmp/k'), revision: r1 }))).toEqual(compacted);
    expect(pairs(await range({ key: bytes('cmp/k'), revision: r2 }))).toEqual([['cmp/k', '2']]);
    expect(pairs(await range({ key: bytes('cmp/k'), revision: r3 }))).toEqual([['cmp/k', '3']]);
    // The latest read (revision 0) and keys written before the compaction are still there.
    expect(pairs(await range({ key: bytes('cmp/k') }))).toEqual([['cmp/k', '3']]);
    expect(pairs(await range({ key: bytes('cmp/older') }))).toEqual([['cmp/older', 'kept']]);
    // A txn reading below it fails the same way.
    expect(
      await failure(s.raw.kv('txn', { success: [{ request_range: { key: bytes('cmp/k'), revision: r1 } }] })),
    ).toEqual(compacted);
    // Compacting again at or below the compaction point, or beyond the current revision.
    expect(await failure(s.raw.kv('compact', { revision: r2 }))).toEqual(compacted);
    expect(await failure(s.raw.kv('compact', { revision: r1 }))).toEqual(compacted);
    expect(await failure(s.raw.kv('compact', { revision: r3 + 100 }))).toEqual({
      code: status.OUT_OF_RANGE,
      details: FUTURE,
    });
    expect(await currentRevision(s.raw), 'compaction writes no revision').toBe(r3);

    // Through etcdctl and etcd3.
    const ctlCompact = await etcdctl(s.endpoints, ['compact', String(r3)]);
    expect(ctlCompact.stdout.trim()).toBe(`compacted revision ${r3}`);
    const ctlGet = await etcdctl(s.endpoints, ['get', 'cmp/k', `--rev=${r2}`]);
    expect(ctlGet.code).not.toBe(0);
    expect(ctlError(ctlGet)).toBe(`Error: ${COMPACTED}`);
    const viaEtcd3 = await s.etcd3
      .get('cmp/k')
      .revision(r2)
      .string()
      .catch((e: unknown) => e);
    expect(viaEtcd3).toBeInstanceOf(GRPCOutOfRangeError);
    expect((viaEtcd3 as Error).message).toContain(COMPACTED);
  });

  it('the same writes leave both backends at the same revision', async () => {
    finalRevisions.set(backend, await currentRevision(s.raw));
    const reference = finalRevisions.get('etcd');
    if (backend === 'flotilla-store' && reference !== undefined) {
      expect(finalRevisions.get(backend)).toBe(reference);
    }
  });
});
