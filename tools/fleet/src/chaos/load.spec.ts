import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LoadGenerator } from './load.js';
import { seededRandom } from './random.js';

// A fake gateway: this module's job is the call schedule and the tally.
describe('LoadGenerator', () => {
  let server: Server;
  let base: string;
  let handler: (url: URL, res: import('node:http').ServerResponse) => void;
  const paths: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      paths.push(url.pathname + url.search);
      handler(url, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    paths.length = 0;
  });

  it('calls /hello/<name>?lang=<lang> at the rate asked for and tallies failures by reason', async () => {
    let n = 0;
    handler = (_url, res) => {
      n += 1;
      if (n % 10 === 0) res.writeHead(503).end('{"error":{"code":"UNAVAILABLE","message":"down"}}');
      else res.end('{"message":"Hello"}');
    };
    const load = new LoadGenerator(base, 100, 32, seededRandom(1));
    load.start();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const result = await load.stop();
    // 100/s for 1 s, by the clock: each due call is made, or skipped if all slots are busy.
    expect(result.calls + result.skipped).toBeGreaterThanOrEqual(95);
    expect(result.calls + result.skipped).toBeLessThanOrEqual(101);
    expect(result.calls).toBeGreaterThan(50);
    expect(result.failures).toEqual({ 'HTTP 503 UNAVAILABLE': result.failed });
    expect(result.failed).toBe(Math.floor(result.calls / 10));
    expect(result.latenciesMs).toHaveLength(result.calls);
    expect(paths.every((p) => /^\/hello\/[A-Z][a-z]+\?lang=(en|fr|de|es|it|nl|pt)$/.test(p))).toBe(true);
  });

  it('skips calls while every slot is busy, rather than queueing them', async () => {
    handler = (_url, res) => setTimeout(() => res.end('{}'), 500);
    const load = new LoadGenerator(base, 50, 2, seededRandom(2));
    load.start();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const result = await load.stop();
    expect(result.calls).toBe(2);
    expect(result.failed).toBe(0);
    expect(result.skipped).toBeGreaterThan(10);
  });

  it('counts a refused connection as a failed call', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const load = new LoadGenerator(`http://127.0.0.1:${port}`, 20, 8, seededRandom(3));
    load.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const result = await load.stop();
    expect(result.calls).toBeGreaterThan(0);
    expect(result.failures).toEqual({ ECONNREFUSED: result.calls });
  });
});
