import { etcdserverpb } from '@flotilla/proto';
import type { TxnRequest } from '../mvcc/types.js';
import { unary } from './grpc-handlers.js';
import type { StoreNode } from './store-node.js';

type Header = { header: etcdserverpb.ResponseHeader | undefined };

/** What the KV service uses of a member (the store's simulator provides it over simulated Raft too). */
export type KvMember = Pick<StoreNode, 'sm' | 'header' | 'linearizable' | 'propose'>;

/** etcd's KV service: writes through Raft, reads linearizable (batched ReadIndex) unless serializable. */
export function kvService(node: KvMember): etcdserverpb.KVServer {
  const stamp = <R extends Header>(r: R): R => {
    r.header = node.header(r.header?.revision);
    return r;
  };
  return {
    range: unary(async (req: etcdserverpb.RangeRequest) => {
      if (!req.serializable) await node.linearizable();
      return stamp(node.sm.mvcc.range(req) as etcdserverpb.RangeResponse);
    }),
    put: unary(async (req: etcdserverpb.PutRequest) =>
      stamp((await node.propose({ type: 'put', request: req })) as etcdserverpb.PutResponse),
    ),
    deleteRange: unary(async (req: etcdserverpb.DeleteRangeRequest) =>
      stamp((await node.propose({ type: 'delete-range', request: req })) as etcdserverpb.DeleteRangeResponse),
    ),
    txn: unary(async (req: etcdserverpb.TxnRequest) => {
      // A txn that writes nothing is a read: served locally after a read index, as etcd does.
      if (isReadOnly(req)) {
        await node.linearizable();
        return stamp(node.sm.mvcc.txn(req as TxnRequest).response as etcdserverpb.TxnResponse);
      }
      return stamp((await node.propose({ type: 'txn', request: req })) as etcdserverpb.TxnResponse);
    }),
    compact: unary(async (req: etcdserverpb.CompactionRequest) =>
      stamp((await node.propose({ type: 'compact', request: req })) as etcdserverpb.CompactionResponse),
    ),
  };
}

function isReadOnly(req: etcdserverpb.TxnRequest): boolean {
  const ops = [...req.success, ...req.failure];
  return ops.every((op) =>
    op.requestRange !== undefined ? true : op.requestTxn !== undefined ? isReadOnly(op.requestTxn) : false,
  );
}
