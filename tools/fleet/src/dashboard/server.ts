import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Collector, CollectorMessage } from './collector.js';
import { readStatic, STATIC_FILES } from './static-files.js';

export interface DashboardServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the page, its scripts and styles, `/events` (server-sent events: an `init` message with
 * the snapshot, chart history and event feed, then an `update` per change) and `/api/snapshot`.
 */
export async function serveDashboard(collector: Collector, port: number): Promise<DashboardServer> {
  const streams = new Set<ServerResponse>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/events') return stream(req, res);
    if (path === '/api/snapshot') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(collector.snapshot()));
      return;
    }
    const file = STATIC_FILES[path];
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no such page: ${path}\n`);
      return;
    }
    const body = await readStatic(file);
    res.writeHead(200, {
      'content-type': file.type,
      'content-length': body.length,
      'cache-control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const stream = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    // Reconnect quickly should the dashboard restart.
    res.write('retry: 1000\n\n');
    streams.add(res);
    const send = (m: CollectorMessage) => res.write(`event: ${m.type}\ndata: ${JSON.stringify(m)}\n\n`);
    const unsubscribe = collector.subscribe(send);
    req.on('close', () => {
      unsubscribe();
      streams.delete(res);
    });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`dashboard error: ${(error as Error).message}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `dashboard: cannot listen on 127.0.0.1:${port}: port already in use; pick another port or 0 for a free one`,
            )
          : error,
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const res of streams) res.end();
        streams.clear();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
