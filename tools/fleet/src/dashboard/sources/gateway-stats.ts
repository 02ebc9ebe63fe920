import { z } from 'zod';

/** The gateway's GET /_flotilla/stats (counters are cumulative since the gateway started). */
const endpointSchema = z.object({
  address: z.string(),
  breaker: z.string(),
  ewmaMs: z.number().default(0),
  inflight: z.number().default(0),
  started: z.number().default(0),
  succeeded: z.number().default(0),
  failed: z.number().default(0),
});

const clientSchema = z.object({
  service: z.string(),
  policy: z.string().optional(),
  endpoints: z.array(endpointSchema).default([]),
  retries: z.number().default(0),
  transparentRetries: z.number().default(0),
  hedges: z.number().default(0),
  retriesThrottled: z.number().default(0),
  budgetTokens: z.number().optional(),
});

const statsSchema = z.object({
  service: z.string().default('gateway'),
  instanceId: z.string().default('gateway'),
  http: z.object({
    calls: z.number(),
    failed: z.number(),
    byStatus: z.record(z.string(), z.number()).default({}),
    p50Ms: z.number().nullable().default(null),
    p99Ms: z.number().nullable().default(null),
  }),
  clients: z.array(clientSchema).default([]),
});

export type GatewayStats = z.output<typeof statsSchema>;
export type ClientStatsView = z.output<typeof clientSchema>;
export type EndpointStatsView = z.output<typeof endpointSchema>;

/** Fetches and validates the stats; rejects with a message naming the URL and the problem. */
export async function fetchGatewayStats(gateway: string, timeoutMs: number): Promise<GatewayStats> {
  const url = new URL('/_flotilla/stats', gateway).toString();
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new Error(`GET ${url} failed: ${cause ?? (error as Error).message}`);
  }
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  const parsed = statsSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new Error(`GET ${url}: unexpected body: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
