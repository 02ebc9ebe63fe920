import type { ChildProcess } from 'node:child_process';
import { captureOutput, spawnTracked, stopChild, waitFor } from '@flotilla/testing';
import type { IKeyValue } from 'etcd3';
import { BACKENDS } from './support/backends.js';
import { b64, etcdctl } from './support/etcdctl.js';
import type { Stream } from './support/raw-client.js';
import { bytes, currentRevision, expectFullHeader, useCluster } from './support/suite.js';
import type { DeleteRangeResponse, Event, PutResponse, TxnResponse, WatchResponse } from './support/wire.js';

const PROGRESS_INTERVAL_MS = 300;

const prefixEnd = (p: string): Buffer => {
  const b = Buffer.from(p);
  b[b.length - 1]!++;
  return b;
};

/** An event as a short string: `PUT key=value@mod_revision v<version> (prev value@mod)`. */
function show(e: Event): string {
  const kv = `${e.kv.key.toString()}${e.type === 'Put' ? `=${e.kv.value.toString()}` : ''}@${e.kv.mod_revision}`;
  const prev = e.prev_kv ? ` (prev ${e.prev_kv.value.toString()}@${e.prev_kv.mod_revision})` : '';
  return `${e.type.toUpperCase()} ${kv}${e.type === 'Put' ? ` v${e.kv.version}` : ''}${prev}`;
}

