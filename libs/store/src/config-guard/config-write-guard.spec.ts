import { etcdserverpb } from '@flotilla/proto';
import { StoreStateMachine, type ApplyOutcome } from '../state-machine/store-state-machine.js';
import { encodeStoreCommand } from '../state-machine/store-command.js';
import { GrpcCode } from '../rpc-errors.js';
import { CompareResult, CompareTarget, type TxnRequest } from '../mvcc/types.js';

const SCHEMA = JSON.stringify({
  type: 'object',
  properties: { retries: { type: 'integer', maximum: 10 }, name: { type: 'string' } },
  additionalProperties: false,
});
const bytes = (s: string) => Buffer.from(s);
const put = (key: string, value: string) => ({ key: bytes(key), value: bytes(value) });

function applyPut(sm: StoreStateMachine, key: string, value: string): ApplyOutcome {
  return sm.apply(
    encodeStoreCommand({ type: 'put', request: etcdserverpb.PutRequest.fromPartial(put(key, value)) }),
  );
}

/** The store's request shapes are etcd's with optional fields; the codec wants every field set. */
function applyTxn(sm: StoreStateMachine, txn: TxnRequest): ApplyOutcome {
  const request = etcdserverpb.TxnRequest.fromPartial(
    txn as Parameters<typeof etcdserverpb.TxnRequest.fromPartial>[0],
  );
  return sm.apply(encodeStoreCommand({ type: 'txn', request }));
}

function value(sm: StoreStateMachine, key: string): string | undefined {
  return sm.mvcc.range({ key: bytes(key) }).kvs[0]?.value.toString();
}

function refusal(outcome: ApplyOutcome): string {
  if (outcome.ok) throw new Error('expected the write to be refused');
  expect(outcome.error.code).toBe(GrpcCode.INVALID_ARGUMENT);
  return outcome.error.message;
}

describe('config write guard in the state machine', () => {
  let sm: StoreStateMachine;
  beforeEach(() => {
    sm = new StoreStateMachine();
    expect(applyPut(sm, 'flotilla/schemas/svc', SCHEMA).ok).toBe(true);
  });

  it('refuses a put that breaks the schema, naming key, path and rule, and changes nothing', () => {
    expect(applyPut(sm, 'flotilla/config/svc/retries', '4').ok).toBe(true);
    const revision = sm.mvcc.revision;
    expect(refusal(applyPut(sm, 'flotilla/config/svc/retries', '11'))).toBe(
      'flotilla-store: flotilla/config/svc/retries refused: config key "retries" is invalid at the whole value: maximum: must be <= 10 (schema flotilla/schemas/svc)',
    );
    expect(refusal(applyPut(sm, 'flotilla/config/svc/extra', '1'))).toContain('additionalProperties');
    expect(refusal(applyPut(sm, 'flotilla/config/svc/name', 'bare text'))).toContain('json: ');
    expect(sm.mvcc.revision).toBe(revision);
    expect(value(sm, 'flotilla/config/svc/retries')).toBe('4');
  });

  it('leaves services without a schema, and keys outside the layout, alone', () => {
    expect(applyPut(sm, 'flotilla/config/other/anything', 'not json').ok).toBe(true);
    expect(applyPut(sm, 'flotilla/config/svc', 'not json').ok).toBe(true);
    expect(applyPut(sm, 'elsewhere/retries', '99').ok).toBe(true);
  });

  it('refuses a whole txn for an invalid put in the taken branch, however deeply nested', () => {
    const outcome = applyTxn(sm, {
      success: [
        { requestPut: put('plain', 'x') },
        {
          requestTxn: {
            success: [
              { requestTxn: { success: [{ requestPut: put('flotilla/config/svc/retries', '"3"') }] } },
            ],
          },
        },
      ],
    });
    expect(refusal(outcome)).toContain('type: must be integer');
    expect(value(sm, 'plain')).toBeUndefined();
  });

  it('checks only the branch the compares choose', () => {
    const missing = {
      key: bytes('absent'),
      target: CompareTarget.Version,
      result: CompareResult.Greater,
      version: 0,
    };
    const outcome = applyTxn(sm, {
      compare: [missing],
      success: [{ requestPut: put('flotilla/config/svc/retries', '99') }],
      failure: [{ requestPut: put('flotilla/config/svc/retries', '9') }],
    });
    expect(outcome.ok ? 'ok' : outcome.error.message).toBe('ok');
    expect(value(sm, 'flotilla/config/svc/retries')).toBe('9');
  });

  it('checks values against a schema put in the same txn, and refuses a malformed schema', () => {
    const tighter = JSON.stringify({
      type: 'object',
      properties: { retries: { type: 'integer', maximum: 2 } },
    });
    const outcome = applyTxn(sm, {
      success: [
        { requestPut: put('flotilla/schemas/svc', tighter) },
        { requestPut: put('flotilla/config/svc/retries', '5') },
      ],
    });
    expect(refusal(outcome)).toContain('maximum: must be <= 2');
    expect(value(sm, 'flotilla/schemas/svc')).toBe(SCHEMA);
    expect(refusal(applyPut(sm, 'flotilla/schemas/svc', '{"type":'))).toMatch(
      /^flotilla-store: schema flotilla\/schemas\/svc refused: config schema is not JSON: /,
    );
    expect(refusal(applyPut(sm, 'flotilla/schemas/svc', '[]'))).toContain(
      'config schema must be a JSON object, got an array',
    );
  });

  it('answers a malformed txn with etcd’s own error, not the guard’s', () => {
    const outcome = applyTxn(sm, {
      compare: [{ key: Buffer.alloc(0), target: CompareTarget.Version, result: CompareResult.Equal }],
      success: [{ requestPut: put('flotilla/config/svc/retries', '99') }],
    });
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error.message).toBe('etcdserver: key is not provided');
  });
});
