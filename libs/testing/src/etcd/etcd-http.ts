import { type IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * Minimal etcd v3 JSON-gateway calls, so harness tests need no etcd client library.
 * node:http(s) rather than fetch: fetch cannot present a client certificate or trust a custom CA.
 */

/** What an https etcd needs from a client: the CA to trust and, with `--client-cert-auth`, a client cert. */
export interface EtcdHttpTls {
  ca: Buffer | string;
  cert?: Buffer | string;
  key?: Buffer | string;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

export async function etcdPut(
  clientUrl: string,
  key: string,
  value: string,
  tls?: EtcdHttpTls,
): Promise<void> {
  const response = await etcdHttp(clientUrl, 'POST', '/v3/kv/put', { key: b64(key), value: b64(value) }, tls);
  if (response.status !== 200)
    throw new Error(`etcd put ${key} via ${clientUrl}: HTTP ${response.status} ${response.body}`);
}

export async function etcdGet(
  clientUrl: string,
  key: string,
  tls?: EtcdHttpTls,
): Promise<string | undefined> {
  const response = await etcdHttp(clientUrl, 'POST', '/v3/kv/range', { key: b64(key) }, tls);
  if (response.status !== 200)
    throw new Error(`etcd get ${key} via ${clientUrl}: HTTP ${response.status} ${response.body}`);
  const body = JSON.parse(response.body) as { kvs?: { value?: string }[] };
  const value = body.kvs?.[0]?.value;
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
}

/** One request to an etcd member's client URL (http or https), with a 5 s timeout by default. */
export function etcdHttp(
  clientUrl: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  tls?: EtcdHttpTls,
  timeoutMs = 5000,
): Promise<{ status: number; body: string }> {
  const url = new URL(path, clientUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const options = {
      method,
      timeout: timeoutMs,
      headers: payload === undefined ? {} : { 'content-type': 'application/json' },
    };
    const onResponse = (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    };
    const req =
      url.protocol === 'https:'
        ? httpsRequest(url, { ...options, ca: tls?.ca, cert: tls?.cert, key: tls?.key }, onResponse)
        : httpRequest(url, options, onResponse);
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url.href} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
