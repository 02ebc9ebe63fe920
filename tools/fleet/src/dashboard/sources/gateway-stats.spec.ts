import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchGatewayStats } from './gateway-stats.js';

// A fake gateway: this module's job is to fetch and validate its stats document.
describe('fetchGatewayStats', () => {
  let server: Server;
  let base: string;
  let answer: (res: import('node:http').ServerResponse) => void;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url !== '/_flotilla/stats') return void res.writeHead(404).end();
      answer(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads and validates the stats', async () => {
    answer = (res) =>
      res.end(
        JSON.stringify({
          service: 'gateway',
          instanceId: 'gateway-1',
          http: { calls: 3, failed: 1, byStatus: { '200': 2, '503': 1 }, p50Ms: 1.5, p99Ms: 8 },
          clients: [
            {
              service: 'greeter',
              policy: 'p2c_ewma',
              endpoints: [
                {
                  address: '127.0.0.1:1',
                  breaker: 'open',
                  ewmaMs: 3,
                  inflight: 0,
                  started: 2,
                  succeeded: 1,
                  failed: 1,
                },
              ],
              retries: 1,
              transparentRetries: 0,
              hedges: 2,
              retriesThrottled: 0,
              budgetTokens: 9,
            },
          ],
        }),
      );
    const stats = await fetchGatewayStats(base, 1000);
    expect(stats.http.p99Ms).toBe(8);
    expect(stats.clients[0]?.endpoints[0]?.breaker).toBe('open');
  });

  it('names the URL and the problem', async () => {
    answer = (res) => res.writeHead(500).end();
    await expect(fetchGatewayStats(base, 1000)).rejects.toThrow(`GET ${base}/_flotilla/stats answered 500`);
    answer = (res) => res.end('{"http": {}}');
    await expect(fetchGatewayStats(base, 1000)).rejects.toThrow(/unexpected body: .*calls/s);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(fetchGatewayStats(`http://127.0.0.1:${port}`, 1000)).rejects.toThrow(
      `GET http://127.0.0.1:${port}/_flotilla/stats failed: ECONNREFUSED`,
    );
  });
});
