/** Minimal etcd v3 JSON-gateway calls, so harness tests need no etcd client library. */
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

export async function etcdPut(clientUrl: string, key: string, value: string): Promise<void> {
  const response = await fetch(`${clientUrl}/v3/kv/put`, {
    method: 'POST',
    body: JSON.stringify({ key: b64(key), value: b64(value) }),
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok)
    throw new Error(`etcd put ${key} via ${clientUrl}: HTTP ${response.status} ${await response.text()}`);
}

export async function etcdGet(clientUrl: string, key: string): Promise<string | undefined> {
  const response = await fetch(`${clientUrl}/v3/kv/range`, {
    method: 'POST',
    body: JSON.stringify({ key: b64(key) }),
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok)
    throw new Error(`etcd get ${key} via ${clientUrl}: HTTP ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { kvs?: { value?: string }[] };
  const value = body.kvs?.[0]?.value;
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
}
