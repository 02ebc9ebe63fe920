import { etcdserverpb } from '@flotilla/proto';

/** A member's self-description, published through the log once it runs (as etcd's members do). */
export interface MemberAttributes {
  readonly id: number;
  readonly name: string;
  readonly peerUrls: readonly string[];
  readonly clientUrls: readonly string[];
}

/** Everything the store replicates through Raft, besides membership changes. */
export type StoreCommand =
  | { readonly type: 'put'; readonly request: etcdserverpb.PutRequest }
  | { readonly type: 'delete-range'; readonly request: etcdserverpb.DeleteRangeRequest }
  | { readonly type: 'txn'; readonly request: etcdserverpb.TxnRequest }
  | { readonly type: 'compact'; readonly request: etcdserverpb.CompactionRequest }
  | { readonly type: 'lease-grant'; readonly request: etcdserverpb.LeaseGrantRequest }
  | { readonly type: 'lease-revoke'; readonly request: etcdserverpb.LeaseRevokeRequest }
  | { readonly type: 'member-attributes'; readonly member: MemberAttributes }
  | { readonly type: 'member-update'; readonly id: number; readonly peerUrls: readonly string[] };

const TAG = {
  put: 1,
  'delete-range': 2,
  txn: 3,
  compact: 4,
  'lease-grant': 5,
  'lease-revoke': 6,
  'member-attributes': 7,
  'member-update': 8,
} as const;

/** `[tag][payload]`: etcd's own request encoding for KV and lease requests, JSON for member records. */
export function encodeStoreCommand(c: StoreCommand): Uint8Array {
  const body = encodeBody(c);
  const out = new Uint8Array(body.length + 1);
  out[0] = TAG[c.type];
  out.set(body, 1);
  return out;
}

function encodeBody(c: StoreCommand): Uint8Array {
  switch (c.type) {
    case 'put':
      return etcdserverpb.PutRequest.encode(c.request).finish();
    case 'delete-range':
      return etcdserverpb.DeleteRangeRequest.encode(c.request).finish();
    case 'txn':
      return etcdserverpb.TxnRequest.encode(c.request).finish();
    case 'compact':
      return etcdserverpb.CompactionRequest.encode(c.request).finish();
    case 'lease-grant':
      return etcdserverpb.LeaseGrantRequest.encode(c.request).finish();
    case 'lease-revoke':
      return etcdserverpb.LeaseRevokeRequest.encode(c.request).finish();
    case 'member-attributes':
      return Buffer.from(JSON.stringify(c.member));
    case 'member-update':
      return Buffer.from(JSON.stringify({ id: c.id, peerUrls: c.peerUrls }));
  }
}

export function decodeStoreCommand(data: Uint8Array): StoreCommand {
  const body = data.subarray(1);
  switch (data[0]) {
    case TAG.put:
      return { type: 'put', request: etcdserverpb.PutRequest.decode(body) };
    case TAG['delete-range']:
      return { type: 'delete-range', request: etcdserverpb.DeleteRangeRequest.decode(body) };
    case TAG.txn:
      return { type: 'txn', request: etcdserverpb.TxnRequest.decode(body) };
    case TAG.compact:
      return { type: 'compact', request: etcdserverpb.CompactionRequest.decode(body) };
    case TAG['lease-grant']:
      return { type: 'lease-grant', request: etcdserverpb.LeaseGrantRequest.decode(body) };
    case TAG['lease-revoke']:
      return { type: 'lease-revoke', request: etcdserverpb.LeaseRevokeRequest.decode(body) };
    case TAG['member-attributes']:
      return {
        type: 'member-attributes',
        member: JSON.parse(Buffer.from(body).toString('utf8')) as MemberAttributes,
      };
    case TAG['member-update']: {
      const v = JSON.parse(Buffer.from(body).toString('utf8')) as { id: number; peerUrls: string[] };
      return { type: 'member-update', id: v.id, peerUrls: v.peerUrls };
    }
    default:
      throw new Error(`store: unknown command tag ${data[0]}`);
  }
}