// The Watch service on a one-member cluster of each backend (progress notifications every 300 ms).
describe.each(BACKENDS)('Watch on %s', (backend) => {
  const s = useCluster({ backend, watchProgressNotifyInterval: `${PROGRESS_INTERVAL_MS}ms` });
  const streams: Stream<WatchResponse>[] = [];
  afterEach(() => {
    for (const w of streams.splice(0)) w.close();
  });

  const open = (): Stream<WatchResponse> => {
    const w = s.raw.watch();
    streams.push(w);
    return w;
  };
  const put = (key: string, value: string) =>
    s.raw.kv<PutResponse>('put', { key: bytes(key), value: bytes(value) });
  const del = (key: string, rangeEnd?: Buffer) =>
    s.raw.kv<DeleteRangeResponse>('deleteRange', {
      key: bytes(key),
      ...(rangeEnd ? { range_end: rangeEnd } : {}),
    });
  const create = async (w: Stream<WatchResponse>, request: Record<string, unknown>): Promise<string> => {
    w.send({ create_request: request });
    const created = await w.next((r) => r.created, 10_000, 'the created response');
    expect(created).toMatchObject({ created: true, canceled: false, events: [] });
    return created.watch_id;
  };
  /** Events of watch `id`, in arrival order, until `count` have arrived. */
  const events = async (w: Stream<WatchResponse>, id: string, count: number): Promise<Event[]> => {
    const out: Event[] = [];
    while (out.length < count) {
      const r = await w.next(
        (x) => x.watch_id === id && x.events.length > 0,
        10_000,
        `${count} events on watch ${id}`,
      );
      out.push(...r.events);
    }
    return out;
  };

  it('a watch on a key: created first, then every later write to it, in order, with full headers', async () => {
    const w = open();
    const id = await create(w, { key: bytes('wk/a') });
    const created = w.received.find((r) => r.created)!;
    expectFullHeader(created.header);
    const r1 = Number((await put('wk/a', '1')).header.revision);
    await put('wk/other', 'x');
    await put('wk/a', '2');
    await del('wk/a');
    const got = await events(w, id, 3);
    expect(got.map(show)).toEqual([
      `PUT wk/a=1@${r1} v1`,
      `PUT wk/a=2@${r1 + 2} v2`,
      `DELETE wk/a@${r1 + 3}`,
    ]);
    // Each response's header revision is its events' revision; member and cluster are set.
    for (const r of w.received.filter((x) => x.events.length > 0)) {
      expectFullHeader(r.header);
      expect(r.header.revision).toBe(r.events.at(-1)!.kv.mod_revision);
    }
  });

  it('a watch on a range (key, range_end) sees only keys in it; range_end "\\0" means every key from key on', async () => {
    const w = open();
    const id = await create(w, { key: bytes('wr/b'), range_end: bytes('wr/d') });
    const fromKey = await create(w, { key: bytes('wr/c'), range_end: bytes('\0') });
    await put('wr/a', 'out');
    await put('wr/b', 'in');
    await put('wr/d', 'out');
    await put('wr/c', 'in');
    const got = await events(w, id, 2);
    expect(got.map((e) => e.kv.key.toString())).toEqual(['wr/b', 'wr/c']);
    expect((await events(w, fromKey, 2)).map((e) => e.kv.key.toString())).toEqual(['wr/d', 'wr/c']);
    expect(w.untaken((r) => r.events.length > 0)).toEqual([]);
  });

  it('start_revision in the past with prev_kv: every event once, in order, then live events with no gap', async () => {
    const start = (await currentRevision(s.raw)) + 1;
    await put('wh/a', '1');
    await put('wh/b', '1');
    await put('wh/a', '2');
    await del('wh/b');
    // Two keys in one revision.
    await s.raw.kv<TxnResponse>('txn', {
      success: [
        { request_put: { key: bytes('wh/c'), value: bytes('1') } },
        { request_put: { key: bytes('wh/a'), value: bytes('3') } },
      ],
    });
    await del('wh/', prefixEnd('wh/'));
    const history = [
      `PUT wh/a=1@${start} v1`,
      `PUT wh/b=1@${start + 1} v1`,
      `PUT wh/a=2@${start + 2} v2 (prev 1@${start})`,
      `DELETE wh/b@${start + 3} (prev 1@${start + 1})`,
      `PUT wh/c=1@${start + 4} v1`,
      `PUT wh/a=3@${start + 4} v3 (prev 2@${start + 2})`,
      `DELETE wh/a@${start + 5} (prev 3@${start + 4})`,
      `DELETE wh/c@${start + 5} (prev 1@${start + 4})`,
    ];
    const w = open();
    const id = await create(w, {
      key: bytes('wh/'),
      range_end: prefixEnd('wh/'),
      start_revision: start,
      prev_kv: true,
    });
    const past = await events(w, id, history.length);
    expect(past.map(show)).toEqual(history);
    // Then live events follow, with no gap and no repeat.
    await put('wh/a', 'live');
    const live = await events(w, id, 1);
    expect(live.map(show)).toEqual([`PUT wh/a=live@${start + 6} v1`]);
    expect(w.untaken((r) => r.events.length > 0)).toEqual([]);

    // The same history through etcd3's watcher ...
    const seen: string[] = [];
    const watcher = await s.etcd3
      .watch()
      .prefix('wh/')
      .startRevision(String(start))
      .withPreviousKV()
      .create();
    try {
      const onEvent = (type: string) => (kv: IKeyValue, prev?: IKeyValue) =>
        seen.push(
          `${type} ${kv.key.toString()}@${kv.mod_revision}${prev ? ` (prev ${prev.value.toString()})` : ''}`,
        );
      watcher.on('put', onEvent('PUT'));
      watcher.on('delete', onEvent('DELETE'));
      await waitFor(() => seen.length >= history.length + 1, {
        timeoutMs: 10_000,
        what: 'etcd3 watch events',
      });
    } finally {
      await watcher.cancel();
    }
    expect(seen).toEqual([
      `PUT wh/a@${start}`,
      `PUT wh/b@${start + 1}`,
      `PUT wh/a@${start + 2} (prev 1)`,
      `DELETE wh/b@${start + 3} (prev 1)`,
      `PUT wh/c@${start + 4}`,
      `PUT wh/a@${start + 4} (prev 2)`,
      `DELETE wh/a@${start + 5} (prev 3)`,
      `DELETE wh/c@${start + 5} (prev 1)`,
      `PUT wh/a@${start + 6}`,
    ]);

    // ... and through etcdctl watch --rev --prev-kv (one JSON response per line).
    let ctl: ChildProcess | undefined;
    try {
      ctl = spawnTracked(
        'etcdctl',
        [
          `--endpoints=${s.endpoints.join(',')}`,
          'watch',
          '--prefix',
          'wh/',
          `--rev=${start}`,
          '--prev-kv',
          '-w',
          'json',
        ],
        { env: { ...process.env, ETCDCTL_API: '3' } },
      );
      const output = captureOutput(ctl);
      const ctlEvents = () =>
        output()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .flatMap((l) => (JSON.parse(l) as { Events: { type?: number; kv: { key: string } }[] }).Events);
      await waitFor(() => ctlEvents().length >= history.length + 1, {
        timeoutMs: 10_000,
        what: `etcdctl watch to print ${history.length + 1} events`,
      });
      expect(ctlEvents().map((e) => `${e.type === 1 ? 'DELETE' : 'PUT'} ${e.kv.key}`)).toEqual(
        ['a', 'b', 'a', 'b', 'c', 'a', 'a', 'c', 'a'].map(
          (k, i) => `${[3, 6, 7].includes(i) ? 'DELETE' : 'PUT'} ${b64(`wh/${k}`)}`,
        ),
      );
    } finally {
      if (ctl) await stopChild(ctl, 'SIGKILL');
    }
  });

  it('start_revision in the future: events from that revision on, none before', async () => {
    const now = await currentRevision(s.raw);
    const w = open();
    const id = await create(w, { key: bytes('wfut/k'), start_revision: now + 3 });
    await put('wfut/k', '1');
    await put('wfut/k', '2');
    await put('wfut/k', '3');
    await put('wfut/k', '4');
    expect((await events(w, id, 2)).map(show)).toEqual([
      `PUT wfut/k=3@${now + 3} v3`,
      `PUT wfut/k=4@${now + 4} v4`,
    ]);
    expect(w.untaken((r) => r.events.length > 0)).toEqual([]);
  });

  it('filters: NOPUT sees only deletes, NODELETE only puts', async () => {
    const w = open();
    const noPut = await create(w, { key: bytes('wf/k'), filters: ['Noput'] });
    const noDelete = await create(w, { key: bytes('wf/k'), filters: ['Nodelete'] });
    await put('wf/k', '1');
    await del('wf/k');
    await put('wf/k', '2');
    await del('wf/k');
    expect((await events(w, noPut, 2)).map((e) => e.type)).toEqual(['Delete', 'Delete']);
    expect((await events(w, noDelete, 2)).map((e) => `${e.type} ${e.kv.value.toString()}`)).toEqual([
      'Put 1',
      'Put 2',
    ]);
    expect(w.untaken((r) => r.events.length > 0)).toEqual([]);
  });

  it('many watches on one stream: ids 0, 1, 2, ...; each gets its own events, overlapping ones both', async () => {
    const w = open();
    const ids = [
      await create(w, { key: bytes('wm/a') }),
      await create(w, { key: bytes('wm/'), range_end: prefixEnd('wm/') }),
      await create(w, { key: bytes('wm/b') }),
    ];
    expect(ids).toEqual(['0', '1', '2']);
    await put('wm/a', '1');
    await put('wm/b', '2');
    await put('wm/c', '3');
    expect((await events(w, '0', 1)).map((e) => e.kv.key.toString())).toEqual(['wm/a']);
    expect((await events(w, '1', 3)).map((e) => e.kv.key.toString())).toEqual(['wm/a', 'wm/b', 'wm/c']);
    expect((await events(w, '2', 1)).map((e) => e.kv.key.toString())).toEqual(['wm/b']);
    expect(w.untaken((r) => r.events.length > 0)).toEqual([]);
    // A second stream numbers its watches from 0 again.
    const other = open();
    expect(await create(other, { key: bytes('wm/a') })).toBe('0');
  });

  it('cancel: a canceled response for the watch, then nothing more for it; an unknown id gets no answer', async () => {
    const w = open();
    const gone = await create(w, { key: bytes('wc/k') });
    w.send({ cancel_request: { watch_id: gone } });
    const canceled = await w.next((r) => r.canceled, 10_000, 'the canceled response');
    expect(canceled).toMatchObject({ watch_id: gone, canceled: true, events: [] });
    expectFullHeader(canceled.header);
    // Later writes reach a watch created after the cancel, and never the canceled one.
    const fence = await create(w, { key: bytes('wc/k') });
    await put('wc/k', '1');
    await put('wc/k', '2');
    expect(await events(w, fence, 2)).toHaveLength(2);
    expect(w.received.filter((r) => r.watch_id === gone && r.events.length > 0)).toEqual([]);
    // Canceling a watch that does not exist answers nothing: the next response is the progress one.
    w.send({ cancel_request: { watch_id: 99 } });
    w.send({ progress_request: {} });
    const next = await w.next(() => true, 10_000, 'the progress response');
    expect(next.canceled).toBe(false);
    expect(next.events).toEqual([]);
  });

  it('a progress request answers the current revision on an empty response', async () => {
    const w = open();
    const id = await create(w, { key: bytes('wp/k') });
    const rev = Number((await put('wp/k', '1')).header.revision);
    await events(w, id, 1);
    w.send({ progress_request: {} });
    const progress = await w.next((r) => r.events.length === 0 && !r.created, 10_000, 'a progress response');
    expect(progress).toMatchObject({ created: false, canceled: false, compact_revision: '0', events: [] });
    expect(Number(progress.header.revision)).toBe(rev);
    expectFullHeader(progress.header);
    // It belongs to no watch: etcd 3.4 answers with watch_id -1.
    expect(progress.watch_id).toBe('-1');
  });

  it('progress_notify: an idle watch that asked for it gets empty responses with the current revision; others do not', async () => {
    const w = open();
    const quiet = await create(w, { key: bytes('wn/quiet') });
    const notified = await create(w, { key: bytes('wn/k'), progress_notify: true });
    const rev = await currentRevision(s.raw);
    const first = await w.next(
      (r) => r.watch_id === notified && !r.created,
      10 * PROGRESS_INTERVAL_MS + 5000,
      'a progress notification',
    );
    expect(first).toMatchObject({ events: [], canceled: false, created: false });
    expect(Number(first.header.revision)).toBeGreaterThanOrEqual(rev);
    expectFullHeader(first.header);
    await w.next(
      (r) => r.watch_id === notified && !r.created,
      10 * PROGRESS_INTERVAL_MS + 5000,
      'a second progress notification',
    );
    expect(w.received.filter((r) => r.watch_id === quiet && !r.created)).toEqual([]);
  });

  // Compaction changes what every later watch can start from, so it runs last.
  it('a watch from a compacted revision is created, then canceled with compact_revision', async () => {
    const r1 = Number((await put('wx/k', '1')).header.revision);
    await put('wx/k', '2');
    const r3 = Number((await put('wx/k', '3')).header.revision);
    await s.raw.kv('compact', { revision: r3 });
    const w = open();
    w.send({ create_request: { key: bytes('wx/k'), start_revision: r1 } });
    const created = await w.next((r) => r.created, 10_000, 'the created response');
    const canceled = await w.next((r) => r.canceled, 10_000, 'the canceled response');
    expect(canceled).toMatchObject({ watch_id: created.watch_id, compact_revision: String(r3), events: [] });
    // (etcd leaves this header's revision at 0; its ids and term are set.)
    expect(BigInt(canceled.header.member_id)).toBeGreaterThan(0n);
    expect(BigInt(canceled.header.raft_term)).toBeGreaterThan(0n);
    // From the compaction revision on, history is there.
    const id = await create(w, { key: bytes('wx/k'), start_revision: r3 });
    expect((await events(w, id, 1)).map(show)).toEqual([`PUT wx/k=3@${r3} v3`]);
    // etcdctl reports the cancel and exits non-zero.
    const ctl = await etcdctl(s.endpoints, ['watch', 'wx/k', `--rev=${r1}`]);
    expect(ctl.code).not.toBe(0);
    expect(ctl.stdout + ctl.stderr).toContain(
      'watch was canceled (etcdserver: mvcc: required revision has been compacted)',
    );
  });
});
