#!/usr/bin/env node
/**
 * The benchmark's ceiling: one grpc-js process answering etcd's KV Put and Range from a Map, with
 * the store's own generated codecs, and no Raft, no disk, no MVCC. What the same `etcd3` client
 * reaches against it bounds what any Node server can answer on this machine. Prints its port.
 */
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import { etcdserverpb, type mvccpb } from '@flotilla/proto';
import { unary } from '../server/grpc-handlers.js';

const values = new Map<string, mvccpb.KeyValue>();
let revision = 1;
const header = (): etcdserverpb.ResponseHeader => ({ clusterId: 1, memberId: 1, revision, raftTerm: 1 });
const unsupported = unary((): never => {
  throw Object.assign(new Error('not part of the ceiling server'), {
    code: status.UNIMPLEMENTED,
    details: 'ceiling',
  });
});

const kv: etcdserverpb.KVServer = {
  range: unary((req: etcdserverpb.RangeRequest): etcdserverpb.RangeResponse => {
    const kv = values.get(req.key.toString('latin1'));
    return { header: header(), kvs: kv ? [kv] : [], more: false, count: kv ? 1 : 0 };
  }),
  put: unary((req: etcdserverpb.PutRequest): etcdserverpb.PutResponse => {
    const key = req.key.toString('latin1');
    const prev = values.get(key);
    revision++;
    values.set(key, {
      key: req.key,
      value: req.value,
      createRevision: prev?.createRevision ?? revision,
      modRevision: revision,
      version: (prev?.version ?? 0) + 1,
      lease: 0,
    });
    return { header: header(), prevKv: undefined };
  }),
  deleteRange: unsupported,
  txn: unsupported,
  compact: unsupported,
};

const server = new Server();
server.addService(etcdserverpb.KVService, kv);
server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    console.error(`kv-ceiling-server: ${error.message}`);
    process.exit(1);
  }
  console.log(port);
});
process.on('SIGTERM', () => server.forceShutdown());
