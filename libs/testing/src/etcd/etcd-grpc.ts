import {
  type ChannelCredentials,
  type Client,
  credentials,
  type GrpcObject,
  loadPackageDefinition,
  Metadata,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PROTO_ROOT, protoFile } from '@flotilla/proto';

/**
 * Minimal etcd v3 gRPC calls for harnesses and tests, so they need no etcd client library. gRPC
 * rather than etcd's HTTP/JSON gateway: flotilla-store serves gRPC only, and both serve this.
 *
 * The vendored rpc.proto is loaded with proto-loader, 64-bit integers as strings, rather than
 * through the ts-proto clients in @flotilla/proto: those decode int64 as JS numbers and throw
 * ("Value is larger than Number.MAX_SAFE_INTEGER") on real etcd's 64-bit member and cluster ids.
 */
let services: { KV: ServiceClientConstructor; Maintenance: ServiceClientConstructor } | undefined;
function etcdServices() {
  if (!services) {
    const definition = loadSync(protoFile('etcd/etcdserverpb/rpc.proto'), {
      includeDirs: [PROTO_ROOT],
      keepCase: true,
      longs: String,
      enums: String,
      defaults: true,
    });
    const pb = loadPackageDefinition(definition)['etcdserverpb'] as GrpcObject;
    services = {
      KV: pb['KV'] as ServiceClientConstructor,
      Maintenance: pb['Maintenance'] as ServiceClientConstructor,
    };
  }
  return services;
}

interface KeyValue {
  key: Buffer;
  value: Buffer;
}
interface RangeResponse {
  kvs: KeyValue[];
}
interface StatusResponse {
  /** The member id this member takes for the leader, as a decimal string; '0' for none. */
  leader: string;
  errors: string[];
}

/** What an https member needs from a client: the CA to trust and, with `--client-cert-auth`, a client cert. */
export interface EtcdTls {
  ca: Buffer | string;
  cert?: Buffer | string;
  key?: Buffer | string;
}

/** @deprecated the old name, from when these calls used etcd's HTTP gateway; use `EtcdTls`. */
export type EtcdHttpTls = EtcdTls;

const buffer = (pem: Buffer | string | undefined) =>
  pem === undefined ? undefined : Buffer.isBuffer(pem) ? pem : Buffer.from(pem, 'utf8');

/** `host:port` and credentials for a member's client URL (`http://` or `https://`). */
function channel(clientUrl: string, tls?: EtcdTls): { address: string; creds: ChannelCredentials } {
  const url = new URL(clientUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`etcd client URL "${clientUrl}" must be http(s)://host:port`);
  }
  const cert = buffer(tls?.cert);
  const key = buffer(tls?.key);
  const creds =
    url.protocol === 'https:'
      ? credentials.createSsl(buffer(tls?.ca) ?? null, cert && key ? key : null, cert && key ? cert : null)
      : credentials.createInsecure();
  return { address: url.host, creds };
}

type Callback = (error: ServiceError | null, reply: unknown) => void;
type Unary = (request: object, md: Metadata, options: { deadline: Date }, cb: Callback) => unknown;
type Method = 'Put' | 'Range' | 'Status';

/** One unary call of `client` (a proto-loader client) with a deadline. */
function call<Res>(client: Client, method: Method, request: object, timeoutMs: number): Promise<Res> {
  const fn = (client as unknown as Record<Method, Unary>)[method].bind(client);
  return new Promise((resolve, reject) =>
    fn(request, new Metadata(), { deadline: new Date(Date.now() + timeoutMs) }, (error, reply) =>
      error ? reject(error) : resolve(reply as Res),
    ),
  );
}

/** Runs `fn` with a KV and a Maintenance client on `clientUrl`, closing both afterwards. */
async function withClients<T>(
  clientUrl: string,
  tls: EtcdTls | undefined,
  fn: (kv: Client, maintenance: Client) => Promise<T>,
): Promise<T> {
  const { address, creds } = channel(clientUrl, tls);
  const { KV, Maintenance } = etcdServices();
  const kv = new KV(address, creds);
  const maintenance = new Maintenance(address, creds);
  try {
    return await fn(kv, maintenance);
  } finally {
    kv.close();
    maintenance.close();
  }
}

const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** KV.Put of a UTF-8 key and value through one member. */
export async function etcdPut(
  clientUrl: string,
  key: string,
  value: string,
  tls?: EtcdTls,
  timeoutMs = 5000,
): Promise<void> {
  await withClients(clientUrl, tls, (kv) =>
    call(kv, 'Put', { key: Buffer.from(key), value: Buffer.from(value) }, timeoutMs),
  ).catch((error: unknown) => {
    throw new Error(`etcd put ${key} via ${clientUrl}: ${describeError(error)}`, { cause: error });
  });
}

/** A linearizable KV.Range of one key through one member: its UTF-8 value, or undefined if absent. */
export async function etcdGet(
  clientUrl: string,
  key: string,
  tls?: EtcdTls,
  timeoutMs = 5000,
): Promise<string | undefined> {
  const response = await withClients(clientUrl, tls, (kv) =>
    call<RangeResponse>(kv, 'Range', { key: Buffer.from(key) }, timeoutMs),
  ).catch((error: unknown) => {
    throw new Error(`etcd get ${key} via ${clientUrl}: ${describeError(error)}`, { cause: error });
  });
  const value = response.kvs[0]?.value;
  return value === undefined ? undefined : value.toString('utf8');
}

/**
 * What etcd's `/health` checks, over gRPC so it works for etcd and flotilla-store alike: the member
 * knows a leader and raises no alarm (Maintenance.Status), and a linearizable read goes through
 * (KV.Range of the key `health`, as etcd's own check). Resolves with the reason it is not healthy,
 * or undefined when it is.
 */
export async function etcdUnhealthyReason(
  clientUrl: string,
  tls?: EtcdTls,
  timeoutMs = 1000,
): Promise<string | undefined> {
  return withClients(clientUrl, tls, async (kv, maintenance) => {
    try {
      const status = await call<StatusResponse>(maintenance, 'Status', {}, timeoutMs);
      if (status.leader === '0') return 'no leader';
      if (status.errors.length > 0) return `errors: ${status.errors.join('; ')}`;
      await call(kv, 'Range', { key: Buffer.from('health') }, timeoutMs);
      return undefined;
    } catch (error) {
      return describeError(error);
    }
  });
}
