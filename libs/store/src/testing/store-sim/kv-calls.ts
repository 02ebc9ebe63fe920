import { etcdserverpb } from '@flotilla/proto';
import type { ServerSimCluster } from '@flotilla/raft/testing';
import type { sendUnaryData, ServerUnaryCall, ServiceError } from '@grpc/grpc-js';
import { kvService } from '../../server/kv-service.js';
import { refuseOnLearner } from '../../server/learner-guard.js';
import type { SimMember } from './sim-member.js';

/**
 * A client's view of one call: its answer, a failure that certainly changed nothing, or no answer
 * in time (or an error after which the write may still take effect).
 */
export type CallOutcome<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'unknown'; readonly reason: string };

type Handler<Req, Res> = (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void;

type Answer<Res> =
  | { readonly kind: 'ok'; readonly value: Res }
  | { readonly kind: 'error'; readonly error: Partial<ServiceError> | Error }
  | { readonly kind: 'timeout' };

/**
 * Raft errors raised before a proposal entered any log: the write certainly did not happen. Every
 * other rejection (time-outs, the server stopping, a snapshot covering the entry) leaves it unknown.
 */
const NEVER_PROPOSED = new Set([
  'NotLeaderError',
  'OverloadedError',
  'LeadershipTransferInProgressError',
  'ProposalDroppedError',
]);

/**
 * Calls the store's KV service of `member`, behind the learner guard, as the gRPC server would
 * (the same handler functions), and waits for its answer until the client's deadline.
 */
export class KvCalls {
  constructor(
    private readonly cluster: ServerSimCluster,
    private readonly timeoutMs: number,
  ) {}

  range(
    member: SimMember,
    request: etcdserverpb.RangeRequest,
  ): Promise<CallOutcome<etcdserverpb.RangeResponse>> {
    return this.call(member, 'range', request);
  }

  put(member: SimMember, request: etcdserverpb.PutRequest): Promise<CallOutcome<etcdserverpb.PutResponse>> {
    return this.call(member, 'put', request);
  }

  txn(member: SimMember, request: etcdserverpb.TxnRequest): Promise<CallOutcome<etcdserverpb.TxnResponse>> {
    return this.call(member, 'txn', request);
  }

  private async call<Req, Res>(
    member: SimMember,
    method: 'range' | 'put' | 'txn',
    request: Req,
  ): Promise<CallOutcome<Res>> {
    const service = refuseOnLearner(member, etcdserverpb.KVService, kvService(member));
    const handler = service[method] as Handler<Req, Res>;
    let answered: (a: Answer<Res>) => void = () => undefined;
    const answer = new Promise<Answer<Res>>((resolve) => (answered = resolve));
    try {
      handler({ request } as ServerUnaryCall<Req, Res>, (error, value) =>
        answered(error ? { kind: 'error', error } : { kind: 'ok', value: value as Res }),
      );
    } catch (e) {
      // The guard found the member's server down before anything was sent.
      return { kind: 'failed', reason: e instanceof Error ? e.message : String(e) };
    }
    const a = await Promise.race([
      answer,
      this.cluster.sleep(this.timeoutMs).then((): Answer<Res> => ({ kind: 'timeout' })),
    ]);
    if (a.kind === 'ok') return a;
    if (a.kind === 'timeout') return { kind: 'unknown', reason: `no answer within ${this.timeoutMs} ms` };
    const reason = errorText(a.error);
    const p = member.proposal;
    // No proposal made (a read, the guard refused, no leader to forward to): nothing changed.
    if (p === null) return { kind: 'failed', reason };
    if (p.outcome === 'not-sent' || p.outcome === 'dropped') return { kind: 'failed', reason };
    if (p.outcome === 'failed' && NEVER_PROPOSED.has(p.error ?? '')) return { kind: 'failed', reason };
    // Applied, and the state machine answered with an etcd error: applied as a no-op.
    if (p.outcome === 'applied' && isRejection(p.value)) return { kind: 'failed', reason };
    return { kind: 'unknown', reason };
  }
}

function isRejection(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false;
}

function errorText(e: Partial<ServiceError> | Error): string {
  const details = (e as Partial<ServiceError>).details;
  return typeof details === 'string' ? details : (e.message ?? String(e));
}
