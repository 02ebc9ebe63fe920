import { etcdserverpb, mvccpb } from '@flotilla/proto';
import { MvccStore } from './mvcc-store.js';
import { b } from './test-support/fixtures.js';
import type { Event, KeyValue, RangeResponse, TxnResponse } from './types.js';

// Compile-time: the store's shapes are the generated messages' shapes, both ways.
const requestsFit = (range: etcdserverpb.RangeRequest, txn: etcdserverpb.TxnRequest, store: MvccStore) => [
  store.range(range),
  store.txn(txn),
];
const responsesFit = (
  kv: KeyValue,
  event: Event,
  range: RangeResponse,
  txn: TxnResponse,
): [mvccpb.KeyValue, mvccpb.Event, etcdserverpb.RangeResponse, etcdserverpb.TxnResponse] => [
  kv,
  event,
  range,
  txn,
];

describe('generated etcd messages', () => {
  it('go in and come out without mapping', () => {
    expect(requestsFit).toBeTypeOf('function');
    expect(responsesFit).toBeTypeOf('function');
    const store = new MvccStore();
    const request = etcdserverpb.TxnRequest.fromPartial({
      compare: [{ key: b('k'), target: etcdserverpb.Compare_CompareTarget.Version, result: 0, version: 0 }],
      success: [
        { requestPut: { key: b('k'), value: b('v') } },
        { requestRange: { key: b('k') } },
        { requestTxn: { success: [{ requestDeleteRange: { key: b('nothing') } }] } },
      ],
    });
    const { response, events } = store.txn(request);
    const wire = etcdserverpb.TxnResponse.decode(etcdserverpb.TxnResponse.encode(response).finish());
    expect(wire).toEqual(response);
    expect(mvccpb.Event.decode(mvccpb.Event.encode(events[0]!).finish())).toEqual({
      ...events[0],
      prevKv: undefined,
    });
  });
});
