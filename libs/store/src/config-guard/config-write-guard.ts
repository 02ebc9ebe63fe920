import {
  CONFIG_PREFIX,
  ConfigSchemaError,
  parseConfigKey,
  parseConfigSchema,
  parseSchemaKey,
  SCHEMA_PREFIX,
  schemaKey,
  validateConfigValue,
} from '@flotilla/config/guard';
import { EtcdError } from '../mvcc/errors.js';
import type { MvccStore } from '../mvcc/mvcc-store.js';
import { GrpcCode } from '../rpc-errors.js';
import type { PutRequest, RequestOp, TxnRequest } from '../mvcc/types.js';

/**
 * A write refused by the config guard: a value under flotilla/config/<service>/ that breaks the
 * service's schema, or a malformed schema under flotilla/schemas/. etcd has no such check, so the
 * message is ours; the code is etcd's for bad requests.
 */
export class ConfigViolationError extends EtcdError {
  constructor(message: string) {
    super({ code: GrpcCode.INVALID_ARGUMENT, message: `flotilla-store: ${message}` });
  }
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Checks the puts a Put or Txn would make, against the state it is about to be applied to. It runs
 * in the state machine, before the write, so every replica decides the same way and no concurrent
 * schema change can slip between the check and the write. Throws ConfigViolationError; a refused
 * request changes nothing (a Txn is refused as a whole).
 */
export function checkConfigPut(mvcc: MvccStore, request: PutRequest): void {
  if (!GUARDED.some((prefix) => startsWith(request.key, prefix))) return;
  checkPuts(mvcc, [request]);
}

export function checkConfigTxn(mvcc: MvccStore, request: TxnRequest): void {
  if (!putsGuardedKey(request)) return; // the common case costs one walk over the ops
  const puts: PutRequest[] = [];
  try {
    collectTakenPuts(mvcc, request, puts);
  } catch (error) {
    // A malformed txn: the txn itself answers with etcd's error for it.
    if (error instanceof EtcdError) return;
    throw error;
  }
  checkPuts(mvcc, puts);
}

const GUARDED = [Buffer.from(`${CONFIG_PREFIX}/`), Buffer.from(`${SCHEMA_PREFIX}/`)];

function putsGuardedKey(request: TxnRequest): boolean {
  return [...(request.success ?? []), ...(request.failure ?? [])].some((op) => {
    if (op.requestPut) return GUARDED.some((prefix) => startsWith(op.requestPut?.key, prefix));
    return op.requestTxn ? putsGuardedKey(op.requestTxn) : false;
  });
}

function startsWith(key: Uint8Array | undefined, prefix: Buffer): boolean {
  return key !== undefined && key.length >= prefix.length && prefix.equals(key.subarray(0, prefix.length));
}

/**
 * The puts of the branches the txn will take. etcd decides every branch (nested ones too) against
 * the state before the txn; a compare-only txn on the same store answers that without writing.
 */
function collectTakenPuts(mvcc: MvccStore, request: TxnRequest, out: PutRequest[]): void {
  const { succeeded } = mvcc.txn({ compare: request.compare ?? [], success: [], failure: [] }).response;
  const ops: RequestOp[] = (succeeded ? request.success : request.failure) ?? [];
  for (const op of ops) {
    if (op.requestPut) out.push(op.requestPut);
    else if (op.requestTxn) collectTakenPuts(mvcc, op.requestTxn, out);
  }
}

function checkPuts(mvcc: MvccStore, puts: readonly PutRequest[]): void {
  // A schema put in the same request governs the values put with it.
  const newSchemas = new Map<string, object>();
  for (const put of puts) {
    if (put.ignoreValue) continue;
    const service = parseSchemaKey(text(put.key));
    if (service === undefined) continue;
    try {
      newSchemas.set(service, parseConfigSchema(text(put.value)));
    } catch (error) {
      if (error instanceof ConfigSchemaError)
        throw new ConfigViolationError(`schema ${text(put.key)} refused: ${error.message}`);
      throw error;
    }
  }
  for (const put of puts) {
    // ignore_value keeps the stored value, which was checked when it was written.
    if (put.ignoreValue) continue;
    const etcdKey = text(put.key);
    const target = parseConfigKey(etcdKey);
    if (!target) continue;
    const schema = newSchemas.get(target.service) ?? storedSchema(mvcc, target.service);
    if (!schema) continue;
    const broken = validateConfigValue(schema, target.key, text(put.value));
    if (broken) {
      throw new ConfigViolationError(
        `${etcdKey} refused: ${broken.message} (schema ${schemaKey(target.service)})`,
      );
    }
  }
}

/** The service's stored schema; one that does not parse (written before the guard) guards nothing. */
function storedSchema(mvcc: MvccStore, service: string): object | undefined {
  const kv = mvcc.range({ key: Buffer.from(schemaKey(service)) }).kvs[0];
  if (!kv) return undefined;
  try {
    return parseConfigSchema(text(kv.value));
  } catch {
    return undefined;
  }
}

function text(bytes: Uint8Array | undefined): string {
  return bytes ? decoder.decode(bytes) : '';
}
