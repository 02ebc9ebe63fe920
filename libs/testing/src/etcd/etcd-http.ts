import { type IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { EtcdTls } from './etcd-grpc.js';

/**
 * etcd's HTTP/JSON gateway (`/v3/...`, `/health`): real etcd only, flotilla-store serves gRPC only.
 * Harnesses and tests use the gRPC calls in `etcd-grpc.ts` (`etcdGet`, `etcdPut`), which work on both.
 * node:http(s) rather than fetch: fetch cannot present a client certificate or trust a custom CA.
 */

/** One request to an etcd member's client URL (http or https), with a 5 s timeout by default. */
export function etcdHttp(
  clientUrl: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  tls?: EtcdTls,
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
